package app.doorstep.android.ui.unlock

import android.content.Context
import androidx.biometric.BiometricManager
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.doorstep.android.AppContainer
import app.doorstep.android.ui.common.DoorstepViewModel
import app.doorstep.ffi.DoorstepException
import app.doorstep.kotlin.userMessage

/**
 * Unlock with the passphrase or with the biometric-bound Keystore key, as the core's
 * `unlockOptions()` allows. On `KeyInvalidated` (biometrics changed) the core's message is shown,
 * the passphrase unlocks and the screen offers a new key; nothing weaker is ever offered.
 */
class UnlockViewModel(container: AppContainer, context: Context) : DoorstepViewModel(container) {

    private val canUseBiometric =
        BiometricManager.from(context).canAuthenticate(BIOMETRIC_STRONG) == BiometricManager.BIOMETRIC_SUCCESS

    /** The core has a key-provider slot (and the phone a strong biometric): offer the button. */
    var biometricOffered by mutableStateOf(false)
        private set

    /** The core has a passphrase slot: offer the field. */
    var passphraseOffered by mutableStateOf(true)
        private set

    /** After a passphrase unlock: offer to set up (or set up again) biometric unlock. */
    var offerEnrolment by mutableStateOf(false)
        private set

    /** The store is open: leave this screen. */
    var unlocked by mutableStateOf(false)
        private set

    /** Set by the core's `KeyInvalidated`: the key slot is dead until set up again. */
    private var keyInvalidated = false

    init {
        call { doorstep ->
            val options = doorstep.unlockOptions()
            passphraseOffered = options.passphrase
            biometricOffered = canUseBiometric && options.keyProvider
        }
    }

    /** Unlocks with the passphrase (slow on purpose: the core derives the key off the main thread). */
    fun unlockWithPassphrase(passphrase: CharArray) = call { doorstep ->
        try {
            doorstep.unlock(passphrase)
        } finally {
            passphrase.fill('\u0000')
        }
        container.onUnlocked()
        val hasKey = doorstep.unlockOptions().keyProvider
        if (canUseBiometric && (!hasKey || keyInvalidated)) {
            offerEnrolment = true
        } else {
            unlocked = true
        }
    }

    /** Unlocks with the Keystore key (the system biometric prompt appears). */
    fun unlockWithBiometric() = call { doorstep ->
        try {
            doorstep.unlock(container.keyProvider())
            container.onUnlocked()
            unlocked = true
        } catch (e: DoorstepException.KeyInvalidated) {
            keyInvalidated = true
            biometricOffered = false
            error = e.userMessage
        }
    }

    /** Wraps the data key with a fresh Keystore key (the biometric prompt appears once). */
    fun enrolBiometric() = call { doorstep ->
        try {
            doorstep.setKeyProvider(container.keyProvider())
            keyInvalidated = false
        } finally {
            offerEnrolment = false
            unlocked = true
        }
    }

    /** Keeps the passphrase only. */
    fun skipEnrolment() {
        offerEnrolment = false
        unlocked = true
    }
}
