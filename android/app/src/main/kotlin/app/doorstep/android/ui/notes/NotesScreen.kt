package app.doorstep.android.ui.notes

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.selection.toggleable
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.Checkbox
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.unit.dp
import app.doorstep.android.R
import app.doorstep.android.ui.common.ErrorText
import app.doorstep.android.ui.common.ScreenScaffold
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.ffi.NoteThreadLine

/** Core calls: notes(caseId), addNote, amendNote. Note text is kept in memory only. */
@Composable
fun NotesScreen(onBack: () -> Unit) {
    val vm = doorstepViewModel { container, handle -> NotesViewModel(container, handle) }
    LaunchedEffect(Unit) { vm.load() }
    var amending by remember { mutableStateOf<NoteThreadLine?>(null) }

    ScreenScaffold(title = stringResource(R.string.notes), onBack = onBack, busy = vm.busy) {
        ErrorText(vm.error, Modifier.padding(horizontal = 16.dp))
        val editing = amending
        if (editing != null) {
            NoteEditor(
                initial = editing.currentText,
                initialSignificant = editing.significant,
                action = stringResource(R.string.amend),
                busy = vm.busy,
            ) { text, significant ->
                vm.amend(editing.noteId, text, significant.takeIf { it != editing.significant })
                amending = null
            }
            TextButton(onClick = { amending = null }) { Text(stringResource(R.string.cancel)) }
        } else {
            NoteEditor(initial = "", initialSignificant = false, action = stringResource(R.string.add_note), busy = vm.busy, onSave = vm::add)
        }
        LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            items(vm.notes, key = { it.noteId }) { thread ->
                NoteCard(thread, onAmend = { amending = thread })
            }
        }
    }
}

@Composable
private fun NoteEditor(
    initial: String,
    initialSignificant: Boolean,
    action: String,
    busy: Boolean,
    onSave: (String, Boolean) -> Unit,
) {
    var text by remember(initial) { mutableStateOf(initial) }
    var significant by remember(initial) { mutableStateOf(initialSignificant) }
    Column(Modifier.padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        OutlinedTextField(value = text, onValueChange = { text = it }, minLines = 3, modifier = Modifier.fillMaxWidth())
        Row(
            Modifier.toggleable(significant, role = Role.Checkbox) { significant = it },
            verticalAlignment = Alignment.CenterVertically,
        ) {
            Checkbox(checked = significant, onCheckedChange = null)
            Text(stringResource(R.string.significant))
        }
        Button(
            onClick = { onSave(text, significant); text = "" },
            enabled = text.isNotBlank() && !busy,
            modifier = Modifier.fillMaxWidth(),
        ) { Text(action) }
    }
}

@Composable
private fun NoteCard(thread: NoteThreadLine, onAmend: () -> Unit) {
    var history by remember { mutableStateOf(false) }
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text("${thread.writtenLabel} · ${thread.authorName}", style = MaterialTheme.typography.labelMedium)
            if (thread.significant) Text(stringResource(R.string.significant), color = MaterialTheme.colorScheme.error)
            Text(thread.currentText)
            Row {
                TextButton(onClick = onAmend) { Text(stringResource(R.string.amend)) }
                if (thread.amended) {
                    TextButton(onClick = { history = !history }) { Text(stringResource(R.string.history)) }
                }
            }
            if (history) {
                thread.versions.forEach { v ->
                    Text("${v.writtenLabel} · ${v.authorName}", style = MaterialTheme.typography.labelSmall)
                    Text(v.text, style = MaterialTheme.typography.bodySmall)
                }
            }
        }
    }
}
