package app.doorstep.android.security

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import app.doorstep.ffi.KeyProvider
import app.doorstep.ffi.PlatformException
import java.security.GeneralSecurityException
import java.security.KeyStore
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The core's background-sync [KeyProvider]: an AES-256-GCM Android Keystore key under its own
 * alias, usable only while the phone is unlocked (API 28+) and with no user authentication, so
 * WorkManager can open the store for `sync` only (`unlockForBackgroundSync`). On a locked phone
 * the Keystore refuses the key and the core reports `DoorstepException.KeyProvider`.
 *
 * Blob: version (1) ‖ GCM IV (12) ‖ ciphertext ‖ tag (16); the alias is the associated data.
 */
class BackgroundKeystoreKeyProvider(private val alias: String = DEFAULT_ALIAS) : KeyProvider {

    private val keyStore: KeyStore by lazy { KeyStore.getInstance(KEYSTORE).apply { load(null) } }

    /** Whether the Keystore still holds the key (the core's slot is useless without it). */
    fun hasKey(): Boolean = runCatching { keyStore.containsAlias(alias) }.getOrDefault(false)

    /** Called by the core when the slot is set up: a fresh key each time. */
    override fun wrapKey(key: ByteArray): ByteArray = guarded {
        keyStore.deleteEntry(alias)
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, generateKey())
        cipher.updateAAD(alias.toByteArray(Charsets.UTF_8))
        val sealed = cipher.doFinal(key)
        if (cipher.iv.size != IV_BYTES) throw PlatformException.Failed("unexpected IV length")
        byteArrayOf(VERSION) + cipher.iv + sealed
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray {
        if (wrapped.size < 1 + IV_BYTES + TAG_BYTES + 1 || wrapped[0] != VERSION) {
            throw PlatformException.Failed("wrapped key has an unknown format")
        }
        val key = guarded { keyStore.getKey(alias, null) as? SecretKey }
            ?: throw PlatformException.KeyInvalidated("no background key in the Android Keystore")
        val cipher = Cipher.getInstance(TRANSFORMATION)
        return try {
            cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BYTES * 8, wrapped, 1, IV_BYTES))
            cipher.updateAAD(alias.toByteArray(Charsets.UTF_8))
            cipher.doFinal(wrapped, 1 + IV_BYTES, wrapped.size - 1 - IV_BYTES)
        } catch (e: KeyPermanentlyInvalidatedException) {
            // E.g. the screen lock was removed: the next practitioner unlock sets up a new key.
            runCatching { keyStore.deleteEntry(alias) }
            throw PlatformException.KeyInvalidated("background key invalidated")
        } catch (e: AEADBadTagException) {
            throw PlatformException.Failed("wrapped key failed authentication")
        } catch (e: GeneralSecurityException) {
            // Typically the phone is locked (unlocked-device-required): retried later.
            throw PlatformException.KeyUnavailable(e.javaClass.simpleName)
        }
    }

    /** Deletes the key (the store is being wiped, or background sync is switched off). */
    override fun destroyKey() {
        guarded { if (keyStore.containsAlias(alias)) keyStore.deleteEntry(alias) }
    }

    private fun generateKey(): SecretKey {
        val spec = KeyGenParameterSpec.Builder(
            alias,
            KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT,
        )
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            // No setUserAuthenticationRequired: the practitioner is not there during a background sync.
            .apply {
                if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) setUnlockedDeviceRequired(true)
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
        throw PlatformException.KeyUnavailable(e.javaClass.simpleName)
    } catch (e: IllegalStateException) {
        throw PlatformException.KeyUnavailable(e.javaClass.simpleName)
    }

    private companion object {
        const val KEYSTORE = "AndroidKeyStore"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val DEFAULT_ALIAS = "doorstep.store.background"
        const val VERSION: Byte = 1
        const val IV_BYTES = 12
        const val TAG_BYTES = 16
    }
}
