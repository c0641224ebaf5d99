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
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.toggleable
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Checkbox
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import app.doorstep.ffi.Answer
import app.doorstep.ffi.FieldMessage
import app.doorstep.ffi.FormPrompt
import app.doorstep.ffi.PromptInput
import app.doorstep.ffi.VisitForm
import app.doorstep.ffi.VisitSaved
import app.doorstep.ui.Words
import app.doorstep.ui.common.ErrorText
import app.doorstep.ui.common.ScreenScaffold
import app.doorstep.ui.common.TextInput

/** What the record-visit screen's buttons do. */
data class RecordVisitActions(
    val onBack: () -> Unit = {},
    val onAnswer: (key: String, answer: Answer) -> Unit = { _, _ -> },
    val onSave: () -> Unit = {},
    val onOutcome: (OutcomeKind) -> Unit = {},
    val onDone: () -> Unit = {},
    /** The other outcomes this shell offers (all of them unless a shell has not wired one yet). */
    val outcomes: List<OutcomeKind> = OutcomeKind.entries,
    /** Discards the saved draft (null: the shell keeps no drafts). */
    val onDiscardDraft: (() -> Unit)? = null,
    /** After saving: the family's copy of the visit (null: the core offers it to nobody). */
    val onFamilyCopy: (() -> Unit)? = null,
)

/**
 * Recording a visit: the core's form (`visitForm(visitId, answers)`) drawn as it comes — the
 * questions to ask now with the widget each names, the messages under each, the form's messages
 * at the top, Save enabled by `canSave`. [answerOf] is the core's answer for a prompt's key.
 * Other outcomes (no access, declined, cancelled) are one tap away. After saving, the core's
 * warnings are shown to reflect on.
 */
@Composable
fun RecordVisitScreen(
    form: VisitForm?,
    answerOf: (key: String) -> Answer?,
    saved: VisitSaved?,
    busy: Boolean,
    error: String?,
    actions: RecordVisitActions,
    draftResumed: Boolean = false,
) {
    ScreenScaffold(
        title = form?.let { "${it.childName} · ${it.kindLabel}" } ?: Words.RECORD_VISIT,
        onBack = actions.onBack,
        busy = busy,
    ) {
        ErrorText(error, Modifier.padding(horizontal = 16.dp))
        if (form == null) return@ScreenScaffold
        LazyColumn(
            contentPadding = PaddingValues(16.dp),
            verticalArrangement = Arrangement.spacedBy(16.dp),
            modifier = Modifier.testTag("form"),
        ) {
            val discard = actions.onDiscardDraft
            if (draftResumed && discard != null) {
                item {
                    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                        Text(Words.DRAFT_RESUMED, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.testTag("draft-resumed"))
                        OutlinedButton(onClick = discard, modifier = Modifier.testTag("discard-draft")) { Text(Words.DISCARD_DRAFT) }
                    }
                }
            }
            if (form.formMessages.isNotEmpty()) item { FieldMessages(form.formMessages) }
            items(form.prompts, key = { it.key }) { prompt ->
                PromptField(prompt, form, answerOf(prompt.key)) { actions.onAnswer(prompt.key, it) }
            }
            item {
                Button(
                    onClick = actions.onSave,
                    enabled = form.canSave && !busy,
                    modifier = Modifier.fillMaxWidth().testTag("save-visit"),
                ) { Text(Words.SAVE_VISIT) }
            }
            item {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    actions.outcomes.forEach { kind ->
                        OutlinedButton(
                            onClick = { actions.onOutcome(kind) },
                            modifier = Modifier.fillMaxWidth().testTag("outcome-${kind.name}"),
                        ) { Text(kind.title) }
                    }
                }
            }
        }
    }
    saved?.let { SavedDialog(it, actions.onDone, actions.onFamilyCopy) }
}

/**
 * Saved: the core's warnings to reflect on (the record is kept either way), and, when the core
 * offers the visit's summary to someone in the family, [onFamilyCopy].
 */
@Composable
fun SavedDialog(saved: VisitSaved, onDone: () -> Unit, onFamilyCopy: (() -> Unit)? = null) {
    AlertDialog(
        onDismissRequest = onDone,
        title = { Text(Words.SAVED) },
        text = {
            Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                saved.warnings.forEach { Text(it.message, style = MaterialTheme.typography.bodyMedium) }
            }
        },
        confirmButton = { TextButton(onClick = onDone, modifier = Modifier.testTag("done")) { Text(Words.DONE) } },
        dismissButton = if (onFamilyCopy == null) null else {
            { TextButton(onClick = onFamilyCopy, modifier = Modifier.testTag("family-copy")) { Text(Words.FAMILY_COPY_OFFER) } }
        },
    )
}

