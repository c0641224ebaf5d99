package app.doorstep.android.ui.caseload

import app.doorstep.ffi.CaseId
import androidx.compose.runtime.Composable
import androidx.lifecycle.compose.LifecycleResumeEffect
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.ui.screens.CaseloadScreen as CaseloadView

/** Wiring only: the screen is doorstep-ui's; the data is the core's `caseload()`. */
@Composable
fun CaseloadScreen(onBack: () -> Unit, onChild: (caseId: CaseId) -> Unit) {
    val vm = doorstepViewModel { container, _ -> CaseloadViewModel(container) }
    LifecycleResumeEffect(Unit) {
        vm.load()
        onPauseOrDispose { }
    }
    CaseloadView(vm.cases, vm.busy, vm.error, onBack, onChild)
}
