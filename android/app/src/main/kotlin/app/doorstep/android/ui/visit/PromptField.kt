package app.doorstep.android.ui.visit

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.toggleable
import androidx.compose.material3.Checkbox
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import app.doorstep.android.R
import app.doorstep.android.ui.common.ErrorText
import app.doorstep.ffi.Answer
import app.doorstep.ffi.FieldMessage
import app.doorstep.ffi.FormPrompt
import app.doorstep.ffi.PromptInput
import app.doorstep.ffi.VisitForm

/**
 * One question of the core's form: its words, help, the widget the core names in
 * `prompt.input`, and the core's messages for it (`prompt.messages`) underneath. Emphasised
 * questions (a plan requirement) are bold. [current] is the core's `answerOf` for the prompt.
 */
@Composable
fun PromptField(
    prompt: FormPrompt,
    form: VisitForm,
    current: Answer?,
    onAnswer: (Answer) -> Unit,
) {
    Column(Modifier.fillMaxWidth(), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Text(
            text = if (prompt.required) "${prompt.question} *" else prompt.question,
            style = MaterialTheme.typography.titleSmall,
            fontWeight = if (prompt.emphasised) FontWeight.Bold else FontWeight.Normal,
        )
        prompt.help?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
        when (prompt.input) {
            PromptInput.YES_NO -> YesNo((current as? Answer.YesNo)?.value, onAnswer)
            PromptInput.SHORT_TEXT -> OutlinedTextField(
                value = (current as? Answer.Text)?.value.orEmpty(),
                onValueChange = { onAnswer(Answer.Text(it)) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth(),
            )
            PromptInput.LONG_TEXT -> OutlinedTextField(
                value = (current as? Answer.Text)?.value.orEmpty(),
                onValueChange = { onAnswer(Answer.Text(it)) },
                minLines = 3,
                modifier = Modifier.fillMaxWidth(),
            )
            PromptInput.COUNT -> Count((current as? Answer.Count)?.value ?: 0u) { onAnswer(Answer.Count(it)) }
            PromptInput.CHOICE -> Column {
                form.engagementChoices.forEach { choice ->
                    val selected = (current as? Answer.Choice)?.code == choice.code
                    Row(
                        Modifier.fillMaxWidth().selectable(selected, role = Role.RadioButton) {
                            onAnswer(Answer.Choice(choice.code))
                        },
                        verticalAlignment = Alignment.CenterVertically,
                    ) {
                        RadioButton(selected = selected, onClick = null)
                        Text(choice.label)
                    }
                }
            }
            PromptInput.PEOPLE_PRESENT -> PeoplePresent(form, current as? Answer.PeoplePresent, onAnswer)
            PromptInput.TEXT_LIST -> TextList((current as? Answer.TextList)?.values.orEmpty()) {
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
            Text(message.message, color = MaterialTheme.colorScheme.tertiary)
        }
    }
}

@Composable
private fun YesNo(value: Boolean?, onAnswer: (Answer) -> Unit) {
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        FilterChip(selected = value == true, onClick = { onAnswer(Answer.YesNo(true)) }, label = { Text(stringResource(R.string.yes)) })
        FilterChip(selected = value == false, onClick = { onAnswer(Answer.YesNo(false)) }, label = { Text(stringResource(R.string.no)) })
    }
}

@Composable
private fun Count(value: UInt, onChange: (UInt) -> Unit) {
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        OutlinedButton(onClick = { if (value > 0u) onChange(value - 1u) }, enabled = value > 0u) { Text("−") }
        Text(value.toString(), style = MaterialTheme.typography.titleMedium)
        OutlinedButton(onClick = { onChange(value + 1u) }) { Text("+") }
    }
}

/** Who else is in the home: known adults ticked, unknown adults counted and described. */
@Composable
private fun PeoplePresent(form: VisitForm, current: Answer.PeoplePresent?, onAnswer: (Answer) -> Unit) {
    val state = current ?: Answer.PeoplePresent(emptyList(), 0u, emptyList())
    Column {
        form.knownAdults.forEach { adult ->
            val ticked = adult.personId in state.knownAdultIds
            Row(
                Modifier.fillMaxWidth().toggleable(ticked, role = Role.Checkbox) { on ->
                    val ids = if (on) state.knownAdultIds + adult.personId else state.knownAdultIds - adult.personId
                    onAnswer(state.copy(knownAdultIds = ids))
                },
                verticalAlignment = Alignment.CenterVertically,
            ) {
                Checkbox(checked = ticked, onCheckedChange = null)
                Text("${adult.name} (${adult.roleLabel})")
            }
        }
        Text(stringResource(R.string.unknown_adults))
        Count(state.unknownAdults) { n ->
            onAnswer(state.copy(unknownAdults = n, unknownDescriptions = state.unknownDescriptions.take(n.toInt())))
        }
        repeat(state.unknownAdults.toInt()) { i ->
            OutlinedTextField(
                value = state.unknownDescriptions.getOrNull(i).orEmpty(),
                onValueChange = { text ->
                    val list = MutableList(state.unknownAdults.toInt()) { state.unknownDescriptions.getOrNull(it).orEmpty() }
                    list[i] = text
                    onAnswer(state.copy(unknownDescriptions = list))
                },
                label = { Text(stringResource(R.string.unknown_adult_n, i + 1)) },
                modifier = Modifier.fillMaxWidth(),
            )
        }
        if (current == null) {
            // "Nobody else" must be said, not assumed.
            OutlinedButton(onClick = { onAnswer(state) }) { Text(stringResource(R.string.nobody_else)) }
        }
    }
}

@Composable
private fun TextList(values: List<String>, onChange: (List<String>) -> Unit) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        values.forEachIndexed { i, value ->
            OutlinedTextField(
                value = value,
                onValueChange = { text -> onChange(values.toMutableList().also { it[i] = text }) },
                modifier = Modifier.fillMaxWidth(),
            )
        }
        OutlinedButton(onClick = { onChange(values + "") }) { Text(stringResource(R.string.add_line)) }
    }
}
