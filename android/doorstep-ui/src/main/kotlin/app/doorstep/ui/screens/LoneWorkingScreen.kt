package app.doorstep.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import app.doorstep.ffi.TodayVisit
import app.doorstep.ui.Words
import app.doorstep.ui.common.ErrorText
import app.doorstep.ui.common.LoneWorkerBanner
import app.doorstep.ui.common.ScreenScaffold
import app.doorstep.ui.theme.RagColors

/**
 * Lone working at the door: the visit (`visit(visitId)`), the banner from `today()`, and big
 * buttons to check in (the platform schedules its reminder) and to check out safely.
 */
@Composable
fun LoneWorkingScreen(
    visit: TodayVisit?,
    banner: String?,
    red: Boolean,
    busy: Boolean,
    error: String?,
    onBack: () -> Unit,
    onCheckIn: () -> Unit,
    onCheckOut: () -> Unit,
) {
    ScreenScaffold(title = Words.LONE_WORKING, onBack = onBack, busy = busy) {
        banner?.let { LoneWorkerBanner(it, red = red) }
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            ErrorText(error)
            if (visit == null) return@Column
            Text(visit.childName, style = MaterialTheme.typography.headlineSmall)
            Text(visit.address)
            visit.accessNotes?.let { Text(it) }
            Text("${visit.timeLabel} · ${visit.kindLabel} · ${visit.statusLabel}")
            Text(Words.expectedMinutes(visit.expectedMinutes.toString()))
            if (visit.canCheckIn) {
                Button(
                    onClick = onCheckIn,
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().heightIn(min = 72.dp).testTag("check-in"),
                ) { Text(Words.CHECK_IN, style = MaterialTheme.typography.titleLarge) }
            }
            if (visit.canCheckOut) {
                Button(
                    onClick = onCheckOut,
                    enabled = !busy,
                    colors = ButtonDefaults.buttonColors(containerColor = RagColors.Green, contentColor = RagColors.OnRag),
                    modifier = Modifier.fillMaxWidth().heightIn(min = 72.dp).testTag("check-out"),
                ) { Text(Words.CHECK_OUT_SAFE, style = MaterialTheme.typography.titleLarge) }
            }
        }
    }
}
