package app.doorstep.android.ui.visit

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import app.doorstep.android.R
import app.doorstep.android.ui.common.ErrorText
import app.doorstep.android.ui.common.ScreenScaffold
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.ffi.VisitSaved
import app.doorstep.ffi.answerOf

/**
 * Core calls: visitForm(visitId, answers) on every change (prompts with their input kind and
 * messages, formMessages, canSave), answerOf / withAnswer for each widget, completeVisit to save,
 * recordNoAccess when the practitioner could not get in.
 */
@Composable
fun RecordVisitScreen(onBack: () -> Unit, onDone: () -> Unit) {
    val vm = doorstepViewModel { container, handle -> RecordVisitViewModel(container, handle) }
    var noAccess by rememberSaveable { mutableStateOf(false) }
    val form = vm.form

    ScreenScaffold(
        title = form?.let { "${it.childName} · ${it.kindLabel}" } ?: stringResource(R.string.record_visit),
        onBack = onBack,
        busy = vm.busy,
        actions = {
            TextButton(onClick = { noAccess = !noAccess }) {
                Text(stringResource(if (noAccess) R.string.record_visit else R.string.no_access))
            }
        },
    ) {
        ErrorText(vm.error, Modifier.padding(horizontal = 16.dp))
        if (form == null) return@ScreenScaffold
        if (noAccess) {
            NoAccessForm(busy = vm.busy, onSave = vm::recordNoAccess)
            return@ScreenScaffold
        }
        LazyColumn(
            contentPadding = PaddingValues(16.dp),
            verticalArrangement = Arrangement.spacedBy(16.dp),
        ) {
            if (form.formMessages.isNotEmpty()) {
                item { FieldMessages(form.formMessages) }
            }
            items(form.prompts, key = { it.key }) { prompt ->
                PromptField(
                    prompt = prompt,
                    form = form,
                    current = vm.answers?.let { answerOf(it, prompt.key) },
                    onAnswer = { vm.edit(prompt.key, it) },
                )
            }
            item {
                Button(
                    onClick = vm::save,
                    enabled = form.canSave && !vm.busy,
                    modifier = Modifier.fillMaxWidth(),
                ) { Text(stringResource(R.string.save_visit)) }
            }
        }
    }

    vm.saved?.let { SavedDialog(it, onDone) }
}

/** Saved: the core's warnings to reflect on (the record is kept either way). */
@Composable
private fun SavedDialog(saved: VisitSaved, onDone: () -> Unit) {
    AlertDialog(
        onDismissRequest = onDone,
        title = { Text(stringResource(R.string.saved)) },
        text = {
            LazyColumn(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                items(saved.warnings) { Text(it.message, style = MaterialTheme.typography.bodyMedium) }
            }
        },
        confirmButton = { TextButton(onClick = onDone) { Text(stringResource(R.string.done)) } },
    )
}
