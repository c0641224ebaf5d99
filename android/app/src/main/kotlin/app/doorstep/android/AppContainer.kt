package app.doorstep.android

import android.content.Context
import android.util.Log
import app.doorstep.android.net.OkHttpTransport
import app.doorstep.android.reminder.LoneWorkingReminders
import app.doorstep.android.security.AndroidKeystoreKeyProvider
import app.doorstep.android.security.BackgroundKeystoreKeyProvider
import app.doorstep.android.security.BiometricCipherAuthenticator
import app.doorstep.android.sync.SyncScheduler
import app.doorstep.ffi.DoorstepException
import app.doorstep.kotlin.Doorstep
import app.doorstep.kotlin.code
import java.io.File
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/**
 * The app's objects, made once per process: the store (opened once, locked or not), the
 * transport, the key provider and the sync scheduler. No rules: those are in the core.
 */
class AppContainer(private val context: Context) {

    /** The store's directory: app-private, credential-encrypted storage, excluded from backup. */
    val storeDir: File = File(context.filesDir, STORE_DIR)

    /** The HTTP stack for sync and enrolment (plain http to loopback in debug builds only). */
    val transport = OkHttpTransport(allowLoopbackHttp = BuildConfig.DEBUG)

    /** Background sync. */
    val syncScheduler = SyncScheduler(context)

    /** The lone-working reminder scheduled at check-in, cancelled at check-out. */
    val reminders = LoneWorkingReminders(context)

    /** For work that must outlive a screen (locking on background). */
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    private val openLock = Mutex()

    @Volatile
    private var doorstep: Doorstep? = null

    /** What the screens hear from outside them, while they exist. */
    interface Screens {
        /** The app left the screen: seal the draft being typed, then lock. */
        fun toBackground()

        /** The background worker found the store wiped: forget it and show first run. */
        fun wiped()
    }

    /** Set by [app.doorstep.android.ui.AppViewModel] while it lives. */
    @Volatile
    var screens: Screens? = null

    /** Whether this phone has a store ("unlock") or not yet ("enrol"). */
    fun storeExists(): Boolean = Doorstep.exists(storeDir)

    /** Opens the store (locked) once per process. */
    suspend fun open(): Doorstep = openLock.withLock {
        doorstep ?: Doorstep.open(storeDir).also { doorstep = it }
    }

    /** Keeps a store just created by enrolment (it is unlocked; the screens then call [onUnlocked]). */
    fun adopt(created: Doorstep) {
        doorstep = created
    }

    /** A key provider on the Android Keystore, prompting over the foreground activity. */
    fun keyProvider(): AndroidKeystoreKeyProvider = AndroidKeystoreKeyProvider(
        BiometricCipherAuthenticator(
            title = context.getString(R.string.biometric_title),
            subtitle = context.getString(R.string.biometric_subtitle),
            usePassphrase = context.getString(R.string.biometric_use_passphrase),
        ),
    )

    /** The background-sync key: needs an unlocked phone, not the practitioner. */
    val backgroundKeyProvider = BackgroundKeystoreKeyProvider()

    /** After any unlock or enrolment: the background key is set up, reminders restored, queued changes may go. */
    fun onUnlocked() {
        val opened = doorstep
        scope.launch {
            opened?.let {
                setUpBackgroundSync(it)
                // Alarms lost while the app was away (a reboot without a background key) come back.
                runCatching { reminders.schedule(it.loneWorkingReminders()) }
            }
            syncScheduler.requestSync()
        }
    }

    /**
     * Wraps the data key with the background-sync key if the store has no such slot yet (or the
     * Keystore lost the key), so WorkManager can sync while the app is locked. A failure only
     * means sync waits for the next unlock: logged by code, nothing else.
     */
    private suspend fun setUpBackgroundSync(store: Doorstep) {
        try {
            if (!store.unlockOptions().backgroundSync || !backgroundKeyProvider.hasKey()) {
                store.call { setBackgroundKeyProvider(backgroundKeyProvider) }
            }
        } catch (e: DoorstepException) {
            Log.w(TAG, "background sync key not set up: ${e.code}")
        }
    }

    /**
     * The whole app left the screen: through the screens when they exist (draft first), else the
     * store is locked here (the core zeroizes its keys).
     */
    fun toBackground() {
        screens?.let { return it.toBackground() }
        val store = doorstep ?: return
        scope.launch { runCatching { store.lock() } }
    }

    /**
     * The server revoked this phone and the core erased the store. The core destroys the
     * platform key only if it was unlocked with it, and never the background-sync key, so both
     * are destroyed here as well.
     */
    fun onWiped() {
        // With the screens alive, they close the store once their live flows have stopped.
        val screens = screens
        if (screens != null) screens.wiped() else doorstep?.close()
        doorstep = null
        runCatching { keyProvider().destroyKey() }
        runCatching { backgroundKeyProvider.destroyKey() }
        syncScheduler.cancel()
    }

    private companion object {
        const val TAG = "Doorstep"

        /** Matches the exclusions in res/xml/data_extraction_rules.xml and backup_rules.xml. */
        const val STORE_DIR = "doorstep-store"
    }
}