/** One question of the core's form: its words, help, widget and messages. */
@Composable
fun PromptField(prompt: FormPrompt, form: VisitForm, current: Answer?, onAnswer: (Answer) -> Unit) {
    Column(Modifier.fillMaxWidth().testTag("prompt-${prompt.key}"), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Text(
            text = if (prompt.required) "${prompt.question} *" else prompt.question,
            style = MaterialTheme.typography.titleSmall,
            fontWeight = if (prompt.emphasised) FontWeight.Bold else FontWeight.Normal,
        )
        prompt.help?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
        when (prompt.input) {
            PromptInput.YES_NO -> YesNo((current as? Answer.YesNo)?.value, onAnswer)
            PromptInput.SHORT_TEXT -> TextInput(
                prompt.question, (current as? Answer.Text)?.value.orEmpty(), { onAnswer(Answer.Text(it)) },
                tag = "text-${prompt.key}",
            )
            PromptInput.LONG_TEXT -> TextInput(
                prompt.question, (current as? Answer.Text)?.value.orEmpty(), { onAnswer(Answer.Text(it)) },
                tag = "text-${prompt.key}", singleLine = false, minLines = 3,
            )
            PromptInput.COUNT -> Count(prompt.question, (current as? Answer.Count)?.value ?: 0, prompt.maxCount) { onAnswer(Answer.Count(it)) }
            PromptInput.CHOICE -> Column {
                form.engagementChoices.forEach { choice ->
                    val selected = (current as? Answer.Choice)?.code == choice.code
                    Row(
                        Modifier.fillMaxWidth().heightIn(min = 48.dp).selectable(selected, role = Role.RadioButton) {
                            onAnswer(Answer.Choice(choice.code))
                        },
                        verticalAlignment = Alignment.CenterVertically,
                    ) {
                        RadioButton(selected = selected, onClick = null)
                        Text(choice.label)
                    }
                }
            }
            PromptInput.PEOPLE_PRESENT -> PeoplePresent(form, prompt.maxCount, current as? Answer.PeoplePresent, onAnswer)
            PromptInput.TEXT_LIST -> TextList(prompt.key, (current as? Answer.TextList)?.values.orEmpty()) {
                onAnswer(Answer.TextList(it))
            }
        }
        FieldMessages(prompt.messages)
    }
}

/** The core's messages: blocking ones as errors, the rest as warnings to reflect on. */
@Composable
fun FieldMessages(messages: List<FieldMessage>) {
    messages.forEach { message ->
        if (message.blocking) {
            ErrorText(message.message)
        } else {
            Text("⚠ ${message.message}", color = MaterialTheme.colorScheme.tertiary)
        }
    }
}

@Composable
private fun YesNo(value: Boolean?, onAnswer: (Answer) -> Unit) {
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        FilterChip(
            selected = value == true,
            onClick = { onAnswer(Answer.YesNo(true)) },
            label = { Text(Words.YES) },
            modifier = Modifier.heightIn(min = 48.dp),
        )
        FilterChip(
            selected = value == false,
            onClick = { onAnswer(Answer.YesNo(false)) },
            label = { Text(Words.NO) },
            modifier = Modifier.heightIn(min = 48.dp),
        )
    }
}

/** A count with − and +, from 0 to the core's [max] for the question (it refuses anything else). */
@Composable
private fun Count(what: String, value: Int, max: Int?, onChange: (Int) -> Unit) {
    val canAdd = max == null || value < max
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        OutlinedButton(
            onClick = { if (value > 0) onChange(value - 1) },
            enabled = value > 0,
            modifier = Modifier.semantics { contentDescription = "${Words.DECREASE}: $what" },
        ) { Text("−") }
        Text(value.toString(), style = MaterialTheme.typography.titleMedium)
        OutlinedButton(
            onClick = { if (canAdd) onChange(value + 1) },
            enabled = canAdd,
            modifier = Modifier.semantics { contentDescription = "${Words.INCREASE}: $what" },
        ) { Text("+") }
    }
}

/** Who else is in the home: known adults ticked, unknown adults counted and described. */
@Composable
private fun PeoplePresent(form: VisitForm, max: Int?, current: Answer.PeoplePresent?, onAnswer: (Answer) -> Unit) {
    val state = current ?: Answer.PeoplePresent(emptyList(), 0, emptyList())
    Column {
        form.knownAdults.forEach { adult ->
            val ticked = adult.personId in state.knownAdultIds
            Row(
                Modifier.fillMaxWidth().heightIn(min = 48.dp).toggleable(ticked, role = Role.Checkbox) { on ->
                    val ids = if (on) state.knownAdultIds + adult.personId else state.knownAdultIds - adult.personId
                    onAnswer(state.copy(knownAdultIds = ids))
                },
                verticalAlignment = Alignment.CenterVertically,
            ) {
                Checkbox(checked = ticked, onCheckedChange = null)
                Text("${adult.name} (${adult.roleLabel})")
            }
        }
        Text(Words.UNKNOWN_ADULTS)
        Count(Words.UNKNOWN_ADULTS, state.unknownAdults, max) { n ->
            onAnswer(state.copy(unknownAdults = n, unknownDescriptions = state.unknownDescriptions.take(n)))
        }
        repeat(state.unknownAdults) { i ->
            TextInput(
                "${Words.UNKNOWN_ADULT_N} ${i + 1}",
                state.unknownDescriptions.getOrNull(i).orEmpty(),
                { text ->
                    val list = MutableList(state.unknownAdults) { state.unknownDescriptions.getOrNull(it).orEmpty() }
                    list[i] = text
                    onAnswer(state.copy(unknownDescriptions = list))
                },
                tag = "unknown-$i",
            )
        }
        if (current == null) {
            // "Nobody else" must be said, not assumed.
            OutlinedButton(onClick = { onAnswer(state) }, modifier = Modifier.testTag("nobody-else")) { Text(Words.NOBODY_ELSE) }
        }
    }
}

@Composable
private fun TextList(key: String, values: List<String>, onChange: (List<String>) -> Unit) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        values.forEachIndexed { i, value ->
            TextInput(
                "${i + 1}", value, { text -> onChange(values.toMutableList().also { it[i] = text }) },
                tag = "list-$key-$i",
            )
        }
        OutlinedButton(onClick = { onChange(values + "") }, modifier = Modifier.testTag("add-$key")) { Text(Words.ADD_LINE) }
    }
}
