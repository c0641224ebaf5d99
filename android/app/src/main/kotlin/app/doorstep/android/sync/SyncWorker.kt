package app.doorstep.android.sync

import android.content.Context
import android.util.Log
import androidx.work.CoroutineWorker
import androidx.work.WorkerParameters
import app.doorstep.android.DoorstepApp
import app.doorstep.ffi.DoorstepException
import app.doorstep.kotlin.Doorstep
import app.doorstep.kotlin.code
import app.doorstep.kotlin.retryable
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.withContext

/**
 * One sync, also while the app is locked: the store is opened for sync only with the
 * background-sync key (`unlockForBackgroundSync`; a no-op if the practitioner has it unlocked),
 * synced, and locked again (`endBackgroundSync`, always). Whether a failure is retried with
 * WorkManager's backoff is the core's classifier (`DoorstepException.isRetryable()`: offline, the
 * phone locked, ...); anything else waits for the next trigger (it is on the sync screen, in
 * "needs attention" or as the last error). Logs carry error codes only.
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
        } catch (e: DoorstepException.Wiped) {
            container.onWiped()
            Result.success()
        } catch (e: DoorstepException) {
            // Whether time mends it (offline, the phone locked, ...) is the core's answer, the
            // same on iOS; the rest (UnlockMethodNotSet, NotEnrolled, Unauthorized, ...) waits
            // for the next trigger and is shown through Doorstep.syncState.
            Log.w(TAG, "sync: ${e.code}")
            if (e.retryable) Result.retry() else Result.success()
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
