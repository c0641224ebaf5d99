package app.doorstep.android.sync

import android.content.Context
import androidx.work.CoroutineWorker
import androidx.work.WorkerParameters
import app.doorstep.android.DoorstepApp
import app.doorstep.ffi.DoorstepException

/**
 * One sync through the app's transport. The core needs the store unlocked to sync (the server
 * address and device token are sealed under the data key), and the app locks it on leaving the
 * screen, so a run that finds it locked ends quietly: the next unlock schedules another.
 * Network faults retry with WorkManager's exponential backoff; anything else waits for the next
 * change or unlock (it is on the sync screen, in "needs attention" or as the last error).
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {

    override suspend fun doWork(): Result {
        val app = applicationContext as DoorstepApp
        val doorstep = app.container.openedOrNull() ?: return Result.success()
        return try {
            doorstep.sync(app.container.transport)
            Result.success()
        } catch (e: DoorstepException.Offline) {
            Result.retry()
        } catch (e: DoorstepException.Platform) {
            Result.retry()
        } catch (e: DoorstepException.Wiped) {
            app.container.onWiped()
            Result.success()
        } catch (e: DoorstepException) {
            // Locked, NotEnrolled, Unauthorized, Protocol, ...: shown through Doorstep.syncState.
            Result.success()
        }
    }
}
