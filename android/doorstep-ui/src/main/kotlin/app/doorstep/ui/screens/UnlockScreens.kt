package app.doorstep.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.TextButton
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import app.doorstep.ffi.Agency
import app.doorstep.ffi.UnlockOptions
import app.doorstep.ui.Words
import app.doorstep.ui.common.ChoiceGroup
import app.doorstep.ui.common.Choices
import app.doorstep.ui.common.ErrorText
import app.doorstep.ui.common.InfoText
import app.doorstep.ui.common.PassphraseInput
import app.doorstep.ui.common.ScreenScaffold
import app.doorstep.ui.common.TextInput

// Passphrases live in plain `remember` (never saved instance state) and leave as a CharArray the
// caller wipes after use; the field is cleared once it is handed over.

/** A scrolling column with the screens' usual padding. */
@Composable
internal fun FormColumn(content: @Composable () -> Unit) {
    Column(
        Modifier.padding(16.dp).fillMaxWidth().verticalScroll(rememberScrollState()),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) { content() }
}

/**
 * Unlock: the fields and buttons [options] (the core's `unlockOptions()`) allow; [biometricAvailable]
 * is the platform's word (no biometric on the desktop).
 */
@Composable
fun UnlockScreen(
    options: UnlockOptions?,
    biometricAvailable: Boolean,
    busy: Boolean,
    error: String?,
    onUnlock: (CharArray) -> Unit,
    onBiometric: () -> Unit,
) {
    var passphrase by remember { mutableStateOf("") }
    ScreenScaffold(title = Words.UNLOCK_TITLE, busy = busy) {
        FormColumn {
            if (options?.passphrase != false) {
                PassphraseInput(Words.PASSPHRASE, passphrase, { passphrase = it }, tag = "passphrase")
                Button(
                    onClick = { onUnlock(passphrase.toCharArray()); passphrase = "" },
                    enabled = passphrase.isNotEmpty() && !busy,
                    modifier = Modifier.fillMaxWidth().testTag("unlock"),
                ) { Text(Words.UNLOCK) }
            }
            if (biometricAvailable && options?.keyProvider == true) {
                OutlinedButton(onClick = onBiometric, enabled = !busy, modifier = Modifier.fillMaxWidth().testTag("biometric")) {
                    Text(Words.UNLOCK_BIOMETRIC)
                }
            }
            ErrorText(error)
        }
    }
}

/** Setting up a store on this device without a sync server: who the practitioner is, a passphrase. */
@Composable
fun SetUpScreen(
    busy: Boolean,
    error: String?,
    onSetUp: (name: String, agency: Agency, team: String?, passphrase: CharArray) -> Unit,
) {
    var name by remember { mutableStateOf("") }
    var team by remember { mutableStateOf("") }
    var agency by remember { mutableStateOf<Agency?>(null) }
    var first by remember { mutableStateOf("") }
    var second by remember { mutableStateOf("") }
    val differ = second.isNotEmpty() && first != second
    ScreenScaffold(title = Words.SET_UP_TITLE, busy = busy) {
        FormColumn {
            Text(Words.SET_UP_EXPLAIN)
            TextInput(Words.YOUR_NAME, name, { name = it }, tag = "name")
            ChoiceGroup(Words.YOUR_AGENCY, Choices.agencies, agency, { agency = it })
            TextInput(Words.TEAM, team, { team = it }, tag = "team")
            PassphraseInput(Words.NEW_PASSPHRASE, first, { first = it }, tag = "passphrase")
            PassphraseInput(Words.REPEAT_PASSPHRASE, second, { second = it }, tag = "passphrase2")
            if (differ) ErrorText(Words.PASSPHRASES_DIFFER)
            Button(
                onClick = {
                    val chosen = agency ?: return@Button
                    onSetUp(name, chosen, team, first.toCharArray())
                    first = ""
                    second = ""
                },
                enabled = !busy && agency != null && first.isNotEmpty() && first == second,
                modifier = Modifier.fillMaxWidth().testTag("set-up"),
            ) { Text(Words.SET_UP) }
            ErrorText(error)
        }
    }
}

/** Enrolment with a sync server: its address, the one-time code, a passphrase. */
@Composable
fun EnrolScreen(
    busy: Boolean,
    error: String?,
    onEnrol: (serverUrl: String, code: String, passphrase: CharArray) -> Unit,
) {
    var url by remember { mutableStateOf("") }
    var code by remember { mutableStateOf("") }
    var passphrase by remember { mutableStateOf("") }
    ScreenScaffold(title = Words.ENROL_TITLE, busy = busy) {
        FormColumn {
            Text(Words.ENROL_EXPLAIN)
            TextInput(Words.SERVER_ADDRESS, url, { url = it.trim() }, tag = "server")
            TextInput(Words.ENROL_CODE, code, { code = it.trim() }, tag = "code")
            PassphraseInput(Words.NEW_PASSPHRASE, passphrase, { passphrase = it }, tag = "passphrase")
            Button(
                onClick = { onEnrol(url, code, passphrase.toCharArray()); passphrase = "" },
                enabled = !busy && url.isNotEmpty() && code.isNotEmpty() && passphrase.isNotEmpty(),
                modifier = Modifier.fillMaxWidth().testTag("enrol"),
            ) { Text(Words.SET_UP) }
            ErrorText(error)
        }
    }
}

/** After a passphrase unlock, on a device with a biometric: offer to unlock with it next time. */
@Composable
fun BiometricOffer(onYes: () -> Unit, onNo: () -> Unit) {
    AlertDialog(
        onDismissRequest = onNo,
        title = { Text(Words.ENROL_BIOMETRIC_TITLE) },
        text = { Text(Words.ENROL_BIOMETRIC_TEXT) },
        confirmButton = { TextButton(onClick = onYes, modifier = Modifier.testTag("biometric-yes")) { Text(Words.ENROL_BIOMETRIC_YES) } },
        dismissButton = { TextButton(onClick = onNo, modifier = Modifier.testTag("biometric-no")) { Text(Words.NOT_NOW) } },
    )
}

/** Changing the passphrase: the current one, the new one twice; the core re-wraps the key. */
@Composable
fun ChangePassphraseScreen(
    busy: Boolean,
    error: String?,
    done: Boolean,
    onBack: () -> Unit,
    onChange: (old: CharArray, new: CharArray) -> Unit,
) {
    var old by remember { mutableStateOf("") }
    var first by remember { mutableStateOf("") }
    var second by remember { mutableStateOf("") }
    ScreenScaffold(title = Words.CHANGE_PASSPHRASE, onBack = onBack, busy = busy) {
        FormColumn {
            PassphraseInput(Words.OLD_PASSPHRASE, old, { old = it }, tag = "old")
            PassphraseInput(Words.NEW_PASSPHRASE, first, { first = it }, tag = "new")
            PassphraseInput(Words.REPEAT_PASSPHRASE, second, { second = it }, tag = "new2")
            if (second.isNotEmpty() && first != second) ErrorText(Words.PASSPHRASES_DIFFER)
            Button(
                onClick = {
                    onChange(old.toCharArray(), first.toCharArray())
                    old = ""
                    first = ""
                    second = ""
                },
                enabled = !busy && old.isNotEmpty() && first.isNotEmpty() && first == second,
                modifier = Modifier.fillMaxWidth().testTag("change"),
            ) { Text(Words.CHANGE_PASSPHRASE) }
            ErrorText(error)
            if (done) InfoText(Words.PASSPHRASE_CHANGED)
        }
    }
}
