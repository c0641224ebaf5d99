package app.doorstep.android.ui.visit

import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.ffi.answerOf
import app.doorstep.ui.screens.OutcomeKind
import app.doorstep.ui.screens.OutcomeScreen
import app.doorstep.ui.screens.RecordVisitActions
import app.doorstep.ui.screens.RecordVisitScreen as RecordVisitView

/**
 * Wiring only: the screens are doorstep-ui's; the view model sends every answer to the core's
 * `visitForm` and saves with `completeVisit` or, when the practitioner could not get in,
 * `recordNoAccess`. (Declined and cancelled are offered by the screen; routing them here waits
 * for their view-model calls: see android/README.md.)
 */
@Composable
fun RecordVisitScreen(onBack: () -> Unit, onDone: () -> Unit) {
    val vm = doorstepViewModel { container, handle -> RecordVisitViewModel(container, handle) }
    var outcome by rememberSaveable { mutableStateOf<OutcomeKind?>(null) }
    val chosen = outcome
    if (chosen == OutcomeKind.NO_ACCESS) {
        OutcomeScreen(
            chosen, vm.form?.childName.orEmpty(), vm.saved, vm.busy, vm.error,
            onBack = { outcome = null },
            onSave = vm::recordNoAccess,
            onDone = onDone,
        )
        return
    }
    RecordVisitView(
        form = vm.form,
        answerOf = { key -> vm.answers?.let { answerOf(it, key) } },
        saved = vm.saved,
        busy = vm.busy,
        error = vm.error,
        actions = RecordVisitActions(
            onBack = onBack,
            onAnswer = vm::edit,
            onSave = vm::save,
            onOutcome = { outcome = it },
            onDone = onDone,
            outcomes = listOf(OutcomeKind.NO_ACCESS),
            onDiscardDraft = vm::discardDraft,
        ),
    )
}
