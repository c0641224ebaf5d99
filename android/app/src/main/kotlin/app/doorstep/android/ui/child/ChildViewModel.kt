package app.doorstep.android.ui.child

import app.doorstep.ffi.CaseId
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.lifecycle.SavedStateHandle
import app.doorstep.android.AppContainer
import app.doorstep.android.ui.common.DoorstepViewModel
import app.doorstep.ffi.ChildView

/** One child's screen: the core's ChildView for the case in the route. */
class ChildViewModel(container: AppContainer, handle: SavedStateHandle) : DoorstepViewModel(container) {

    /** The case in the route. */
    val caseId = CaseId(checkNotNull(handle["caseId"]))

    /** The screen's data (null until loaded). */
    var child by mutableStateOf<ChildView?>(null)
        private set

    /** Reads the screen again. */
    fun load() = call { doorstep -> child = doorstep.child(caseId) }
}
