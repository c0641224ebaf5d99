package app.doorstep.android.ui.caseload

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import app.doorstep.android.R
import app.doorstep.android.ui.common.AttentionRows
import app.doorstep.android.ui.common.ErrorText
import app.doorstep.android.ui.common.RagBadge
import app.doorstep.android.ui.common.ScreenScaffold
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.ffi.CaseLine

/** Core call: caseload() — one card per case (RAG, plan, address, attention); a tap opens the child. */
@Composable
fun CaseloadScreen(onBack: () -> Unit, onChild: (caseId: String) -> Unit) {
    val vm = doorstepViewModel { container, _ -> CaseloadViewModel(container) }
    LifecycleResumeEffect(Unit) {
        vm.load()
        onPauseOrDispose { }
    }
    val cases = vm.cases
    ScreenScaffold(title = stringResource(R.string.caseload), onBack = onBack, busy = vm.busy) {
        ErrorText(vm.error, Modifier.padding(horizontal = 16.dp))
        if (cases == null) return@ScreenScaffold
        LazyColumn(
            contentPadding = PaddingValues(16.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            items(cases, key = { it.caseId }) { line ->
                CaseCard(line, onOpen = { onChild(line.caseId) })
            }
            if (cases.isEmpty()) {
                item { Text(stringResource(R.string.no_cases)) }
            }
        }
    }
}

@Composable
private fun CaseCard(line: CaseLine, onOpen: () -> Unit) {
    Card(modifier = Modifier.fillMaxWidth().clickable(onClick = onOpen)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                RagBadge(line.rag, line.ragLabel)
                Text(line.planLabel, style = MaterialTheme.typography.titleSmall)
            }
            Text(line.childName, style = MaterialTheme.typography.titleMedium)
            Text(line.address, style = MaterialTheme.typography.bodySmall)
            AttentionRows(line.attention)
        }
    }
}
