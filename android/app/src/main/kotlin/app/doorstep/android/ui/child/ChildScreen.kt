package app.doorstep.android.ui.child

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import app.doorstep.android.R
import app.doorstep.android.ui.common.AttentionRows
import app.doorstep.android.ui.common.ErrorText
import app.doorstep.android.ui.common.RagBadge
import app.doorstep.android.ui.common.ScreenScaffold
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.ffi.ChildView

/** Core call: child(caseId) — header, RAG with its reason, attention rows, due lines, chronology. */
@Composable
fun ChildScreen(onBack: () -> Unit, onNotes: (caseId: String) -> Unit) {
    val vm = doorstepViewModel { container, handle -> ChildViewModel(container, handle) }
    LifecycleResumeEffect(Unit) {
        vm.load()
        onPauseOrDispose { }
    }
    val child = vm.child
    ScreenScaffold(
        title = child?.childName ?: "",
        onBack = onBack,
        busy = vm.busy,
        actions = { TextButton(onClick = { onNotes(vm.caseId) }) { Text(stringResource(R.string.notes)) } },
    ) {
        ErrorText(vm.error, Modifier.padding(horizontal = 16.dp))
        if (child != null) ChildContent(child)
    }
}

@Composable
private fun ChildContent(child: ChildView) {
    LazyColumn(
        contentPadding = PaddingValues(16.dp),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        item { ChildHeader(child) }
        item { SectionTitle(stringResource(R.string.due)) }
        items(child.due) { due ->
            Column {
                Text(
                    "${due.title} · ${due.statusLabel}",
                    style = MaterialTheme.typography.titleSmall,
                    color = if (due.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface,
                )
                Text("${due.dueLabel} (${due.earliestLabel}) · ${due.contactLabel}")
                due.must.forEach { Text("• $it", style = MaterialTheme.typography.bodySmall) }
                Text(due.why, style = MaterialTheme.typography.bodySmall)
            }
        }
        item { SectionTitle(stringResource(R.string.chronology)) }
        items(child.chronology) { line ->
            Column {
                Text(line.timeLabel, style = MaterialTheme.typography.labelMedium)
                Text(line.summary)
                HorizontalDivider()
            }
        }
    }
}

@Composable
private fun ChildHeader(child: ChildView) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            RagBadge(child.rag, child.ragLabel)
            Text(child.planLabel, style = MaterialTheme.typography.titleSmall)
        }
        child.ragReason?.let { Text(stringResource(R.string.rag_reason, it)) }
        child.birthLabel?.let { Text(it) }
        Text(child.address)
        child.accessNotes?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
        AttentionRows(child.attention)
    }
}

@Composable
private fun SectionTitle(text: String) {
    Text(
        text,
        style = MaterialTheme.typography.titleMedium,
        modifier = Modifier.padding(top = 8.dp).semantics { heading() },
    )
}
