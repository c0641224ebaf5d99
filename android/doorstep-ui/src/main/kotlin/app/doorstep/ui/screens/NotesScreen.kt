package app.doorstep.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.selection.toggleable
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.Checkbox
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.unit.dp
import app.doorstep.ffi.NoteId
import app.doorstep.ffi.NoteThreadLine
import app.doorstep.ui.Words
import app.doorstep.ui.common.ErrorText
import app.doorstep.ui.common.ScreenScaffold
import app.doorstep.ui.common.TextInput

/**
 * A case's notes (`notes(caseId)`): append-only; amending keeps the original (`amendNote`).
 * [onAmend]'s significance is null when unchanged. Note text is kept in memory only.
 */
@Composable
fun NotesScreen(
    notes: List<NoteThreadLine>?,
    busy: Boolean,
    error: String?,
    onBack: () -> Unit,
    onAdd: (text: String, significant: Boolean) -> Unit,
    onAmend: (noteId: NoteId, text: String, significant: Boolean?) -> Unit,
) {
    var amending by remember { mutableStateOf<NoteThreadLine?>(null) }
    ScreenScaffold(title = Words.NOTES, onBack = onBack, busy = busy) {
        ErrorText(error, Modifier.padding(horizontal = 16.dp))
        val editing = amending
        if (editing != null) {
            NoteEditor(editing.currentText, editing.significant, Words.AMEND, busy) { text, significant ->
                onAmend(editing.noteId, text, significant.takeIf { it != editing.significant })
                amending = null
            }
            TextButton(onClick = { amending = null }, modifier = Modifier.padding(horizontal = 8.dp)) { Text(Words.CANCEL) }
        } else {
            NoteEditor("", false, Words.ADD_NOTE, busy, onAdd)
        }
        LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            items(notes.orEmpty(), key = { it.noteId }) { thread -> NoteCard(thread, onAmend = { amending = thread }) }
        }
    }
}

@Composable
private fun NoteEditor(initial: String, initialSignificant: Boolean, action: String, busy: Boolean, onSave: (String, Boolean) -> Unit) {
    var text by remember(initial) { mutableStateOf(initial) }
    var significant by remember(initial) { mutableStateOf(initialSignificant) }
    Column(Modifier.padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        TextInput(Words.NOTES, text, { text = it }, tag = "note-text", singleLine = false, minLines = 3)
        Row(
            Modifier.fillMaxWidth().heightIn(min = 48.dp).toggleable(significant, role = Role.Checkbox) { significant = it },
            verticalAlignment = Alignment.CenterVertically,
        ) {
            Checkbox(checked = significant, onCheckedChange = null)
            Text(Words.SIGNIFICANT)
        }
        Button(
            onClick = { onSave(text, significant); text = "" },
            enabled = text.isNotBlank() && !busy,
            modifier = Modifier.fillMaxWidth().testTag("save-note"),
        ) { Text(action) }
    }
}

@Composable
private fun NoteCard(thread: NoteThreadLine, onAmend: () -> Unit) {
    var history by remember { mutableStateOf(false) }
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text("${thread.writtenLabel} · ${thread.authorName}", style = MaterialTheme.typography.labelLarge)
            if (thread.significant) Text(Words.SIGNIFICANT, color = MaterialTheme.colorScheme.error)
            Text(thread.currentText)
            Row {
                TextButton(onClick = onAmend) { Text(Words.AMEND) }
                if (thread.amended) TextButton(onClick = { history = !history }) { Text(Words.HISTORY) }
            }
            if (history) {
                thread.versions.forEach { v ->
                    Text("${v.writtenLabel} · ${v.authorName}", style = MaterialTheme.typography.labelLarge)
                    Text(v.text, style = MaterialTheme.typography.bodyMedium)
                }
            }
        }
    }
}
