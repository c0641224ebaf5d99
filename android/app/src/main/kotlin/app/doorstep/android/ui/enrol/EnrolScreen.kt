package app.doorstep.android.ui.enrol

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import app.doorstep.android.R
import app.doorstep.android.ui.common.ErrorText
import app.doorstep.android.ui.common.ScreenScaffold
import app.doorstep.android.ui.common.doorstepViewModel

/** Core call: DoorstepStore.enrol (through Doorstep.enrol). */
@Composable
fun EnrolScreen(onEnrolled: () -> Unit) {
    val vm = doorstepViewModel { container, _ -> EnrolViewModel(container) }
    var server by rememberSaveable { mutableStateOf("https://") }
    var code by remember { mutableStateOf("") }
    var passphrase by remember { mutableStateOf("") }

    LaunchedEffect(vm.enrolled) { if (vm.enrolled) onEnrolled() }

    ScreenScaffold(title = stringResource(R.string.enrol_title), busy = vm.busy) {
        Column(
            modifier = Modifier.padding(16.dp).fillMaxWidth().verticalScroll(rememberScrollState()),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text(stringResource(R.string.enrol_explain))
            OutlinedTextField(
                value = server, onValueChange = { server = it },
                label = { Text(stringResource(R.string.server_address)) }, singleLine = true,
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Uri, autoCorrectEnabled = false),
                modifier = Modifier.fillMaxWidth(),
            )
            OutlinedTextField(
                value = code, onValueChange = { code = it },
                label = { Text(stringResource(R.string.enrol_code)) }, singleLine = true,
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Ascii, autoCorrectEnabled = false),
                modifier = Modifier.fillMaxWidth(),
            )
            OutlinedTextField(
                value = passphrase, onValueChange = { passphrase = it },
                label = { Text(stringResource(R.string.new_passphrase)) }, singleLine = true,
                visualTransformation = PasswordVisualTransformation(),
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Password, autoCorrectEnabled = false),
                modifier = Modifier.fillMaxWidth(),
            )
            Button(
                onClick = { vm.enrol(server, code, passphrase) },
                enabled = !vm.busy && code.isNotBlank() && passphrase.isNotEmpty(),
                modifier = Modifier.fillMaxWidth(),
            ) { Text(stringResource(R.string.enrol)) }
            ErrorText(vm.error)
        }
    }
}
