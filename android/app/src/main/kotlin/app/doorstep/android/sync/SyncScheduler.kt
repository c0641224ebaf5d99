package app.doorstep.android.sync

import android.content.Context
import android.net.ConnectivityManager
import android.net.Network
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.WorkManager
import java.util.concurrent.TimeUnit

/**
 * Schedules syncs with WorkManager: one unique job, only with a network connection, retried with
 * exponential backoff from 30 s (WorkManager caps it at 5 hours). A sync is asked for after each
 * unlock, after each saved change and when the network comes back; no timers.
 */
class SyncScheduler(context: Context) {
    private val appContext = context.applicationContext
    private val work = WorkManager.getInstance(appContext)

    /**
     * Asks for a sync as soon as there is a network. A waiting (or backing-off) job is replaced
     * by one that starts at once; while a sync runs, one more is appended so that a change saved
     * during it is not left waiting for the next trigger.
     */
    fun requestSync() {
        val request = OneTimeWorkRequestBuilder<SyncWorker>()
            .setConstraints(
                Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build(),
            )
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
            .build()
        val policy = if (SyncWorker.running) ExistingWorkPolicy.APPEND_OR_REPLACE else ExistingWorkPolicy.REPLACE
        work.enqueueUniqueWork(UNIQUE_NAME, policy, request)
    }

    /** Asks for a sync whenever the phone gets a network again (for the life of the process). */
    fun syncOnNetworkReturn() {
        val connectivity = appContext.getSystemService(ConnectivityManager::class.java) ?: return
        connectivity.registerDefaultNetworkCallback(
            object : ConnectivityManager.NetworkCallback() {
                override fun onAvailable(network: Network) = requestSync()
            },
        )
    }

    /** Drops any waiting sync (the store was wiped). */
    fun cancel() {
        work.cancelUniqueWork(UNIQUE_NAME)
    }

    private companion object {
        const val UNIQUE_NAME = "doorstep-sync"
    }
}
