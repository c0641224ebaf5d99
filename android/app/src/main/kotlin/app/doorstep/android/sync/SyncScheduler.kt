package app.doorstep.android.sync

import android.content.Context
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.WorkManager
import java.util.concurrent.TimeUnit

/**
 * Schedules syncs with WorkManager: one unique job at a time, only with a network connection,
 * retried with exponential backoff from 30 s (WorkManager caps it at 5 hours). No timers: a sync
 * is asked for after unlocking and after each saved change, and waits for the network itself.
 */
class SyncScheduler(context: Context) {
    private val work = WorkManager.getInstance(context.applicationContext)

    /** Asks for a sync as soon as there is a network; joins one already waiting. */
    fun requestSync() {
        val request = OneTimeWorkRequestBuilder<SyncWorker>()
            .setConstraints(
                Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build(),
            )
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
            .build()
        work.enqueueUniqueWork(UNIQUE_NAME, ExistingWorkPolicy.KEEP, request)
    }

    /** Drops any waiting sync (the store was wiped). */
    fun cancel() {
        work.cancelUniqueWork(UNIQUE_NAME)
    }

    private companion object {
        const val UNIQUE_NAME = "doorstep-sync"
    }
}
