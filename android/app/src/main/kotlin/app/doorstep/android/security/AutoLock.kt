package app.doorstep.android.security

import androidx.lifecycle.DefaultLifecycleObserver
import androidx.lifecycle.LifecycleOwner
import app.doorstep.kotlin.Doorstep
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.launch

/**
 * Locks the store (the core zeroizes its keys) when the whole app leaves the screen — observed
 * on ProcessLifecycleOwner, whose ON_STOP comes once no activity is visible, not on rotation.
 * [onLocked] lets the UI return to the unlock screen.
 */
class AutoLock(
    private val scope: CoroutineScope,
    private val doorstep: () -> Doorstep?,
    private val onLocked: () -> Unit,
) : DefaultLifecycleObserver {

    override fun onStop(owner: LifecycleOwner) {
        val store = doorstep() ?: return
        scope.launch(NonCancellable) {
            runCatching { store.lock() }
            onLocked()
        }
    }
}
