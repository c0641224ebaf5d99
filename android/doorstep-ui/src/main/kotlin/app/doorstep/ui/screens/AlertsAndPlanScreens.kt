package app.doorstep.ui.screens

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
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import app.doorstep.ffi.AlertsView
import app.doorstep.ffi.PlanScreen
import app.doorstep.ui.Words
import app.doorstep.ui.common.AlertCard
import app.doorstep.ui.common.ErrorText
import app.doorstep.ui.common.InfoText
import app.doorstep.ui.common.ScreenScaffold
import app.doorstep.ui.common.SectionTitle

/** The alerts digest (`alertDigest()`): the summary, the most urgent in full, the rest counted. */
@Composable
fun AlertsScreen(alerts: AlertsView?, busy: Boolean, error: String?, onBack: () -> Unit) {
    ScreenScaffold(title = Words.ALERTS, onBack = onBack, busy = busy) {
        ErrorText(error, Modifier.padding(horizontal = 16.dp))
        if (alerts == null) return@ScreenScaffold
        LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            item { Text(alerts.summary, style = MaterialTheme.typography.titleMedium) }
            items(alerts.lines) { AlertCard(it) }
            if (alerts.more.isNotEmpty()) {
                item { SectionTitle(alerts.moreLabel ?: Words.MORE_ALERTS) }
                items(alerts.more) { Text("${it.title}: ${it.count}") }
            }
        }
    }
}

/**
 * The four-week plan (`plan(weeks, book)`): each slot with its time, child, kind and why; the
 * unannounced ones marked (this screen is the practitioner's own); the children who will miss a
 * date and why; the patterns a family could learn. Booking makes every slot a planned visit.
 */
@OptIn(androidx.compose.foundation.layout.ExperimentalLayoutApi::class)
@Composable
fun PlanScreenView(
    plan: PlanScreen?,
    booked: Boolean,
    busy: Boolean,
    error: String?,
    onBack: () -> Unit,
    onBook: () -> Unit,
) {
    ScreenScaffold(title = Words.PLAN_TITLE, onBack = onBack, busy = busy) {
        ErrorText(error, Modifier.padding(horizontal = 16.dp))
        if (plan == null) return@ScreenScaffold
        LazyColumn(
            contentPadding = PaddingValues(16.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
            modifier = Modifier.testTag("plan-list"),
        ) {
            item {
                Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Text(plan.horizonLabel, style = MaterialTheme.typography.titleMedium)
                    Text(plan.computedLabel, style = MaterialTheme.typography.bodyMedium)
                    Button(
                        onClick = onBook,
                        enabled = !busy && !booked && plan.slots.any { it.visitId == null },
                        modifier = Modifier.fillMaxWidth().testTag("book"),
                    ) { Text(Words.BOOK_PLAN) }
                    if (booked) InfoText(Words.BOOKED)
                }
            }
            if (plan.patternWarnings.isNotEmpty()) {
                item { SectionTitle(Words.PATTERN_WARNINGS) }
                items(plan.patternWarnings) { Text("⚠ $it", color = MaterialTheme.colorScheme.tertiary) }
            }
            if (plan.shortfalls.isNotEmpty()) {
                item { SectionTitle(Words.SHORTFALLS) }
                items(plan.shortfalls) { s ->
                    Column {
                        Text("${s.childName} · ${s.title} · ${s.dueLabel}", color = MaterialTheme.colorScheme.error)
                        Text(s.message, style = MaterialTheme.typography.bodyMedium)
                    }
                }
            }
            items(plan.slots) { slot ->
                Card(Modifier.fillMaxWidth()) {
                    Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                            Text(slot.timeLabel, style = MaterialTheme.typography.titleSmall)
                            if (slot.unannounced) {
                                Text(Words.UNANNOUNCED, color = MaterialTheme.colorScheme.tertiary, fontWeight = FontWeight.Bold)
                            }
                            if (slot.visitId != null) Text(Words.BOOKED, style = MaterialTheme.typography.labelLarge)
                        }
                        Text("${slot.childName} · ${slot.title}", style = MaterialTheme.typography.titleMedium)
                        Text("${slot.kindLabel} · ${slot.minutes} min")
                        Text(slot.explanation, style = MaterialTheme.typography.bodyMedium)
                    }
                }
            }
        }
    }
}
