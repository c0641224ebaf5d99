package app.doorstep.kotlin

import app.doorstep.ffi.CaseId
import app.doorstep.ffi.DoorstepException
import app.doorstep.ffi.KeyProvider
import app.doorstep.ffi.PlatformException
import app.doorstep.kotlin.Fixtures.family
import com.sun.jna.Native
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** Locking, unlocking, failing platform code and bad input, as Kotlin errors with stable codes. */
class KeysAndErrorsTest {
    @TempDir
    lateinit var tmp: File

    private val passphrase = "correct horse battery staple"

    private fun TestScope.io() = StandardTestDispatcher(testScheduler)

    @Test
    fun `a locked store refuses calls until unlocked with its key provider`() = runTest {
        val keys = InMemoryKeyProvider()
        val dir = File(tmp, "store")
        Doorstep.create(dir, Fixtures.practitioner, keyProvider = keys, io = io()).use { d ->
            val f = d.family()
            d.lock()
            assertTrue(d.isLocked())
            val e = assertFailsWith<DoorstepException.Locked> { d.caseload() }
            assertEquals("Locked", e.code)
            assertFailsWith<DoorstepException.Locked> { d.addNote(f.case, "written while locked") }

            d.unlock(keys)
            assertFalse(d.isLocked())
            assertEquals(f.case, d.caseload().single().caseId)
        }
        // Reopened from disk: locked, and only this provider's key unwraps it.
        Doorstep.open(dir, io = io()).use { d ->
            assertTrue(d.isLocked())
            // Another key does not authenticate the blob: the provider reports it invalidated.
            val other = assertFailsWith<DoorstepException.KeyInvalidated> { d.unlock(InMemoryKeyProvider()) }
            assertEquals("KeyInvalidated", other.code)
            assertTrue(d.isLocked())
            d.unlock(keys)
            assertEquals(1, d.caseload().size)
        }
    }

    @Test
    fun `a wrong passphrase is refused and the right one unlocks`() = runTest {
        val dir = File(tmp, "store")
        Doorstep.create(dir, Fixtures.practitioner, passphrase = passphrase.toCharArray(), io = io()).use { d ->
            d.family()
            d.lock()
            val e = assertFailsWith<DoorstepException.WrongPassphrase> { d.unlock("not the passphrase at all".toCharArray()) }
            assertEquals("WrongPassphrase", e.code)
            assertFalse(e.userMessage.contains("not the passphrase"))
            assertTrue(d.isLocked())
            d.unlock(passphrase.toCharArray())
            assertEquals(1, d.caseload().size)
        }
        Doorstep.open(dir, io = io()).use { d ->
            assertFailsWith<DoorstepException.UnlockMethodNotSet> { d.unlock(InMemoryKeyProvider()) }
            d.unlock(passphrase.toCharArray())
            assertEquals(1, d.caseload().size)
        }
    }

    @Test
    fun `a key provider that throws an undeclared exception gives an error, not a crash`() = runTest {
        val keys = InMemoryKeyProvider()
        Doorstep.create(File(tmp, "store"), Fixtures.practitioner, keyProvider = keys, io = io()).use { d ->
            d.lock()
            val throwing = object : KeyProvider by keys {
                override fun unwrapKey(wrapped: ByteArray): ByteArray =
                    throw IllegalStateException("secret detail that must not leak")
            }
            val e = assertFailsWith<DoorstepException> { d.unlock(throwing) }
            assertEquals("KeyProvider", e.code)
            assertFalse(e.userMessage.contains("secret detail"))
            assertTrue(d.isLocked())

            val declared = object : KeyProvider by keys {
                override fun unwrapKey(wrapped: ByteArray): ByteArray =
                    throw PlatformException.KeyUnavailable("user cancelled")
            }
            val e2 = assertFailsWith<DoorstepException> { d.unlock(declared) }
            assertEquals("KeyProvider", e2.code)

            d.unlock(keys)
            assertFalse(d.isLocked())
        }
    }

