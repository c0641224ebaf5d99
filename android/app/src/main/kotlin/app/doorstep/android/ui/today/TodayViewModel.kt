package app.doorstep.android.ui.today

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.doorstep.android.AppContainer
import app.doorstep.android.ui.common.DoorstepViewModel
import app.doorstep.ffi.TodayView
import app.doorstep.kotlin.SyncState
import kotlinx.coroutines.flow.StateFlow

/** Today's visits and alerts, as the core computes them. */
class TodayViewModel(container: AppContainer) : DoorstepViewModel(container) {

    /** The screen's data (null until loaded). */
    var today by mutableStateOf<TodayView?>(null)
        private set

    /** Sync status for the top bar, if the store is open. */
    val syncState: StateFlow<SyncState>? = container.openedOrNull()?.syncState

    /** Reads the screen again (on every return to it). */
    fun load() = call { doorstep -> today = doorstep.today() }
}
