package app.doorstep.kotlin

import java.io.ByteArrayOutputStream
import java.io.File
import java.io.PrintStream
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.jetbrains.kotlin.cli.common.ExitCode
import org.jetbrains.kotlin.cli.jvm.K2JVMCompiler
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The compile-level check that ids are distinct types, made for real: the Kotlin compiler is run
 * on small callers of this module's API (the classes just built). A caller passing a visit id
 * where a visit id is expected compiles; the same caller passing a case id, a person id or a bare
 * `String` there does not.
 */
class IdsCompileTest {
    @TempDir
    lateinit var tmp: File

    /** Compiles [body] (inside a suspend function over a `Doorstep` `d`); the exit code and messages. */
    private fun compile(name: String, body: String): Pair<ExitCode, String> {
        val source = File(tmp, "$name.kt")
        source.writeText(
            """
            import app.doorstep.ffi.*
            import app.doorstep.kotlin.Doorstep

            suspend fun caller(d: Doorstep, visit: VisitId, case: CaseId, person: PersonId, text: String) {
                $body
            }
            """.trimIndent(),
        )
        val messages = ByteArrayOutputStream()
        val code = K2JVMCompiler().exec(
            PrintStream(messages),
            source.path,
            "-classpath", System.getProperty("surefire.test.class.path") ?: System.getProperty("java.class.path"),
            "-d", File(tmp, "$name-out").path,
            "-no-stdlib", "-no-reflect", "-nowarn",
            "-jvm-target", "17",
        )
        return code to messages.toString()
    }

    @Test
    fun `a visit id goes where a visit id is expected and nothing else does`() {
        val (ok, okMessages) = compile("right", "d.checkIn(visit); d.child(case); d.visitForm(visit)")
        assertEquals(ExitCode.OK, ok, okMessages)
        val wrong = listOf(
            "d.checkIn(case)", // a case id for a visit id
            "d.child(visit)", // a visit id for a case id
            "d.checkOut(person)", // a person id for a visit id
            "d.checkIn(text)", // a String for a visit id
            "val s: String = visit", // an id is not a String
        )
        val (code, messages) = compile("wrong", wrong.joinToString("\n"))
        assertEquals(ExitCode.COMPILATION_ERROR, code, messages)
        // Each wrong line (lines 5 to 9 of the file) is refused on its own.
        wrong.indices.forEach { i ->
            assertTrue(Regex("wrong\\.kt:${5 + i}:\\d+: error: .*mismatch").containsMatchIn(messages), "line ${5 + i} (${wrong[i]}): $messages")
        }
    }
}
