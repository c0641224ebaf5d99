package app.doorstep.android.reminder

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import app.doorstep.ffi.VisitId

/** Shows a lone-working reminder when its alarm fires (the text is the core's, naming no one). */
class LoneWorkingReminderReceiver : BroadcastReceiver() {

    override fun onReceive(context: Context, intent: Intent) {
        val text = intent.getStringExtra(EXTRA_TEXT) ?: return
        // lone-working/<visit id>/<stage>: the red reminder replaces the amber one's notification.
        val visitId = intent.data?.schemeSpecificPart?.split('/')?.getOrNull(1) ?: return
        ReminderNotifications.show(context, VisitId(visitId), text)
    }

    /** Intent extras. */
    companion object {
        /** The reminder's words from `LoneWorkingReminder.text`. */
        const val EXTRA_TEXT = "app.doorstep.android.reminder.TEXT"
    }
}