    @Test
    fun `a key provider that throws an Error (TODO) gives an error, not a crash or an unlock`() = runTest {
        val keys = InMemoryKeyProvider()
        Doorstep.create(File(tmp, "store"), Fixtures.practitioner, keyProvider = keys, io = io()).use { d ->
            d.lock()
            val unfinished = object : KeyProvider by keys {
                override fun unwrapKey(wrapped: ByteArray): ByteArray = TODO("not written yet")
            }
            // Not caught by the generated code (it catches Exception): JNA's handler gets it (its
            // default logs the message and stack trace), and the core sees an unexpected
            // platform failure.
            val escaped = mutableListOf<String>()
            val previous = Native.getCallbackExceptionHandler()
            Native.setCallbackExceptionHandler { _, t -> escaped += t.javaClass.simpleName }
            val e = try {
                assertFailsWith<DoorstepException> { d.unlock(unfinished) }
            } finally {
                Native.setCallbackExceptionHandler(previous)
            }
            assertEquals(listOf("NotImplementedError"), escaped)
            assertEquals("KeyProvider", e.code)
            assertFalse(e.userMessage.contains("not written yet"))
            assertTrue(d.isLocked())
        }
    }

    @Test
    fun `a key provider that cannot wrap stops the store being created`() = runTest {
        val failing = object : KeyProvider by InMemoryKeyProvider() {
            override fun wrapKey(key: ByteArray): ByteArray = throw RuntimeException("keystore broke")
        }
        val e = assertFailsWith<DoorstepException> {
            Doorstep.create(File(tmp, "store"), Fixtures.practitioner, keyProvider = failing, io = io())
        }
        assertEquals("KeyProvider", e.code)
    }

    @Test
    fun `bad input is refused as InvalidInput without echoing it`() = runTest {
        Doorstep.create(File(tmp, "store"), Fixtures.practitioner, keyProvider = InMemoryKeyProvider(), io = io()).use { d ->
            val f = d.family()
            val badId = assertFailsWith<DoorstepException.InvalidInput> { d.addNote(CaseId("not-a-case-id"), "text") }
            assertEquals("InvalidInput", badId.code)
            assertFalse(badId.userMessage.contains("not-a-case-id"))
            assertFailsWith<DoorstepException.InvalidInput> { d.child(CaseId("42")) }

            val long = "x".repeat(60_000)
            val tooLong = assertFailsWith<DoorstepException.InvalidInput> { d.addNote(f.case, long) }
            assertFalse(tooLong.userMessage.contains("xxxxxxxxxx"))
            assertTrue(d.notes(f.case).isEmpty(), "nothing saved")

            val unknown = assertFailsWith<DoorstepException> { d.child(CaseId(java.util.UUID.randomUUID().toString())) }
            assertEquals("NotFound", unknown.code)
        }
    }

    @Test
    fun `a store cannot be created twice in one directory`() = runTest {
        val dir = File(tmp, "store")
        Doorstep.create(dir, Fixtures.practitioner, passphrase = passphrase.toCharArray(), io = io()).close()
        val e = assertFailsWith<DoorstepException.AlreadyExists> {
            Doorstep.create(dir, Fixtures.practitioner, passphrase = passphrase.toCharArray(), io = io())
        }
        assertEquals("AlreadyExists", e.code)
    }

    @Test
    fun `wiping erases the store and deletes the platform key`() = runTest {
        val keys = InMemoryKeyProvider()
        val dir = File(tmp, "store")
        val d = Doorstep.create(dir, Fixtures.practitioner, keyProvider = keys, io = io())
        val key = keys.wrapKey(ByteArray(32))
        d.family()
        d.wipe()
        assertFalse(Doorstep.exists(dir))
        assertEquals("NoStore", assertFailsWith<DoorstepException> { d.caseload() }.code)
        // The core called KeyProvider.destroy (destroyKey in Kotlin): the key is gone.
        assertFailsWith<PlatformException.KeyInvalidated> { keys.unwrapKey(key) }
        d.close()
    }
}
