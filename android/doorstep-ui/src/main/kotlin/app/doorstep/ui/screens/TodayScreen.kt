package app.doorstep.ui.screens

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.MoreVert
import androidx.compose.material3.Card
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import app.doorstep.ffi.CaseId
import app.doorstep.ffi.TodayView
import app.doorstep.ffi.TodayVisit
import app.doorstep.ffi.VisitId
import app.doorstep.ui.Words
import app.doorstep.ui.common.AlertCard
import app.doorstep.ui.common.ErrorText
import app.doorstep.ui.common.Line
import app.doorstep.ui.common.LoneWorkerBanner
import app.doorstep.ui.common.RagBadge
import app.doorstep.ui.common.ScreenScaffold

/** Where Today's buttons lead (navigation only: every decision is in [TodayView]). */
data class TodayActions(
    val onChild: (caseId: CaseId) -> Unit = {},
    val onRecord: (visitId: VisitId) -> Unit = {},
    val onLoneWorking: (visitId: VisitId) -> Unit = {},
    val onSync: () -> Unit = {},
    val onCaseload: () -> Unit = {},
    val onAlerts: (() -> Unit)? = null,
    val onPlan: (() -> Unit)? = null,
    val onAddHousehold: (() -> Unit)? = null,
    val onChangePassphrase: (() -> Unit)? = null,
    val onLock: (() -> Unit)? = null,
)

/**
 * Today: the core's `today()` — the lone-working banner first, the plan's message, the alerts
 * digest (the ten most urgent, then the rest counted), then the day's visits. [pending] is the
 * number of changes waiting to be sent, as the core counts them.
 */
@Composable
fun TodayScreen(today: TodayView?, pending: String?, busy: Boolean, error: String?, actions: TodayActions) {
    var menu by remember { mutableStateOf(false) }
    ScreenScaffold(
        title = today?.dateLabel ?: Words.TODAY,
        busy = busy,
        actions = {
            TextButton(onClick = actions.onSync, modifier = Modifier.testTag("sync")) {
                Text(if (pending != null && pending != "0") Words.syncPending(pending) else Words.SYNC)
            }
            Box {
                IconButton(onClick = { menu = true }, modifier = Modifier.testTag("menu")) {
                    Icon(Icons.Filled.MoreVert, contentDescription = Words.MENU)
                }
                DropdownMenu(expanded = menu, onDismissRequest = { menu = false }) {
                    listOf<Pair<String, (() -> Unit)?>>(
                        Words.CASELOAD to actions.onCaseload,
                        Words.ALERTS to actions.onAlerts,
                        Words.PLAN_TITLE to actions.onPlan,
                        Words.ADD_HOUSEHOLD to actions.onAddHousehold,
                        Words.CHANGE_PASSPHRASE to actions.onChangePassphrase,
                        Words.LOCK to actions.onLock,
                    ).forEach { (label, go) ->
                        // A shell that does not offer a flow yet passes null: no dead menu item.
                        if (go != null) DropdownMenuItem(text = { Text(label) }, onClick = { menu = false; go() })
                    }
                }
            }
        },
    ) {
        ErrorText(error, Modifier.padding(horizontal = 16.dp))
        if (today == null) return@ScreenScaffold
        LazyColumn(
            contentPadding = PaddingValues(bottom = 24.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
            modifier = Modifier.testTag("today-list"),
        ) {
            today.banner?.let { banner -> item { LoneWorkerBanner(banner, red = today.loneWorkerRed) } }
            today.planMessage?.let { message -> item { Line(message) } }
            items(today.alerts) { alert -> AlertCard(alert, Modifier.padding(horizontal = 16.dp)) }
            today.moreAlertsLabel?.let { more ->
                item {
                    val onAlerts = actions.onAlerts
                    if (onAlerts != null) {
                        TextButton(onClick = onAlerts, modifier = Modifier.padding(horizontal = 8.dp)) { Text(more) }
                    } else {
                        Line(more)
                    }
                }
            }
            items(today.visits, key = { it.visitId }) { visit ->
                VisitCard(
                    visit = visit,
                    onOpen = { actions.onChild(visit.caseId) },
                    onRecord = { actions.onRecord(visit.visitId) },
                    onLoneWorking = { actions.onLoneWorking(visit.visitId) },
                    modifier = Modifier.padding(horizontal = 16.dp),
                )
            }
            if (today.visits.isEmpty()) item { Text(Words.NO_VISITS_TODAY, Modifier.padding(16.dp)) }
        }
    }
}

/**
 * One visit on today's list. "Unannounced" is shown here, on the practitioner's own screen, and
 * nowhere the family could see it. The buttons appear as the core allows them (canCheckIn,
 * canCheckOut, canRecord).
 */
@OptIn(androidx.compose.foundation.layout.ExperimentalLayoutApi::class)
@Composable
fun VisitCard(
    visit: TodayVisit,
    onOpen: () -> Unit,
    onRecord: () -> Unit,
    onLoneWorking: () -> Unit,
    modifier: Modifier = Modifier,
) {
    Card(modifier.fillMaxWidth().clickable(onClickLabel = Words.OPEN_CHILD, onClick = onOpen)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(visit.timeLabel, style = MaterialTheme.typography.titleMedium)
                RagBadge(visit.rag, visit.ragLabel)
                if (visit.unannounced) {
                    Text(Words.UNANNOUNCED, color = MaterialTheme.colorScheme.tertiary, fontWeight = FontWeight.Bold)
                }
            }
            Text(visit.childName, style = MaterialTheme.typography.titleMedium)
            Text("${visit.kindLabel} · ${visit.planLabel} · ${visit.statusLabel}")
            Text(visit.address, style = MaterialTheme.typography.bodyMedium)
            visit.accessNotes?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                if (visit.canCheckIn || visit.canCheckOut) {
                    OutlinedButton(onClick = onLoneWorking, modifier = Modifier.testTag("lone-${visit.visitId}")) {
                        Text(if (visit.canCheckOut) Words.CHECK_OUT else Words.CHECK_IN)
                    }
                }
                if (visit.canRecord) {
                    OutlinedButton(onClick = onRecord, modifier = Modifier.testTag("record-${visit.visitId}")) {
                        Text(Words.RECORD_VISIT)
                    }
                }
            }
        }
    }
}
