package app.doorstep.android.ui.unlock

import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.ui.platform.LocalContext
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.ffi.UnlockOptions
import app.doorstep.ui.Words
import app.doorstep.ui.screens.UnlockScreen as UnlockView

/**
 * Wiring only: the screen is doorstep-ui's; the view model asks the core's `unlockOptions()` and
 * the phone's biometric support, and offers biometric set-up after a passphrase unlock.
 */
@Composable
fun UnlockScreen(onUnlocked: () -> Unit) {
    val context = LocalContext.current
    val vm = doorstepViewModel { container, _ -> UnlockViewModel(container, context.applicationContext) }
    LaunchedEffect(vm.unlocked) { if (vm.unlocked) onUnlocked() }
    UnlockView(
        options = UnlockOptions(passphrase = vm.passphraseOffered, keyProvider = vm.biometricOffered, backgroundSync = false),
        biometricAvailable = vm.biometricOffered,
        busy = vm.busy,
        error = vm.error,
        onUnlock = vm::unlockWithPassphrase,
        onBiometric = vm::unlockWithBiometric,
    )
    if (vm.offerEnrolment) {
        AlertDialog(
            onDismissRequest = vm::skipEnrolment,
            title = { Text(Words.ENROL_BIOMETRIC_TITLE) },
            text = { Text(Words.ENROL_BIOMETRIC_TEXT) },
            confirmButton = { TextButton(onClick = vm::enrolBiometric) { Text(Words.ENROL_BIOMETRIC_YES) } },
            dismissButton = { TextButton(onClick = vm::skipEnrolment) { Text(Words.NOT_NOW) } },
        )
    }
}
