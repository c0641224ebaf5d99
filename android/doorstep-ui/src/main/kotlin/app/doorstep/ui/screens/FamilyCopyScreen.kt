package app.doorstep.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.selection.toggleable
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import app.doorstep.ffi.AdultChoice
import app.doorstep.ffi.FamilyCopyReview
import app.doorstep.ffi.PersonId
import app.doorstep.ui.Words
import app.doorstep.ui.common.AttentionRows
import app.doorstep.ui.common.ChoiceGroup
import app.doorstep.ui.common.ErrorText
import app.doorstep.ui.common.InfoText
import app.doorstep.ui.common.ScreenScaffold
import app.doorstep.ui.common.SectionTitle

/** What the family-copy screen's buttons do. */
data class FamilyCopyActions(
    val onBack: () -> Unit = {},
    /** Review the copy for this parent or carer (the core's `familyCopyReview`). */
    val onRecipient: (PersonId) -> Unit = {},
    /** Produce the reviewed copy (the core's `giveFamilyCopy`) and hand it to the platform. */
    val onGive: (largePrint: Boolean) -> Unit = {},
    val onDone: () -> Unit = {},
)

/**
 * The family's copy of a completed visit: who it is for (the parents and carers the core offers,
 * `familyCopyRecipients`), then exactly what the core says the copy will contain (its sections,
 * what is left out and why, its warnings), large print or not, and "Give the copy". The core
 * refuses to produce it if anything changed since this review. Nothing here decides what is in it.
 */
@Composable
fun FamilyCopyScreen(
    recipients: List<AdultChoice>?,
    chosen: PersonId?,
    review: FamilyCopyReview?,
    given: Boolean,
    busy: Boolean,
    error: String?,
    actions: FamilyCopyActions,
) {
    var largePrint by remember { mutableStateOf(false) }
    ScreenScaffold(title = Words.FAMILY_COPY, onBack = actions.onBack, busy = busy) {
        FormColumn {
            ErrorText(error)
            if (recipients != null) {
                if (recipients.isEmpty()) InfoText(Words.FAMILY_COPY_NOBODY)
                ChoiceGroup(
                    Words.FAMILY_COPY_FOR,
                    recipients.map { it.personId to "${it.name} (${it.roleLabel})" },
                    chosen,
                    actions.onRecipient,
                    Modifier.testTag("recipients"),
                )
            }
            if (review != null) {
                Review(review)
                Row(
                    Modifier.fillMaxWidth().heightIn(min = 48.dp)
                        .toggleable(largePrint, role = Role.Switch) { largePrint = it }
                        .testTag("large-print"),
                    verticalAlignment = Alignment.CenterVertically,
                ) {
                    Text(Words.LARGE_PRINT, Modifier.weight(1f), style = MaterialTheme.typography.bodyLarge)
                    Switch(checked = largePrint, onCheckedChange = null)
                }
                if (given) {
                    InfoText(Words.FAMILY_COPY_GIVEN, Modifier.testTag("copy-given"))
                    Button(onClick = actions.onDone, modifier = Modifier.fillMaxWidth().testTag("copy-done")) { Text(Words.DONE) }
                } else {
                    Button(
                        onClick = { actions.onGive(largePrint) },
                        enabled = !busy,
                        modifier = Modifier.fillMaxWidth().testTag("give-copy"),
                    ) { Text(Words.GIVE_COPY) }
                }
            }
        }
    }
}

/** The core's review, line by line: every section, what is left out (and why), its warnings. */
@Composable
private fun Review(review: FamilyCopyReview) {
    Column(Modifier.fillMaxWidth().testTag("copy-review"), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        Text(review.title, style = MaterialTheme.typography.titleLarge, modifier = Modifier.semantics { heading() })
        AttentionRows(review.warnings)
        review.sections.forEach { section ->
            SectionTitle(section.heading)
            section.paragraphs.forEach { Text(it, style = MaterialTheme.typography.bodyMedium) }
            section.items.forEach { Text("• $it", style = MaterialTheme.typography.bodyMedium) }
        }
        if (review.withheld.isNotEmpty()) {
            SectionTitle(Words.FAMILY_COPY_LEFT_OUT)
            review.withheld.forEach { Text("${it.what}: ${it.reason}", style = MaterialTheme.typography.bodyMedium) }
        }
    }
}
