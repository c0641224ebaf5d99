package app.doorstep.ui

import androidx.compose.ui.graphics.Color
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

/**
 * The iOS app's palette (`ios/DoorstepApp/Components/Palette.swift`) cannot be compiled here (no
 * Swift toolchain), so its colours are read from the source and checked like the Android theme:
 * white on every fill, and every text colour on the system backgrounds of its appearance (light:
 * white and grouped grey #F2F2F7; dark: black, #1C1C1E and #2C2C2E), all at least 4.5:1.
 */
class IosPaletteContrastTest {
    private val source = File("../../ios/DoorstepApp/Components/Palette.swift").readText()

    private fun colour(hex: String) = Color(0xFF000000 or hex.toLong(16))

    @Test
    fun `every iOS fill and text colour is at least 4_5 to 1 where it is drawn`() {
        val fills = Regex("""Color\(hex: 0x([0-9A-Fa-f]{6})\)""").findAll(source).map { it.groupValues[1] }.toList()
        val texts = Regex("""Color\(light: 0x([0-9A-Fa-f]{6}), dark: 0x([0-9A-Fa-f]{6})\)""")
            .findAll(source).map { it.groupValues[1] to it.groupValues[2] }.toList()
        assertEquals(3, fills.size, "the three RAG fills")
        assertEquals(3, texts.size, "error, warning and unannounced text")
        val checks = fills.map { "white on #$it" to contrast(Color.White, colour(it)) } +
            texts.flatMap { (light, dark) ->
                listOf("FFFFFF", "F2F2F7").map { bg -> "#$light on #$bg" to contrast(colour(light), colour(bg)) } +
                    listOf("000000", "1C1C1E", "2C2C2E").map { bg -> "#$dark on #$bg" to contrast(colour(dark), colour(bg)) }
            }
        val failing = checks.filter { it.second < 4.5 }
        assertTrue(failing.isEmpty(), failing.joinToString("\n") { (what, r) -> "$what: ${"%.2f".format(r)}:1" })
    }
}
