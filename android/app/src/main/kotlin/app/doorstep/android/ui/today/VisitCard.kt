package app.doorstep.android.ui.today

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import app.doorstep.android.R
import app.doorstep.android.ui.common.RagBadge
import app.doorstep.ffi.TodayVisit

/**
 * One visit on today's list. "Unannounced" is shown here, on the practitioner's own (screenshot-
 * proof) screen, and nowhere the family could see it: no notification, no shared text.
 * The buttons appear as the core allows them (can_check_in, can_check_out, can_record).
 */
@Composable
fun VisitCard(
    visit: TodayVisit,
    onOpen: () -> Unit,
    onRecord: () -> Unit,
    onLoneWorking: () -> Unit,
    modifier: Modifier = Modifier,
) {
    Card(modifier.fillMaxWidth().clickable(onClick = onOpen)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(visit.timeLabel, style = MaterialTheme.typography.titleMedium)
                RagBadge(visit.rag, visit.ragLabel)
                if (visit.unannounced) {
                    Text(
                        stringResource(R.string.unannounced),
                        color = MaterialTheme.colorScheme.tertiary,
                        fontWeight = FontWeight.Bold,
                    )
                }
            }
            Text(visit.childName, style = MaterialTheme.typography.titleMedium)
            Text("${visit.kindLabel} · ${visit.planLabel} · ${visit.statusLabel}")
            Text(visit.address, style = MaterialTheme.typography.bodySmall)
            visit.accessNotes?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                if (visit.canCheckIn || visit.canCheckOut) {
                    OutlinedButton(onClick = onLoneWorking) {
                        Text(stringResource(if (visit.canCheckOut) R.string.check_out else R.string.check_in))
                    }
                }
                if (visit.canRecord) {
                    OutlinedButton(onClick = onRecord) { Text(stringResource(R.string.record_visit)) }
                }
            }
        }
    }
}
