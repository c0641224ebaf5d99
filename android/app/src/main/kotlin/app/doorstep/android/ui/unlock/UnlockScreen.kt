package app.doorstep.android.ui.unlock

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import app.doorstep.android.R
import app.doorstep.android.ui.common.ErrorText
import app.doorstep.android.ui.common.ScreenScaffold
import app.doorstep.android.ui.common.doorstepViewModel

/** Core calls: unlockOptions (which buttons), unlockWithPassphrase / unlockWithKeyProvider, setKeyProvider to (re-)enrol. */
@Composable
fun UnlockScreen(onUnlocked: () -> Unit) {
    val context = LocalContext.current
    val vm = doorstepViewModel { container, _ -> UnlockViewModel(container, context.applicationContext) }
    // Not rememberSaveable: the passphrase is never written to the saved instance state.
    var passphrase by remember { mutableStateOf("") }

    LaunchedEffect(vm.unlocked) { if (vm.unlocked) onUnlocked() }

    ScreenScaffold(title = stringResource(R.string.unlock_title), busy = vm.busy) {
        Column(
            modifier = Modifier.padding(16.dp).fillMaxWidth(),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            if (vm.passphraseOffered) {
                OutlinedTextField(
                    value = passphrase,
                    onValueChange = { passphrase = it },
                    label = { Text(stringResource(R.string.passphrase)) },
                    singleLine = true,
                    visualTransformation = PasswordVisualTransformation(),
                    keyboardOptions = KeyboardOptions(
                        keyboardType = KeyboardType.Password,
                        autoCorrectEnabled = false,
                        imeAction = ImeAction.Done,
                    ),
                    keyboardActions = KeyboardActions(onDone = { vm.unlockWithPassphrase(passphrase); passphrase = "" }),
                    modifier = Modifier.fillMaxWidth(),
                )
                Button(
                    onClick = { vm.unlockWithPassphrase(passphrase); passphrase = "" },
                    enabled = passphrase.isNotEmpty() && !vm.busy,
                    modifier = Modifier.fillMaxWidth(),
                ) { Text(stringResource(R.string.unlock)) }
            }
            if (vm.biometricOffered) {
                OutlinedButton(
                    onClick = vm::unlockWithBiometric,
                    enabled = !vm.busy,
                    modifier = Modifier.fillMaxWidth(),
                ) { Text(stringResource(R.string.unlock_biometric)) }
            }
            ErrorText(vm.error)
        }
    }

    if (vm.offerEnrolment) {
        AlertDialog(
            onDismissRequest = vm::skipEnrolment,
            title = { Text(stringResource(R.string.enrol_biometric_title)) },
            text = { Text(stringResource(R.string.enrol_biometric_text)) },
            confirmButton = { TextButton(onClick = vm::enrolBiometric) { Text(stringResource(R.string.enrol_biometric_yes)) } },
            dismissButton = { TextButton(onClick = vm::skipEnrolment) { Text(stringResource(R.string.not_now)) } },
        )
    }
}
