package app.doorstep.android.reminder

import app.doorstep.ffi.VisitId
import android.app.AlarmManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.os.Build
import app.doorstep.ffi.LoneWorkingReminder
import app.doorstep.ffi.ReminderStage

/**
 * The phone's own lone-working reminders: the core's amber and red reminders
 * (`loneWorkingReminders()`: times and words, naming no one, as they show on a lock screen), one
 * alarm each. Exact (and through Doze) when the practitioner allowed exact alarms; otherwise
 * within a few minutes, still through Doze. Scheduled after a check-in, again after a reboot
 * ([BootReceiver]) and at every unlock; cancelled on check-out. No time or word is decided here.
 */
class LoneWorkingReminders(private val context: Context) {

    private val alarms = context.getSystemService(AlarmManager::class.java)

    /** Schedules every reminder the core lists (replacing any for the same visit and stage). */
    fun schedule(reminders: List<LoneWorkingReminder>) {
        for (r in reminders) {
            val pending = pendingIntent(r.visitId, r.stage, r.text)
            if (Build.VERSION.SDK_INT < Build.VERSION_CODES.S || alarms.canScheduleExactAlarms()) {
                alarms.setExactAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, r.atMillis, pending)
            } else {
                alarms.setAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, r.atMillis, pending)
            }
        }
    }

    /** Cancels a visit's reminders (checked out) and removes any already shown. */
    fun cancel(visitId: VisitId) {
        for (stage in ReminderStage.entries) alarms.cancel(pendingIntent(visitId, stage, text = null))
        ReminderNotifications.dismiss(context, visitId)
    }

    /** One alarm per visit and stage: the opaque visit id and the stage are in the data URI. */
    private fun pendingIntent(visitId: VisitId, stage: ReminderStage, text: String?): PendingIntent {
        val intent = Intent(context, LoneWorkingReminderReceiver::class.java)
            .setData(Uri.fromParts("doorstep", "lone-working/${visitId.value}/${stage.name.lowercase()}", null))
        text?.let { intent.putExtra(LoneWorkingReminderReceiver.EXTRA_TEXT, it) }
        return PendingIntent.getBroadcast(
            context,
            0,
            intent,
            PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE,
        )
    }
}
