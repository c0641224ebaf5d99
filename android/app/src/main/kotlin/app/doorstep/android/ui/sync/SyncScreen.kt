package app.doorstep.android.ui.sync

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.ui.screens.SyncScreen as SyncView

/** Wiring only: the screen is doorstep-ui's; the data is the core's sync status. */
@Composable
fun SyncScreen(onBack: () -> Unit) {
    val vm = doorstepViewModel { container, _ -> SyncViewModel(container) }
    LaunchedEffect(Unit) { vm.load() }
    val state = vm.state?.collectAsState()?.value
    SyncView(state, vm.busy, vm.error, onBack, vm::syncNow, vm::retryNeedsAttention)
}
