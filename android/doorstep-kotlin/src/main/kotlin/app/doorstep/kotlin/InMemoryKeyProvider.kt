package app.doorstep.kotlin

import app.doorstep.ffi.KeyProvider
import app.doorstep.ffi.PlatformException
import java.security.GeneralSecurityException
import java.security.SecureRandom
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

/**
 * A [KeyProvider] for tests and desktop development: AES-256-GCM under a random key that lives
 * only in this object's memory (the Android app uses the Keystore instead). A blob is
 * `nonce (12 bytes) || ciphertext || tag`; an altered blob fails to unwrap. Once [destroyKey] has run,
 * every call fails with [PlatformException.KeyInvalidated], as a deleted Keystore key would.
 */
class InMemoryKeyProvider(random: SecureRandom = SecureRandom()) : KeyProvider {
    private val rng = random
    private val key = ByteArray(KEY_BYTES).also(rng::nextBytes)

    @Volatile
    private var destroyed = false

    override fun wrapKey(key: ByteArray): ByteArray {
        val nonce = ByteArray(NONCE_BYTES).also(rng::nextBytes)
        val sealed = cipher(Cipher.ENCRYPT_MODE, nonce).doFinal(key)
        return nonce + sealed
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray {
        if (wrapped.size < NONCE_BYTES + TAG_BYTES) {
            throw PlatformException.Failed("wrapped key is too short")
        }
        val nonce = wrapped.copyOfRange(0, NONCE_BYTES)
        return try {
            cipher(Cipher.DECRYPT_MODE, nonce).doFinal(wrapped, NONCE_BYTES, wrapped.size - NONCE_BYTES)
        } catch (_: AEADBadTagException) {
            throw PlatformException.KeyInvalidated("wrapped key does not authenticate")
        } catch (_: GeneralSecurityException) {
            throw PlatformException.Failed("wrapped key could not be decrypted")
        }
    }

    override fun destroyKey() {
        destroyed = true
        key.fill(0)
    }

    private fun cipher(mode: Int, nonce: ByteArray): Cipher {
        if (destroyed) throw PlatformException.KeyInvalidated("key was destroyed")
        return Cipher.getInstance("AES/GCM/NoPadding").apply {
            init(mode, SecretKeySpec(key, "AES"), GCMParameterSpec(TAG_BYTES * 8, nonce))
        }
    }

    private companion object {
        const val KEY_BYTES = 32
        const val NONCE_BYTES = 12
        const val TAG_BYTES = 16
    }
}
