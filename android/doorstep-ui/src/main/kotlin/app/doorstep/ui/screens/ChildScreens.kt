package app.doorstep.ui.screens

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import app.doorstep.ffi.CaseId
import app.doorstep.ffi.CaseLine
import app.doorstep.ffi.ChildView
import app.doorstep.ffi.Rag
import app.doorstep.ui.Words
import app.doorstep.ui.common.AttentionRows
import app.doorstep.ui.common.ChoiceGroup
import app.doorstep.ui.common.Choices
import app.doorstep.ui.common.ErrorText
import app.doorstep.ui.common.RagBadge
import app.doorstep.ui.common.ScreenScaffold
import app.doorstep.ui.common.SectionTitle
import app.doorstep.ui.common.TextInput

/** The caseload (`caseload()`), red first as the core orders it; a tap opens the child. */
@Composable
fun CaseloadScreen(
    lines: List<CaseLine>?,
    busy: Boolean,
    error: String?,
    onBack: () -> Unit,
    onChild: (caseId: CaseId) -> Unit,
) {
    ScreenScaffold(title = Words.CASELOAD, onBack = onBack, busy = busy) {
        ErrorText(error, Modifier.padding(horizontal = 16.dp))
        if (lines == null) return@ScreenScaffold
        if (lines.isEmpty()) Text(Words.NO_CASES, Modifier.padding(16.dp))
        LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            items(lines, key = { it.caseId }) { line ->
                Card(Modifier.fillMaxWidth().clickable(onClickLabel = Words.OPEN_CHILD) { onChild(line.caseId) }) {
                    Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                            RagBadge(line.rag, line.ragLabel)
                            Text(line.planLabel, style = MaterialTheme.typography.titleSmall)
                        }
                        Text(line.childName, style = MaterialTheme.typography.titleMedium)
                        Text(line.address, style = MaterialTheme.typography.bodyMedium)
                        AttentionRows(line.attention)
                    }
                }
            }
        }
    }
}

/** What the child screen's buttons lead to. */
data class ChildActions(
    val onBack: () -> Unit = {},
    val onChangeRag: (() -> Unit)? = null,
    val onPlanVisit: (() -> Unit)? = null,
    val onLogCall: (() -> Unit)? = null,
    val onNotes: () -> Unit = {},
)

/** The child (`child(caseId)`): RAG with its reason, attention rows, due lines, chronology. */
@OptIn(androidx.compose.foundation.layout.ExperimentalLayoutApi::class)
@Composable
fun ChildScreen(child: ChildView?, busy: Boolean, error: String?, actions: ChildActions) {
    ScreenScaffold(title = child?.childName ?: "", onBack = actions.onBack, busy = busy) {
        ErrorText(error, Modifier.padding(horizontal = 16.dp))
        if (child == null) return@ScreenScaffold
        LazyColumn(
            contentPadding = PaddingValues(16.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
            modifier = Modifier.testTag("child-list"),
        ) {
            item {
                Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        RagBadge(child.rag, child.ragLabel)
                        Text(child.planLabel, style = MaterialTheme.typography.titleSmall)
                    }
                    child.ragReason?.let { Text("${Words.WHY}: $it") }
                    child.birthLabel?.let { Text(it) }
                    Text(child.address)
                    child.accessNotes?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                    AttentionRows(child.attention)
                }
            }
            item {
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    // A shell that does not offer a flow yet passes null: no dead button.
                    actions.onPlanVisit?.let { Button(onClick = it, modifier = Modifier.testTag("plan-visit")) { Text(Words.PLAN_VISIT) } }
                    actions.onLogCall?.let { OutlinedButton(onClick = it, modifier = Modifier.testTag("log-call")) { Text(Words.LOG_CALL) } }
                    actions.onChangeRag?.let { OutlinedButton(onClick = it, modifier = Modifier.testTag("change-rag")) { Text(Words.CHANGE_RAG) } }
                    OutlinedButton(onClick = actions.onNotes) { Text(Words.NOTES) }
                }
            }
            item { SectionTitle(Words.DUE) }
            items(child.due) { due ->
                Column {
                    Text(
                        "${due.title} · ${due.statusLabel}",
                        style = MaterialTheme.typography.titleSmall,
                        color = if (due.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface,
                    )
                    Text("${due.dueLabel} (${due.earliestLabel}) · ${due.contactLabel}")
                    due.must.forEach { Text("• $it", style = MaterialTheme.typography.bodyMedium) }
                    Text(due.why, style = MaterialTheme.typography.bodyMedium)
                }
            }
            item { SectionTitle(Words.CHRONOLOGY) }
            items(child.chronology) { line ->
                Column {
                    Text(line.timeLabel, style = MaterialTheme.typography.labelLarge)
                    Text(line.summary)
                    HorizontalDivider()
                }
            }
        }
    }
}

/** Changing a case's RAG rating: the new rating and, always, why (the core refuses it without). */
@Composable
fun ChangeRagScreen(
    childName: String,
    current: Rag?,
    busy: Boolean,
    error: String?,
    onBack: () -> Unit,
    onSave: (Rag, String) -> Unit,
) {
    var rag by remember { mutableStateOf(current) }
    var reason by remember { mutableStateOf("") }
    ScreenScaffold(title = "${Words.CHANGE_RAG} · $childName", onBack = onBack, busy = busy) {
        FormColumn {
            ChoiceGroup(Words.RAG_RATING, Choices.rags, rag, { rag = it })
            TextInput(Words.RAG_REASON, reason, { reason = it }, tag = "reason", singleLine = false, minLines = 3)
            Button(
                onClick = { rag?.let { onSave(it, reason) } },
                enabled = !busy && rag != null,
                modifier = Modifier.fillMaxWidth().testTag("save"),
            ) { Text(Words.SAVE) }
            ErrorText(error)
        }
    }
}
