package app.doorstep.ui.screens

import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.input.KeyboardType
import app.doorstep.ffi.VisitKind
import app.doorstep.ui.Words
import app.doorstep.ui.common.ChoiceGroup
import app.doorstep.ui.common.Choices
import app.doorstep.ui.common.ErrorText
import app.doorstep.ui.common.ScreenScaffold
import app.doorstep.ui.common.TextInput

/** A visit as the planning form sends it: the core checks every field. */
data class VisitRequest(
    val kind: VisitKind,
    val date: String,
    val time: String,
    val minutes: String,
    val departureReason: String?,
)

/**
 * Planning a visit for a case: the kind, the day and time (UK local), the expected length, and
 * why a video or telephone contact replaces a face-to-face visit (the core asks for it when the
 * plan requires face to face, and says so in its error).
 */
@Composable
fun PlanVisitScreen(
    childName: String,
    defaultDate: String,
    busy: Boolean,
    error: String?,
    onBack: () -> Unit,
    onSave: (VisitRequest) -> Unit,
) {
    var kind by remember { mutableStateOf<VisitKind?>(null) }
    var date by remember { mutableStateOf(defaultDate) }
    var time by remember { mutableStateOf("10:00") }
    var minutes by remember { mutableStateOf("60") }
    var reason by remember { mutableStateOf("") }
    ScreenScaffold(title = "${Words.PLAN_VISIT} · $childName", onBack = onBack, busy = busy) {
        FormColumn {
            ChoiceGroup(Words.VISIT_KIND, Choices.visitKinds, kind, { kind = it })
            TextInput(Words.VISIT_DATE, date, { date = it }, tag = "date")
            TextInput(Words.VISIT_TIME, time, { time = it }, tag = "time")
            TextInput(Words.VISIT_MINUTES, minutes, { minutes = it }, tag = "minutes", keyboardType = KeyboardType.Number)
            TextInput(Words.DEPARTURE_REASON, reason, { reason = it }, tag = "departure", singleLine = false, minLines = 2)
            Button(
                onClick = { kind?.let { onSave(VisitRequest(it, date, time, minutes, reason)) } },
                enabled = !busy && kind != null,
                modifier = Modifier.fillMaxWidth().testTag("save"),
            ) { Text(Words.PLAN_VISIT) }
            ErrorText(error)
        }
    }
}

/**
 * Logging a telephone call with the family now: answered (the record form follows, with the
 * questions the core asks of a call) or unanswered (what happened and the follow-up). [reason]
 * is why a call replaces a visit, when the plan requires face to face.
 */
@Composable
fun LogCallScreen(
    childName: String,
    busy: Boolean,
    error: String?,
    onBack: () -> Unit,
    onAnswered: (departureReason: String?) -> Unit,
    onUnanswered: (departureReason: String?, whatHappened: String, followUp: String) -> Unit,
) {
    var reason by remember { mutableStateOf("") }
    var unanswered by remember { mutableStateOf(false) }
    var happened by remember { mutableStateOf("") }
    var followUp by remember { mutableStateOf("") }
    ScreenScaffold(title = "${Words.LOG_CALL} · $childName", onBack = onBack, busy = busy) {
        FormColumn {
            TextInput(Words.DEPARTURE_REASON, reason, { reason = it }, tag = "departure", singleLine = false, minLines = 2)
            if (!unanswered) {
                Button(
                    onClick = { onAnswered(reason) },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().testTag("answered"),
                ) { Text(Words.CALL_ANSWERED) }
                OutlinedButton(
                    onClick = { unanswered = true },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().testTag("unanswered"),
                ) { Text(Words.CALL_UNANSWERED) }
            } else {
                TextInput(Words.OUTCOME_REASON, happened, { happened = it }, tag = "happened", singleLine = false, minLines = 2)
                TextInput(Words.FOLLOW_UP_ACTION, followUp, { followUp = it }, tag = "follow-up", singleLine = false, minLines = 2)
                Button(
                    onClick = { onUnanswered(reason, happened, followUp) },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().testTag("save"),
                ) { Text(Words.SAVE_OUTCOME) }
            }
            ErrorText(error)
        }
    }
}
