package app.doorstep.android.ui.enrol

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.doorstep.android.AppContainer
import app.doorstep.android.ui.common.DoorstepViewModel
import app.doorstep.kotlin.Doorstep

/**
 * First run: enrol this phone with the sync server using the one-time code from an
 * administrator, protected by a passphrase (biometric unlock is offered at the next unlock).
 * The core checks the address (https only), the code and the passphrase's strength.
 */
class EnrolViewModel(container: AppContainer) : DoorstepViewModel(container) {

    /** The store exists and is unlocked. */
    var enrolled by mutableStateOf(false)
        private set

    /** Enrols and creates the store. */
    fun enrol(serverUrl: String, code: String, passphrase: CharArray) = attempt {
        val created = try {
            Doorstep.enrol(
                dir = container.storeDir,
                serverUrl = serverUrl.trim(),
                code = code.trim(),
                transport = container.transport,
                passphrase = passphrase,
            )
        } finally {
            passphrase.fill('\u0000')
        }
        container.adopt(created)
        enrolled = true
    }
}
