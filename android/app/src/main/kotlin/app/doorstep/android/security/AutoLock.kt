package app.doorstep.android.security

import androidx.lifecycle.DefaultLifecycleObserver
import androidx.lifecycle.LifecycleOwner

/**
 * Locks the store when the whole app leaves the screen — observed on ProcessLifecycleOwner, whose
 * ON_STOP comes once no activity is visible, not on rotation. [toBackground] is
 * `AppContainer.toBackground`: the screens seal the draft being typed, then the core locks and
 * zeroizes its keys; the unlock screen shows on return.
 */
class AutoLock(private val toBackground: () -> Unit) : DefaultLifecycleObserver {

    override fun onStop(owner: LifecycleOwner) = toBackground()
}
