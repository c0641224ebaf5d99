package app.doorstep.android.ui.enrol

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.ui.screens.EnrolScreen as EnrolView

/** Wiring only: the screen is doorstep-ui's; the view model enrols through the core. */
@Composable
fun EnrolScreen(onEnrolled: () -> Unit) {
    val vm = doorstepViewModel { container, _ -> EnrolViewModel(container) }
    LaunchedEffect(vm.enrolled) { if (vm.enrolled) onEnrolled() }
    EnrolView(vm.busy, vm.error, vm::enrol)
}
