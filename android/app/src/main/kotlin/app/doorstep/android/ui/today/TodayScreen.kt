package app.doorstep.android.ui.today

import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.lifecycle.compose.LifecycleResumeEffect
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.ui.screens.TodayActions
import app.doorstep.ui.screens.TodayScreen as TodayView

/** Wiring only: the screen is doorstep-ui's; the data is the core's `today()`. */
@Composable
fun TodayScreen(actions: TodayActions) {
    val vm = doorstepViewModel { container, _ -> TodayViewModel(container) }
    LifecycleResumeEffect(Unit) {
        vm.load()
        onPauseOrDispose { }
    }
    val pending = vm.syncState?.collectAsState()?.value?.status?.pending
    TodayView(vm.today, pending?.toString(), vm.busy, vm.error, actions)
}
