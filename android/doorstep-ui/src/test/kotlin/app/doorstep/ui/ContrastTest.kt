package app.doorstep.ui

import androidx.compose.ui.graphics.Color
import app.doorstep.ui.theme.Palette
import app.doorstep.ui.theme.RagColors
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

/** WCAG 2.x contrast over every text colour pair the theme declares (AA for text: 4.5:1). */
class ContrastTest {
    private fun ratio(a: Color, b: Color): Double = contrast(a, b)

    @Test
    fun `the formula agrees with WCAG's own examples`() {
        assertEquals(21.0, ratio(Color.Black, Color.White), 0.01)
        assertEquals(1.0, ratio(Color.White, Color.White), 0.01)
        // #777777 on white is the classic "just fails" grey: 4.48:1.
        assertEquals(4.48, ratio(Color(0xFF777777), Color.White), 0.01)
    }

    @Test
    fun `the old amber failed, which is why the palette changed`() {
        // The Android app's amber (0xFFB86E00) with white text was about 3:1; amber text on white too.
        assertTrue(ratio(Color(0xFFB86E00), Color.White) < 4.5)
    }

    @Test
    fun `every text colour pair in the theme is at least 4_5 to 1`() {
        val failing = Palette.pairs.map { it to ratio(it.foreground, it.background) }.filter { it.second < 4.5 }
        assertTrue(failing.isEmpty(), failing.joinToString("\n") { (p, r) -> "${p.name}: ${"%.2f".format(r)}:1" })
        assertTrue(Palette.pairs.size >= 80, "pairs checked: ${Palette.pairs.size}")
    }

    @Test
    fun `every text colour pair of the dark theme is at least 4_5 to 1`() {
        val dark = Palette.pairs.filter { it.name.startsWith("dark ") }
        // Five text colours on seven backgrounds, and the six filled pairs.
        assertEquals(41, dark.size, dark.joinToString("\n") { it.name })
        val failing = dark.map { it to ratio(it.foreground, it.background) }.filter { it.second < 4.5 }
        assertTrue(failing.isEmpty(), failing.joinToString("\n") { (p, r) -> "${p.name}: ${"%.2f".format(r)}:1" })
        // The dark theme keeps the RAG fills (red always means red): white on them passes too.
        assertTrue(Palette.pairs.filter { it.name.startsWith("white on") }.all { ratio(it.foreground, it.background) >= 4.5 })
    }

    @Test
    fun `white on each RAG fill passes`() {
        listOf(RagColors.Red, RagColors.Amber, RagColors.Green).forEach {
            assertTrue(ratio(RagColors.OnRag, it) >= 4.5, "white on $it: ${ratio(RagColors.OnRag, it)}")
        }
    }
}
