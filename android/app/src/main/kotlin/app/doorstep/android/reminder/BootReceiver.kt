package app.doorstep.android.reminder

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.util.Log
import app.doorstep.android.DoorstepApp
import app.doorstep.ffi.DoorstepException
import app.doorstep.kotlin.code
import kotlinx.coroutines.launch

/**
 * After a reboot (or an app update) the alarms are gone: the core lists the reminders still to
 * fire and they are scheduled again. The store is opened with the background-sync key only (the
 * phone is unlocked by then; the app is not): the core answers the reminders, which hold no name
 * or note, and nothing else. Without a background key the next unlock schedules them.
 */
class BootReceiver : BroadcastReceiver() {

    override fun onReceive(context: Context, intent: Intent) {
        if (intent.action != Intent.ACTION_BOOT_COMPLETED && intent.action != Intent.ACTION_MY_PACKAGE_REPLACED) return
        val container = (context.applicationContext as DoorstepApp).container
        if (!container.storeExists()) return
        val pending = goAsync()
        container.scope.launch {
            try {
                val doorstep = container.open()
                try {
                    doorstep.call { unlockForBackgroundSync(container.backgroundKeyProvider) }
                    container.reminders.schedule(doorstep.loneWorkingReminders())
                } finally {
                    runCatching { doorstep.call { endBackgroundSync() } }
                }
            } catch (e: DoorstepException) {
                Log.w("Doorstep", "reminders not restored after boot: ${e.code}")
            } finally {
                pending.finish()
            }
        }
    }
}
