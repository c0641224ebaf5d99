package app.doorstep.android.security

import android.os.Looper
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import androidx.biometric.BiometricPrompt
import androidx.core.content.ContextCompat
import app.doorstep.ffi.PlatformException
import javax.crypto.Cipher
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout

/**
 * Shows the system BiometricPrompt over the foreground activity with the cipher as its
 * CryptoObject, and blocks the calling (core) thread until the user answers. The passphrase is
 * the alternative ("negative") button: there is no device-PIN fallback for this key.
 */
class BiometricCipherAuthenticator(
    private val title: String,
    private val subtitle: String,
    private val usePassphrase: String,
) : CipherAuthenticator {

    override fun authenticate(cipher: Cipher): Cipher {
        if (Looper.myLooper() == Looper.getMainLooper()) {
            // Blocking the main thread here would deadlock the prompt.
            throw PlatformException.Failed("key provider called on the main thread")
        }
        return try {
            runBlocking {
                withTimeout(TIMEOUT_MILLIS) {
                    withContext(Dispatchers.Main) { prompt(cipher) }
                }
            }
        } catch (e: TimeoutCancellationException) {
            throw PlatformException.KeyUnavailable("biometric prompt timed out")
        }
    }

    private suspend fun prompt(cipher: Cipher): Cipher = suspendCancellableCoroutine { cont ->
        val activity = ForegroundActivity.current()
        if (activity == null) {
            cont.resumeWithException(PlatformException.KeyUnavailable("app is not in the foreground"))
            return@suspendCancellableCoroutine
        }
        val callback = object : BiometricPrompt.AuthenticationCallback() {
            override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) {
                val authorised = result.cryptoObject?.cipher
                if (authorised != null) {
                    cont.resume(authorised)
                } else {
                    cont.resumeWithException(PlatformException.Failed("no cipher after authentication"))
                }
            }

            override fun onAuthenticationError(errorCode: Int, errString: CharSequence) {
                // The code only; cancelled, locked out, no biometrics enrolled, ...
                cont.resumeWithException(PlatformException.KeyUnavailable("biometric error $errorCode"))
            }
            // onAuthenticationFailed: one unrecognised attempt; the prompt stays up.
        }
        val prompt = BiometricPrompt(activity, ContextCompat.getMainExecutor(activity), callback)
        val info = BiometricPrompt.PromptInfo.Builder()
            .setTitle(title)
            .setSubtitle(subtitle)
            .setNegativeButtonText(usePassphrase)
            .setAllowedAuthenticators(BIOMETRIC_STRONG)
            .setConfirmationRequired(false)
            .build()
        prompt.authenticate(info, BiometricPrompt.CryptoObject(cipher))
        cont.invokeOnCancellation { prompt.cancelAuthentication() }
    }

    private companion object {
        const val TIMEOUT_MILLIS = 120_000L
    }
}
