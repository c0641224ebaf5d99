package app.doorstep.android.reminder

import android.app.AlarmManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.os.Build
import app.doorstep.ffi.CheckInView

/**
 * The phone's own lone-working reminder: at the core's amber time (`CheckInView.amberAtMillis`)
 * a notification with the core's `reminder` text, which names no one (it shows on a lock screen).
 * Exact (and through Doze) when the practitioner allowed exact alarms; otherwise within a few
 * minutes, still through Doze. Cancelled on check-out.
 */
class LoneWorkingReminders(private val context: Context) {

    private val alarms = context.getSystemService(AlarmManager::class.java)

    /** Schedules the reminder for a check-in (replacing any for the same visit). */
    fun schedule(checkIn: CheckInView) {
        val pending = pendingIntent(checkIn.visitId, checkIn.reminder)
        val at = checkIn.amberAtMillis
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.S || alarms.canScheduleExactAlarms()) {
            alarms.setExactAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, at, pending)
        } else {
            alarms.setAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, at, pending)
        }
    }

    /** Cancels the reminder for a visit (checked out) and removes it if already shown. */
    fun cancel(visitId: String) {
        alarms.cancel(pendingIntent(visitId, reminder = null))
        ReminderNotifications.dismiss(context, visitId)
    }

    /** One alarm per visit: the visit id (an opaque id, nothing identifying) is in the data URI. */
    private fun pendingIntent(visitId: String, reminder: String?): PendingIntent {
        val intent = Intent(context, LoneWorkingReminderReceiver::class.java)
            .setData(Uri.fromParts("doorstep", "lone-working/$visitId", null))
        reminder?.let { intent.putExtra(LoneWorkingReminderReceiver.EXTRA_TEXT, it) }
        return PendingIntent.getBroadcast(
            context,
            0,
            intent,
            PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE,
        )
    }
}
