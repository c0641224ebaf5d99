package app.doorstep.ui.screens

import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.Button
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
import app.doorstep.ffi.PersonId
import app.doorstep.ffi.PersonRole
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.Rag
import app.doorstep.ui.Words
import app.doorstep.ui.common.ChoiceGroup
import app.doorstep.ui.common.Choices
import app.doorstep.ui.common.ErrorText
import app.doorstep.ui.common.ScreenScaffold
import app.doorstep.ui.common.SectionTitle
import app.doorstep.ui.common.TextInput

/** A person as the form sends them: the core checks the dates and what each role needs. */
data class PersonRequest(
    val role: PersonRole,
    val name: String,
    val dateOfBirth: String?,
    val expectedDate: String?,
    val relationship: String?,
)

/** A person already added in this household (for opening a child's case). */
data class AddedPerson(val id: PersonId, val name: String, val role: PersonRole)

/** The steps of adding a household: the address, then its people, then a child's case. */
enum class HouseholdStep { ADDRESS, PEOPLE, CASE }

/** What the household screen's buttons do. */
data class HouseholdActions(
    val onBack: () -> Unit = {},
    val onAddress: (address: String, postcode: String?, accessNotes: String?) -> Unit = { _, _, _ -> },
    val onPerson: (PersonRequest) -> Unit = {},
    val onToCase: () -> Unit = {},
    val onCase: (childId: PersonId, PlanType, Rag, reason: String) -> Unit = { _, _, _, _ -> },
)

/**
 * Adding a household, its people and a case, one step at a time (each a core call:
 * `addHousehold`, `addPerson`, `openCase`). Fields a role does not use are still offered; the
 * core says which a role needs.
 */
@Composable
fun HouseholdScreen(
    step: HouseholdStep,
    people: List<AddedPerson>,
    busy: Boolean,
    error: String?,
    actions: HouseholdActions,
) {
    ScreenScaffold(title = Words.ADD_HOUSEHOLD, onBack = actions.onBack, busy = busy) {
        FormColumn {
            when (step) {
                HouseholdStep.ADDRESS -> AddressStep(busy, actions)
                HouseholdStep.PEOPLE -> PeopleStep(people, busy, actions)
                HouseholdStep.CASE -> CaseStep(people, busy, actions)
            }
            ErrorText(error)
        }
    }
}

@Composable
private fun AddressStep(busy: Boolean, actions: HouseholdActions) {
    var address by remember { mutableStateOf("") }
    var postcode by remember { mutableStateOf("") }
    var access by remember { mutableStateOf("") }
    TextInput(Words.ADDRESS, address, { address = it }, tag = "address")
    TextInput(Words.POSTCODE, postcode, { postcode = it }, tag = "postcode")
    TextInput(Words.ACCESS_NOTES, access, { access = it }, tag = "access")
    Button(
        onClick = { actions.onAddress(address, postcode, access) },
        enabled = !busy,
        modifier = Modifier.fillMaxWidth().testTag("save-address"),
    ) { Text(Words.SAVE) }
}

@Composable
private fun PeopleStep(people: List<AddedPerson>, busy: Boolean, actions: HouseholdActions) {
    var role by remember { mutableStateOf<PersonRole?>(null) }
    var name by remember { mutableStateOf("") }
    var born by remember { mutableStateOf("") }
    var expected by remember { mutableStateOf("") }
    var relationship by remember { mutableStateOf("") }
    if (people.isNotEmpty()) {
        SectionTitle(Words.PEOPLE_ADDED)
        people.forEach { p ->
            Text("${p.name} · ${Choices.roles.first { it.first == p.role }.second}", style = MaterialTheme.typography.bodyLarge)
        }
    }
    SectionTitle(Words.ADD_PERSON)
    ChoiceGroup(Words.PERSON_ROLE, Choices.roles, role, { role = it })
    TextInput(Words.PERSON_NAME, name, { name = it }, tag = "person-name")
    TextInput(Words.DATE_OF_BIRTH, born, { born = it }, tag = "born")
    TextInput(Words.EXPECTED_DATE, expected, { expected = it }, tag = "expected")
    TextInput(Words.RELATIONSHIP, relationship, { relationship = it }, tag = "relationship")
    Button(
        onClick = {
            val chosen = role ?: return@Button
            actions.onPerson(
                PersonRequest(chosen, name, born, expected, relationship),
            )
            name = ""; born = ""; expected = ""; relationship = ""; role = null
        },
        enabled = !busy && role != null,
        modifier = Modifier.fillMaxWidth().testTag("save-person"),
    ) { Text(Words.ADD_PERSON) }
    OutlinedButton(
        onClick = actions.onToCase,
        enabled = !busy && people.isNotEmpty(),
        modifier = Modifier.fillMaxWidth().testTag("to-case"),
    ) { Text(Words.OPEN_CASE) }
}

@Composable
private fun CaseStep(people: List<AddedPerson>, busy: Boolean, actions: HouseholdActions) {
    // Everyone added is offered: the core refuses a case for someone who is not a child.
    var child by remember { mutableStateOf<PersonId?>(null) }
    var plan by remember { mutableStateOf<PlanType?>(null) }
    var rag by remember { mutableStateOf<Rag?>(null) }
    var reason by remember { mutableStateOf("") }
    ChoiceGroup(Words.OPEN_CASE, people.map { it.id to it.name }, child, { child = it })
    ChoiceGroup(Words.CASE_PLAN, Choices.plans, plan, { plan = it })
    ChoiceGroup(Words.RAG_RATING, Choices.rags, rag, { rag = it })
    TextInput(Words.RAG_REASON, reason, { reason = it }, tag = "rag-reason", singleLine = false, minLines = 2)
    Button(
        onClick = {
            val c = child ?: return@Button
            val p = plan ?: return@Button
            val r = rag ?: return@Button
            actions.onCase(c, p, r, reason)
        },
        enabled = !busy && child != null && plan != null && rag != null,
        modifier = Modifier.fillMaxWidth().testTag("save-case"),
    ) { Text(Words.FINISH) }
}
