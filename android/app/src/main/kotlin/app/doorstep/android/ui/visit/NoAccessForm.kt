package app.doorstep.android.ui.visit

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import app.doorstep.android.R

// Not rememberSaveable: case text never goes into the saved instance state (written to disk in plain).
/** Nobody answered or no way in: the reason and the follow-up (the core checks both). */
@Composable
fun NoAccessForm(busy: Boolean, onSave: (reason: String, followUpAction: String) -> Unit) {
    var reason by remember { mutableStateOf("") }
    var followUp by remember { mutableStateOf("") }
    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        OutlinedTextField(
            value = reason, onValueChange = { reason = it },
            label = { Text(stringResource(R.string.no_access_reason)) },
            modifier = Modifier.fillMaxWidth(),
        )
        OutlinedTextField(
            value = followUp, onValueChange = { followUp = it },
            label = { Text(stringResource(R.string.follow_up_action)) },
            modifier = Modifier.fillMaxWidth(),
        )
        Button(onClick = { onSave(reason, followUp) }, enabled = !busy, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.save_no_access))
        }
    }
}
