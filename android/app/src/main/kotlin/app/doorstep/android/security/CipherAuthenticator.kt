package app.doorstep.android.security

import javax.crypto.Cipher

/**
 * Unlocks one use of an initialised [Cipher] whose Keystore key requires the user's biometric
 * for every use. Called on the core's thread (never the main thread); blocks until the user has
 * answered. Throws [app.doorstep.ffi.PlatformException.KeyUnavailable] if they cancel.
 */
fun interface CipherAuthenticator {
    /** Returns the cipher, now authorised for one operation. */
    fun authenticate(cipher: Cipher): Cipher
}
