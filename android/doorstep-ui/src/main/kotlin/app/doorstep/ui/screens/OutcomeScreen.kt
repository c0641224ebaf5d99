package app.doorstep.ui.screens

import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.Button
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import app.doorstep.ffi.VisitSaved
import app.doorstep.ui.Words
import app.doorstep.ui.common.ErrorText
import app.doorstep.ui.common.ScreenScaffold
import app.doorstep.ui.common.TextInput

/** A visit that did not happen as planned: each is its own core call. */
enum class OutcomeKind(val title: String, val reasonLabel: String) {
    /** Nobody answered, or no way in (`recordNoAccess`). */
    NO_ACCESS(Words.NO_ACCESS, Words.OUTCOME_REASON),

    /** The family declined the visit (`recordDeclined`). */
    DECLINED(Words.DECLINED, Words.OUTCOME_REASON),

    /** The practitioner cancels it (`cancelVisit`). */
    CANCELLED(Words.CANCELLED, Words.CANCEL_REASON),
}

/**
 * The reason and the follow-up for a visit that did not happen (the core checks both, and counts
 * consecutive visits without access). Not saved to instance state: case text stays in memory.
 */
@Composable
fun OutcomeScreen(
    kind: OutcomeKind,
    childName: String,
    saved: VisitSaved?,
    busy: Boolean,
    error: String?,
    onBack: () -> Unit,
    onSave: (reason: String, followUpAction: String) -> Unit,
    onDone: () -> Unit,
) {
    var reason by remember { mutableStateOf("") }
    var followUp by remember { mutableStateOf("") }
    ScreenScaffold(title = "${kind.title} · $childName", onBack = onBack, busy = busy) {
        FormColumn {
            TextInput(kind.reasonLabel, reason, { reason = it }, tag = "reason", singleLine = false, minLines = 2)
            TextInput(Words.FOLLOW_UP_ACTION, followUp, { followUp = it }, tag = "follow-up", singleLine = false, minLines = 2)
            Button(
                onClick = { onSave(reason, followUp) },
                enabled = !busy,
                modifier = Modifier.fillMaxWidth().testTag("save"),
            ) { Text(Words.SAVE_OUTCOME) }
            ErrorText(error)
        }
    }
    saved?.let { SavedDialog(it, onDone) }
}
