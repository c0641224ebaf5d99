package app.doorstep.android.sync

import android.content.Context
import android.util.Log
import androidx.work.CoroutineWorker
import androidx.work.WorkerParameters
import app.doorstep.android.DoorstepApp
import app.doorstep.ffi.DoorstepException
import app.doorstep.kotlin.Doorstep
import app.doorstep.kotlin.code
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.withContext

/**
 * One sync, also while the app is locked: the store is opened for sync only with the
 * background-sync key (`unlockForBackgroundSync`; a no-op if the practitioner has it unlocked),
 * synced, and locked again (`endBackgroundSync`, always). The key needs an unlocked phone: on a
 * locked phone the core answers KeyProvider (or WrongKey / Locked), and the job retries with
 * WorkManager's backoff, as it does offline. Anything else waits for the next trigger (it is on
 * the sync screen, in "needs attention" or as the last error). Logs carry error codes only.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {

    override suspend fun doWork(): Result {
        val container = (applicationContext as DoorstepApp).container
        if (!container.storeExists()) return Result.success()
        running = true
        return try {
            val doorstep = try {
                container.open()
            } catch (e: DoorstepException) {
                Log.w(TAG, "sync: store not opened: ${e.code}")
                return Result.success()
            }
            syncOnce(doorstep)
        } finally {
            running = false
        }
    }

    private suspend fun syncOnce(doorstep: Doorstep): Result {
        val container = (applicationContext as DoorstepApp).container
        return try {
            try {
                doorstep.call { unlockForBackgroundSync(container.backgroundKeyProvider) }
                doorstep.sync(container.transport)
            } finally {
                // Even when cancelled (constraints lost): never leave the sync-only keys in memory.
                withContext(NonCancellable) {
                    try {
                        doorstep.call { endBackgroundSync() }
                    } catch (e: DoorstepException) {
                        // Wiped meanwhile: there is nothing left to lock.
                    }
                }
            }
            Result.success()
        } catch (e: DoorstepException.KeyProvider) {
            Result.retry() // the phone is locked: its Keystore refuses the background key
        } catch (e: DoorstepException.WrongKey) {
            Result.retry()
        } catch (e: DoorstepException.Locked) {
            Result.retry() // locked by the app meanwhile
        } catch (e: DoorstepException.Offline) {
            Result.retry()
        } catch (e: DoorstepException.Platform) {
            Result.retry()
        } catch (e: DoorstepException.Wiped) {
            container.onWiped()
            Result.success()
        } catch (e: DoorstepException) {
            // UnlockMethodNotSet (no background key yet: the next unlock sets it up and asks for
            // a sync), NotEnrolled, Unauthorized, Protocol, ...: shown through Doorstep.syncState.
            Log.w(TAG, "sync: ${e.code}")
            Result.success()
        }
    }

    /** Whether a sync job is running in this process (see [SyncScheduler.requestSync]). */
    companion object {
        /** True while [doWork] runs. */
        @Volatile
        var running: Boolean = false
            private set

        private const val TAG = "Doorstep"
    }
}
