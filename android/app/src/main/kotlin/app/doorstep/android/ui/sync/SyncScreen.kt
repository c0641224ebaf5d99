package app.doorstep.android.ui.sync

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
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import app.doorstep.android.R
import app.doorstep.android.ui.common.ErrorText
import app.doorstep.android.ui.common.ScreenScaffold
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.kotlin.SyncState
import app.doorstep.kotlin.userMessage

/** Core calls: syncStatus() (through Doorstep.syncState), sync(transport), retryNeedsAttention(). */
@Composable
fun SyncScreen(onBack: () -> Unit) {
    val vm = doorstepViewModel { container, _ -> SyncViewModel(container) }
    LaunchedEffect(Unit) { vm.load() }
    val state = vm.state?.collectAsState()?.value
    val status = state?.status

    ScreenScaffold(title = stringResource(R.string.sync), onBack = onBack, busy = vm.busy || state is SyncState.Syncing) {
        LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            item {
                Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    status?.let {
                        Text(it.summary, style = MaterialTheme.typography.titleMedium)
                        it.lastSyncLabel?.let { label -> Text(stringResource(R.string.last_sync, label)) }
                    }
                    when (state) {
                        is SyncState.Syncing -> state.progress?.let {
                            Text(stringResource(R.string.sync_progress, it.sent.toString(), it.received.toString(), it.remaining.toString()))
                        }
                        is SyncState.Failed -> ErrorText(state.error.userMessage)
                        else -> Unit
                    }
                    ErrorText(vm.error)
                    Button(
                        onClick = vm::syncNow,
                        enabled = status?.enrolled == true && state !is SyncState.Syncing && !vm.busy,
                        modifier = Modifier.fillMaxWidth(),
                    ) { Text(stringResource(R.string.sync_now)) }
                }
            }
            val attention = status?.needsAttention.orEmpty()
            if (attention.isNotEmpty()) {
                item { Text(stringResource(R.string.needs_attention), style = MaterialTheme.typography.titleMedium) }
                items(attention, key = { it.opId }) { item ->
                    Card(Modifier.fillMaxWidth()) {
                        Column(Modifier.padding(12.dp)) {
                            Text(item.what, style = MaterialTheme.typography.titleSmall)
                            Text(item.reason)
                        }
                    }
                }
                item {
                    OutlinedButton(onClick = vm::retryNeedsAttention, enabled = !vm.busy, modifier = Modifier.fillMaxWidth()) {
                        Text(stringResource(R.string.retry_needs_attention))
                    }
                }
            }
        }
    }
}
