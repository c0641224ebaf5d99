package app.doorstep.android.ui

import android.content.Context
import androidx.biometric.BiometricManager
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import app.doorstep.android.AppContainer
import app.doorstep.android.security.ForegroundActivity
import app.doorstep.android.ui.familycopy.printFamilyCopy
import app.doorstep.ffi.CheckInView
import app.doorstep.ffi.KeyProvider
import app.doorstep.ffi.VisitId
import app.doorstep.kotlin.Doorstep
import app.doorstep.ui.app.Platform
import java.io.File
import java.io.IOException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/**
 * What the phone adds to doorstep-ui's [app.doorstep.ui.app.AppState]: OkHttp for enrolment and
 * sync, the Keystore key behind BiometricPrompt, the process-wide store the sync worker and the
 * boot receiver share, WorkManager after each change, the lone-working alarms, and the print
 * dialog for the family's copy. No rule here.
 */
class AndroidPlatform(
    private val container: AppContainer,
    context: Context,
) : Platform(transport = container.transport) {

    private val biometrics = BiometricManager.from(context.applicationContext)

    /** A phone always enrols with the service's server. */
    override val enrolsWithServer: Boolean get() = true

    /** A strong biometric is enrolled now (asked each time: the practitioner may add one). */
    override val biometricAvailable: Boolean
        get() = biometrics.canAuthenticate(BIOMETRIC_STRONG) == BiometricManager.BIOMETRIC_SUCCESS

    override fun keyProvider(): KeyProvider = container.keyProvider()

    override suspend fun open(dir: File): Doorstep = container.open()

    override fun adopt(store: Doorstep) = container.adopt(store)

    override suspend fun onUnlocked(store: Doorstep) = container.onUnlocked()

    override fun onChanged() = container.syncScheduler.requestSync()

    override suspend fun onCheckedIn(store: Doorstep, view: CheckInView) {
        // Both of the core's reminders (amber and red), one alarm each.
        container.reminders.schedule(store.loneWorkingReminders())
    }

    override fun onCheckedOut(visitId: VisitId) = container.reminders.cancel(visitId)

    override fun onWiped() = container.onWiped()

    /** The print dialog over the activity on screen (print, save as PDF, share). */
    override suspend fun shareFamilyCopy(pdf: ByteArray, fileName: String) = withContext(Dispatchers.Main) {
        val activity = ForegroundActivity.current() ?: throw IOException("no activity on screen to print from")
        printFamilyCopy(activity, pdf, fileName)
    }
}
