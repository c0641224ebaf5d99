package app.doorstep.android.reminder

import app.doorstep.ffi.VisitId
import android.Manifest
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import androidx.core.app.NotificationCompat
import androidx.core.app.NotificationManagerCompat
import androidx.core.content.ContextCompat
import app.doorstep.android.MainActivity
import app.doorstep.android.R

/**
 * The lone-working notification: high importance, public on the lock screen (its text is the
 * core's reminder, which names no one), opening the app (which asks to unlock first).
 */
object ReminderNotifications {

    private const val CHANNEL = "lone_working"

    /** Posts the reminder for a visit, if the practitioner allowed notifications. */
    fun show(context: Context, visitId: VisitId, text: String) {
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU &&
            ContextCompat.checkSelfPermission(context, Manifest.permission.POST_NOTIFICATIONS) !=
            PackageManager.PERMISSION_GRANTED
        ) {
            return
        }
        ensureChannel(context)
        val open = PendingIntent.getActivity(
            context,
            0,
            Intent(context, MainActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_SINGLE_TOP),
            PendingIntent.FLAG_IMMUTABLE,
        )
        val notification = NotificationCompat.Builder(context, CHANNEL)
            .setSmallIcon(android.R.drawable.ic_dialog_alert)
            .setContentTitle(context.getString(R.string.app_name))
            .setContentText(text)
            .setStyle(NotificationCompat.BigTextStyle().bigText(text))
            .setCategory(NotificationCompat.CATEGORY_REMINDER)
            .setPriority(NotificationCompat.PRIORITY_HIGH)
            .setVisibility(NotificationCompat.VISIBILITY_PUBLIC)
            .setContentIntent(open)
            .setAutoCancel(true)
            .build()
        NotificationManagerCompat.from(context).notify(visitId.value, 0, notification)
    }

    /** Removes a visit's reminder (checked out). */
    fun dismiss(context: Context, visitId: VisitId) {
        NotificationManagerCompat.from(context).cancel(visitId.value, 0)
    }

    private fun ensureChannel(context: Context) {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.O) return
        val channel = NotificationChannel(
            CHANNEL,
            context.getString(R.string.lone_working),
            NotificationManager.IMPORTANCE_HIGH,
        ).apply { lockscreenVisibility = android.app.Notification.VISIBILITY_PUBLIC }
        context.getSystemService(NotificationManager::class.java).createNotificationChannel(channel)
    }
}
