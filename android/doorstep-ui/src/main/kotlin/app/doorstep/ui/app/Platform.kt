package app.doorstep.ui.app

import app.doorstep.ffi.CheckInView
import app.doorstep.ffi.KeyProvider
import app.doorstep.ffi.Transport
import app.doorstep.ffi.VisitId
import app.doorstep.ffi.WallClock
import app.doorstep.kotlin.Doorstep
import java.io.File
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/**
 * What the device offers [AppState]: every hook has a desktop (JVM) default, and the Android app
 * overrides what its platform adds (the Keystore key behind a biometric prompt, OkHttp, WorkManager,
 * alarms). Nothing here decides a rule: the hooks carry the core's answers to the platform.
 */
open class Platform(
    /** How sync and enrolment reach the server, or null when this device has no server. */
    val transport: Transport? = null,
    /** The time the core reads (the system's when null; tests move it). */
    val clock: WallClock? = null,
    /** Where the desktop default of [shareFamilyCopy] writes the copy (the temp dir's `doorstep-family-copies` when null). */
    val familyCopyDir: File? = null,
) {
    /** Whether this device enrols with a sync server (first run asks for the server and a code). */
    open val enrolsWithServer: Boolean get() = transport != null

    /** Whether the device can unlock with a biometric-bound key now (none on the desktop). */
    open val biometricAvailable: Boolean get() = false

    /**
     * The key provider behind the biometric (Android: the Keystore key, each use behind a
     * BiometricPrompt), or null when there is none. Called off the main thread by the core.
     */
    open fun keyProvider(): KeyProvider? = null

    /**
     * Opens the store in [dir] (locked). Android returns its one process-wide instance, which the
     * sync worker and the boot receiver share; the default opens a new one.
     */
    open suspend fun open(dir: File): Doorstep = Doorstep.open(dir, clock = clock)

    /** A store was just created or enrolled here: Android keeps it as its process-wide instance. */
    open fun adopt(store: Doorstep) = Unit

    /** After any unlock or enrolment (Android: background-sync key, reminders again, a sync). */
    open suspend fun onUnlocked(store: Doorstep) = Unit

    /** After a saved change: it waits in the queue (Android asks WorkManager for a sync). */
    open fun onChanged() = Unit

    /** After a check-in: schedule the reminders the core worded. */
    open suspend fun onCheckedIn(store: Doorstep, view: CheckInView) = Unit

    /** After a check-out: cancel them. */
    open fun onCheckedOut(visitId: VisitId) = Unit

    /** The server revoked this device and the core erased the store: forget the platform's keys. */
    open fun onWiped() = Unit

    /**
     * The family's copy the core just produced (a PDF, laid out, tagged, its font embedded) goes
     * to the family: Android opens the print dialog (which also saves or shares a PDF). The
     * desktop default writes it as [fileName] in [familyCopyDir]. The copy is already recorded
     * as given; an [java.io.IOException] here tells the practitioner it did not leave the device.
     */
    open suspend fun shareFamilyCopy(pdf: ByteArray, fileName: String) {
        val dir = familyCopyDir ?: File(System.getProperty("java.io.tmpdir"), "doorstep-family-copies")
        withContext(Dispatchers.IO) {
            if (!dir.isDirectory && !dir.mkdirs()) throw java.io.IOException("cannot create the folder for copies")
            File(dir, fileName).writeBytes(pdf)
        }
    }
}
