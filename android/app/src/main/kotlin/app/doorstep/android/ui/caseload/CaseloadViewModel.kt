package app.doorstep.android.ui.caseload

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.doorstep.android.AppContainer
import app.doorstep.android.ui.common.DoorstepViewModel
import app.doorstep.ffi.CaseLine

/** The practitioner's caseload, red first, as the core orders it. */
class CaseloadViewModel(container: AppContainer) : DoorstepViewModel(container) {

    /** The screen's data (null until loaded). */
    var cases by mutableStateOf<List<CaseLine>?>(null)
        private set

    /** Reads the screen again (on every return to it). */
    fun load() = call { doorstep -> cases = doorstep.caseload() }
}
