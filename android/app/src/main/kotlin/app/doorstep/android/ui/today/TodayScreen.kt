package app.doorstep.android.ui.today

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import app.doorstep.android.R
import app.doorstep.android.ui.common.AlertCard
import app.doorstep.android.ui.common.ErrorText
import app.doorstep.android.ui.common.LoneWorkerBanner
import app.doorstep.android.ui.common.ScreenScaffold
import app.doorstep.android.ui.common.doorstepViewModel

/** Core call: today() (banner, planMessage, alerts, visits). Navigation only otherwise (caseload, sync). */
@Composable
fun TodayScreen(
    onChild: (caseId: String) -> Unit,
    onRecord: (visitId: String) -> Unit,
    onLoneWorking: (visitId: String) -> Unit,
    onSync: () -> Unit,
    onCaseload: () -> Unit,
) {
    val vm = doorstepViewModel { container, _ -> TodayViewModel(container) }
    LifecycleResumeEffect(Unit) {
        vm.load()
        onPauseOrDispose { }
    }
    val pending = vm.syncState?.collectAsState()?.value?.status?.pending
    val today = vm.today

    ScreenScaffold(
        title = today?.dateLabel ?: stringResource(R.string.today),
        busy = vm.busy,
        actions = {
            TextButton(onClick = onCaseload) { Text(stringResource(R.string.caseload)) }
            TextButton(onClick = onSync) {
                Text(
                    if (pending != null && pending > 0uL) {
                        stringResource(R.string.sync_pending, pending.toString())
                    } else {
                        stringResource(R.string.sync)
                    },
                )
            }
        },
    ) {
        ErrorText(vm.error, Modifier.padding(horizontal = 16.dp))
        if (today == null) return@ScreenScaffold
        LazyColumn(
            contentPadding = PaddingValues(bottom = 24.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            today.banner?.let { banner ->
                item { LoneWorkerBanner(banner, red = today.loneWorkerRed) }
            }
            today.planMessage?.let { message -> item { Line(message) } }
            items(today.alerts) { alert ->
                AlertCard(alert, Modifier.padding(horizontal = 16.dp))
            }
            // The alerts the digest does not show, counted per kind (the core's words).
            today.moreAlertsLabel?.let { more -> item { Line(more) } }
            items(today.visits, key = { it.visitId }) { visit ->
                VisitCard(
                    visit = visit,
                    onOpen = { onChild(visit.caseId) },
                    onRecord = { onRecord(visit.visitId) },
                    onLoneWorking = { onLoneWorking(visit.visitId) },
                    modifier = Modifier.padding(horizontal = 16.dp),
                )
            }
            if (today.visits.isEmpty()) {
                item { Text(stringResource(R.string.no_visits_today), Modifier.padding(16.dp)) }
            }
        }
    }
}

/** A line of the core's words across the screen. */
@Composable
private fun Line(text: String) {
    Text(
        text,
        style = MaterialTheme.typography.bodyMedium,
        modifier = Modifier.padding(horizontal = 16.dp),
    )
}
