package app.doorstep.android.ui

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import app.doorstep.android.AppContainer
import app.doorstep.android.DoorstepApp
import app.doorstep.ui.app.AppState
import kotlinx.coroutines.launch

/**
 * Holds doorstep-ui's [AppState] (every screen's state and every flow's core calls, tested on the
 * JVM) across configuration changes, over the phone's [AndroidPlatform]. While it lives, the app
 * going to the background goes through [AppState.onBackground]: the draft being typed is sealed
 * first, then the store locks, and unlocking returns to the same screen; a wipe found by the
 * background worker takes the screens back to enrolment.
 */
class AppViewModel(application: Application) : AndroidViewModel(application) {

    private val container = (application as DoorstepApp).container

    /** The screens' state. */
    val state = AppState(container.storeDir, viewModelScope, AndroidPlatform(container, application))

    private val screens = object : AppContainer.Screens {
        override fun toBackground() = state.onBackground()

        // From the sync worker's thread: the state changes on the main thread.
        override fun wiped() {
            viewModelScope.launch { state.storeWiped() }
        }
    }

    init {
        container.screens = screens
    }

    override fun onCleared() {
        if (container.screens === screens) container.screens = null
    }
}
