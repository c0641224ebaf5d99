package app.doorstep.android.reminder

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent

/** Shows the lone-working reminder when its alarm fires (the text is the core's, naming no one). */
class LoneWorkingReminderReceiver : BroadcastReceiver() {

    override fun onReceive(context: Context, intent: Intent) {
        val text = intent.getStringExtra(EXTRA_TEXT) ?: return
        val visitId = intent.data?.schemeSpecificPart?.substringAfter('/') ?: return
        ReminderNotifications.show(context, visitId, text)
    }

    /** Intent extras. */
    companion object {
        /** The reminder text from `CheckInView.reminder`. */
        const val EXTRA_TEXT = "app.doorstep.android.reminder.TEXT"
    }
}
