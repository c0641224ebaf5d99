package app.doorstep.android.security

import androidx.fragment.app.FragmentActivity
import java.lang.ref.WeakReference

/** The activity on screen, for the biometric prompt (held weakly; set from the main thread). */
object ForegroundActivity {
    @Volatile
    private var ref: WeakReference<FragmentActivity>? = null

    /** Called from the activity's onResume. */
    fun set(activity: FragmentActivity) {
        ref = WeakReference(activity)
    }

    /** Called from the activity's onPause. */
    fun clear(activity: FragmentActivity) {
        if (ref?.get() === activity) ref = null
    }

    /** The resumed activity, if any. */
    fun current(): FragmentActivity? = ref?.get()?.takeUnless { it.isFinishing || it.isDestroyed }
}
