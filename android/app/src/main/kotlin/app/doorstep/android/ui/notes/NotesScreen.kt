package app.doorstep.android.ui.notes

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.ui.screens.NotesScreen as NotesView

/** Wiring only: the screen is doorstep-ui's; the data is the core's `notes(caseId)`. */
@Composable
fun NotesScreen(onBack: () -> Unit) {
    val vm = doorstepViewModel { container, handle -> NotesViewModel(container, handle) }
    LaunchedEffect(Unit) { vm.load() }
    NotesView(vm.notes, vm.busy, vm.error, onBack, vm::add, vm::amend)
}
