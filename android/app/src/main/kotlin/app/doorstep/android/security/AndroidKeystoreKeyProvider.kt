package app.doorstep.android.security

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import app.doorstep.ffi.KeyProvider
import app.doorstep.ffi.PlatformException
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.util.UUID
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The core's [KeyProvider] on the Android Keystore: an AES-256-GCM key that never leaves the
 * secure hardware, usable only on an unlocked device and only after a strong biometric for each
 * use (through [authenticator], with the cipher as the prompt's CryptoObject). Wraps the store's
 * data key; there is no plaintext or weaker fallback: if the key is unusable, the practitioner
 * unlocks with the passphrase.
 *
 * Blob: version (1) ‖ alias length (1) ‖ alias (UTF-8) ‖ GCM IV (12) ‖ ciphertext ‖ tag (16); the
 * alias is also the GCM associated data. Each enrolment makes a key under a new alias, so a
 * cancelled re-enrolment never loses the key the keyring still uses; older keys are deleted once
 * a newer one has unwrapped successfully.
 *
 * When biometrics change, Android invalidates the key ([KeyPermanentlyInvalidatedException]):
 * the key is deleted and [PlatformException.KeyInvalidated] is thrown; the core reports
 * `DoorstepException.KeyInvalidated`, so the unlock screen asks for the passphrase and then
 * re-enrols through `setKeyProvider`. Whether a key is set up is the core's to say
 * (`unlockOptions()`), not the Keystore's.
 */
class AndroidKeystoreKeyProvider(
    private val authenticator: CipherAuthenticator,
    private val aliasPrefix: String = DEFAULT_PREFIX,
) : KeyProvider {

    private val keyStore: KeyStore by lazy { KeyStore.getInstance(KEYSTORE).apply { load(null) } }

    /** Called by the core at enrolment only (store creation, `setKeyProvider`): a new key each time. */
    override fun wrapKey(key: ByteArray): ByteArray {
        val alias = "$aliasPrefix.${UUID.randomUUID()}"
        val aliasBytes = alias.toByteArray(Charsets.UTF_8)
        val cipher = Cipher.getInstance(TRANSFORMATION)
        guarded { cipher.init(Cipher.ENCRYPT_MODE, generateKey(alias)) }
        val authorised = authenticator.authenticate(cipher)
        val sealed = guarded {
            authorised.updateAAD(aliasBytes)
            authorised.doFinal(key)
        }
        val iv = authorised.iv
        if (iv.size != IV_BYTES) throw PlatformException.Failed("unexpected IV length")
        return byteArrayOf(VERSION, aliasBytes.size.toByte()) + aliasBytes + iv + sealed
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray {
        val blob = Blob.parse(wrapped) ?: throw PlatformException.Failed("wrapped key has an unknown format")
        val key = guarded { keyStore.getKey(blob.alias, null) as? SecretKey } ?: run {
            forgetAll()
            throw PlatformException.KeyInvalidated("no key in the Android Keystore")
        }
        val cipher = Cipher.getInstance(TRANSFORMATION)
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BYTES * 8, blob.iv))
        } catch (e: KeyPermanentlyInvalidatedException) {
            forgetAll()
            throw PlatformException.KeyInvalidated("biometric enrolment changed")
        } catch (e: GeneralSecurityException) {
            throw PlatformException.KeyUnavailable(e.javaClass.simpleName)
        }
        val authorised = authenticator.authenticate(cipher)
        val plain = try {
            authorised.updateAAD(blob.alias.toByteArray(Charsets.UTF_8))
            authorised.doFinal(blob.sealed)
        } catch (e: AEADBadTagException) {
            throw PlatformException.Failed("wrapped key failed authentication")
        } catch (e: GeneralSecurityException) {
            throw PlatformException.KeyUnavailable(e.javaClass.simpleName)
        }
        // This key works: keys from earlier enrolments are no longer needed.
        runCatching { ourAliases().filter { it != blob.alias }.forEach(keyStore::deleteEntry) }
        return plain
    }

    /** Deletes every key this provider made (the store is being wiped). */
    override fun destroyKey() {
        guarded { ourAliases().forEach(keyStore::deleteEntry) }
    }

    /** The keyring's key is gone or dead: every key of ours is useless; re-enrolment makes a new one. */
    private fun forgetAll() {
        runCatching { ourAliases().forEach(keyStore::deleteEntry) }
    }

    private fun ourAliases(): List<String> =
        keyStore.aliases().toList().filter { it.startsWith("$aliasPrefix.") }

    /** In StrongBox where the phone has one, otherwise in the TEE. */
    private fun generateKey(alias: String): SecretKey {
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
            try {
                return generateKey(alias, strongBox = true)
            } catch (e: StrongBoxUnavailableException) {
                // No StrongBox on this phone: the TEE below.
            }
        }
        return generateKey(alias, strongBox = false)
    }

    private fun generateKey(alias: String, strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(
            alias,
            KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT,
        )
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setUserAuthenticationRequired(true)
            .setInvalidatedByBiometricEnrollment(true)
            .apply {
                if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.R) {
                    // Every use needs a strong biometric, bound to this operation (CryptoObject).
                    setUserAuthenticationParameters(0, KeyProperties.AUTH_BIOMETRIC_STRONG)
                } else {
                    @Suppress("DEPRECATION")
                    setUserAuthenticationValidityDurationSeconds(-1)
                }
                if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
                    setUnlockedDeviceRequired(true)
                    setIsStrongBoxBacked(strongBox)
                }
            }
            .build()
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, KEYSTORE)
            .apply { init(spec) }
            .generateKey()
    }

    /** Runs [block]; Keystore failures become [PlatformException.KeyUnavailable] (class name only). */
    private inline fun <T> guarded(block: () -> T): T = try {
        block()
    } catch (e: PlatformException) {
        throw e
    } catch (e: GeneralSecurityException) {
        // The class name only: Keystore messages can carry aliases and provider details.
        throw PlatformException.KeyUnavailable(e.javaClass.simpleName)
    } catch (e: IllegalStateException) {
        // E.g. "at least one biometric must be enrolled" when generating the key.
        throw PlatformException.KeyUnavailable(e.javaClass.simpleName)
    }

    /** A parsed blob. */
    private class Blob(val alias: String, val iv: ByteArray, val sealed: ByteArray) {
        companion object {
            fun parse(bytes: ByteArray): Blob? {
                if (bytes.size < 2 || bytes[0] != VERSION) return null
                val aliasLength = bytes[1].toInt() and 0xFF
                val ivStart = 2 + aliasLength
                val sealedStart = ivStart + IV_BYTES
                if (aliasLength == 0 || bytes.size < sealedStart + TAG_BYTES + 1) return null
                return Blob(
                    alias = String(bytes, 2, aliasLength, Charsets.UTF_8),
                    iv = bytes.copyOfRange(ivStart, sealedStart),
                    sealed = bytes.copyOfRange(sealedStart, bytes.size),
                )
            }
        }
    }

    private companion object {
        const val KEYSTORE = "AndroidKeyStore"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val DEFAULT_PREFIX = "doorstep.store.kek"
        const val VERSION: Byte = 1
        const val IV_BYTES = 12
        const val TAG_BYTES = 16
    }
}
