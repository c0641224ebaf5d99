package app.doorstep.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import app.doorstep.kotlin.SyncState
import app.doorstep.kotlin.userMessage
import app.doorstep.ui.Words
import app.doorstep.ui.common.ErrorText
import app.doorstep.ui.common.ScreenScaffold
import app.doorstep.ui.common.SectionTitle

/** The sync status (`syncState`): summary, last sync, progress, and the changes that need attention. */
@Composable
fun SyncScreen(
    state: SyncState?,
    busy: Boolean,
    error: String?,
    onBack: () -> Unit,
    onSyncNow: () -> Unit,
    onRetry: () -> Unit,
) {
    val status = state?.status
    ScreenScaffold(title = Words.SYNC, onBack = onBack, busy = busy || state is SyncState.Syncing) {
        LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            item {
                Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    status?.let {
                        Text(it.summary, style = MaterialTheme.typography.titleMedium, modifier = Modifier.testTag("sync-summary"))
                        it.lastSyncLabel?.let { label -> Text("${Words.LAST_SYNC}: $label") }
                        if (!it.enrolled) Text(Words.NOT_ENROLLED)
                    }
                    when (state) {
                        is SyncState.Syncing -> state.progress?.let {
                            Text(Words.syncProgress(it.sent.toString(), it.received.toString(), it.remaining.toString()))
                        }
                        is SyncState.Failed -> ErrorText(state.error.userMessage)
                        else -> Unit
                    }
                    ErrorText(error)
                    Button(
                        onClick = onSyncNow,
                        enabled = status?.enrolled == true && state !is SyncState.Syncing && !busy,
                        modifier = Modifier.fillMaxWidth().testTag("sync-now"),
                    ) { Text(Words.SYNC_NOW) }
                }
            }
            val attention = status?.needsAttention.orEmpty()
            if (attention.isNotEmpty()) {
                item { SectionTitle(Words.NEEDS_ATTENTION) }
                items(attention, key = { it.opId }) { item ->
                    Card(Modifier.fillMaxWidth()) {
                        Column(Modifier.padding(12.dp)) {
                            Text(item.what, style = MaterialTheme.typography.titleSmall)
                            Text(item.reason)
                        }
                    }
                }
                item {
                    OutlinedButton(onClick = onRetry, enabled = !busy, modifier = Modifier.fillMaxWidth()) {
                        Text(Words.RETRY_NEEDS_ATTENTION)
                    }
                }
            }
        }
    }
}
