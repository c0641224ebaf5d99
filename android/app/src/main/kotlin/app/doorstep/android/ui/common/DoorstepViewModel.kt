package app.doorstep.android.ui.common

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import app.doorstep.android.AppContainer
import app.doorstep.ffi.DoorstepException
import app.doorstep.kotlin.Doorstep
import app.doorstep.kotlin.userMessage
import kotlinx.coroutines.launch

/**
 * The screens' view models: each runs core calls through [call], which shows progress and turns
 * a [DoorstepException] into the core's message for the practitioner. Nothing else is caught:
 * a bug crashes rather than hiding.
 */
abstract class DoorstepViewModel(protected val container: AppContainer) : ViewModel() {

    /** The core's message for the last failed call, or null. */
    var error by mutableStateOf<String?>(null)
        protected set

    /** A call is running. */
    var busy by mutableStateOf(false)
        private set

    /** Runs [block] with the open store; errors land in [error]. */
    protected fun call(block: suspend (Doorstep) -> Unit) = attempt { block(container.open()) }

    /** Runs [block]; a [DoorstepException] lands in [error]. */
    protected fun attempt(block: suspend () -> Unit) {
        viewModelScope.launch {
            busy = true
            error = null
            try {
                block()
            } catch (e: DoorstepException) {
                error = e.userMessage
                if (e is DoorstepException.Locked) container.onLocked()
                if (e is DoorstepException.Wiped) container.onWiped()
            } finally {
                busy = false
            }
        }
    }

    /** After a saved change: it waits in the queue; ask for a sync when there is a network. */
    protected fun changed() = container.syncScheduler.requestSync()
}
