package app.doorstep.ui.theme

import androidx.compose.material3.ColorScheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.material3.LocalMinimumInteractiveComponentSize
import androidx.compose.ui.unit.dp
import androidx.compose.ui.graphics.Color
import app.doorstep.ffi.Rag

/**
 * A colour for text (or an icon) and the colour behind it. Every pair the screens draw is listed
 * in [Palette.pairs], and a test checks each against WCAG 2.x AA for text (4.5:1).
 */
data class ColourPair(val name: String, val foreground: Color, val background: Color)

/**
 * Red, amber and green as the RAG rating, the alerts and the lone-working banner use them: fixed
 * (never the wallpaper's colours) and dark enough for white text. Amber text on white would be
 * ~2.2:1 at the usual amber, so amber is drawn as a dark amber fill with white text, and as text
 * on a light background only in [AmberText].
 */
object RagColors {
    /** Red fill (white text on it: 6.5:1). */
    val Red = Color(0xFFB3261E)

    /** Amber fill: a dark amber (white text on it: 5.6:1). */
    val Amber = Color(0xFF8A4B00)

    /** Green fill (white text on it: 5.1:1). */
    val Green = Color(0xFF2E7D32)

    /** Text on a RAG fill. */
    val OnRag = Color.White

    /** Amber-coloured text on the light background (warnings to reflect on). */
    val AmberText = Color(0xFF7A4100)

    /** The fill for a rating. */
    fun fill(rag: Rag): Color = when (rag) {
        Rag.RED -> Red
        Rag.AMBER -> Amber
        Rag.GREEN -> Green
    }
}

/** The light and dark Material colour schemes (no dynamic colour: red always means red). */
object Palette {
    /** Light scheme. */
    val light: ColorScheme = lightColorScheme(
        primary = Color(0xFF2F5E8C),
        onPrimary = Color.White,
        secondary = Color(0xFF4E5C6A),
        onSecondary = Color.White,
        tertiary = Color(0xFF7A4100),
        onTertiary = Color.White,
        error = RagColors.Red,
        onError = Color.White,
        background = Color(0xFFFDFCFF),
        onBackground = Color(0xFF1A1C1E),
        surface = Color(0xFFFDFCFF),
        onSurface = Color(0xFF1A1C1E),
        surfaceVariant = Color(0xFFE3E6EB),
        onSurfaceVariant = Color(0xFF42474E),
        surfaceContainerHighest = Color(0xFFE2E2E6),
        surfaceContainerHigh = Color(0xFFE8E8EC),
        surfaceContainer = Color(0xFFEEEEF2),
        surfaceContainerLow = Color(0xFFF3F3F7),
        surfaceContainerLowest = Color.White,
        outline = Color(0xFF6F757D),
        secondaryContainer = Color(0xFFD1E0F0),
        onSecondaryContainer = Color(0xFF0B1D2E),
        primaryContainer = Color(0xFFD1E4FF),
        onPrimaryContainer = Color(0xFF001D36),
        errorContainer = Color(0xFFFFDAD6),
        onErrorContainer = Color(0xFF410002),
    )

    /** Dark scheme. */
    val dark: ColorScheme = darkColorScheme(
        primary = Color(0xFF9FCAFF),
        onPrimary = Color(0xFF003258),
        tertiary = Color(0xFFFFB870),
        onTertiary = Color(0xFF4A2800),
        error = Color(0xFFFFB4AB),
        onError = Color(0xFF690005),
        background = Color(0xFF1A1C1E),
        onBackground = Color(0xFFE2E2E6),
        surface = Color(0xFF1A1C1E),
        onSurface = Color(0xFFE2E2E6),
        surfaceVariant = Color(0xFF42474E),
        onSurfaceVariant = Color(0xFFC2C7CF),
        surfaceContainerHighest = Color(0xFF333537),
        surfaceContainerHigh = Color(0xFF282A2D),
        surfaceContainer = Color(0xFF1E2022),
        surfaceContainerLow = Color(0xFF1A1C1E),
        surfaceContainerLowest = Color(0xFF0F1113),
        secondaryContainer = Color(0xFF3A4857),
        onSecondaryContainer = Color(0xFFD1E0F0),
        primaryContainer = Color(0xFF00497D),
        onPrimaryContainer = Color(0xFFD1E4FF),
    )

    /** Every text colour on every background the screens use, in both schemes. */
    val pairs: List<ColourPair> = buildList {
        for ((scheme, s) in listOf("light" to light, "dark" to dark)) {
            for ((bgName, bg) in listOf(
                "surface" to s.surface,
                "background" to s.background,
                "surfaceContainerLow" to s.surfaceContainerLow,
                "surfaceContainerHighest" to s.surfaceContainerHighest,
                "surfaceContainerHigh" to s.surfaceContainerHigh,
                "surfaceContainer" to s.surfaceContainer,
                "surfaceVariant" to s.surfaceVariant,
            )) {
                add(ColourPair("$scheme onSurface on $bgName", s.onSurface, bg))
                add(ColourPair("$scheme onSurfaceVariant on $bgName", s.onSurfaceVariant, bg))
                add(ColourPair("$scheme primary on $bgName", s.primary, bg))
                add(ColourPair("$scheme error on $bgName", s.error, bg))
                add(ColourPair("$scheme tertiary on $bgName", s.tertiary, bg))
            }
            add(ColourPair("$scheme onPrimary on primary", s.onPrimary, s.primary))
            add(ColourPair("$scheme onError on error", s.onError, s.error))
            add(ColourPair("$scheme onTertiary on tertiary", s.onTertiary, s.tertiary))
            add(ColourPair("$scheme onSecondaryContainer on secondaryContainer", s.onSecondaryContainer, s.secondaryContainer))
            add(ColourPair("$scheme onPrimaryContainer on primaryContainer", s.onPrimaryContainer, s.primaryContainer))
            add(ColourPair("$scheme onBackground on background", s.onBackground, s.background))
        }
        for (rag in Rag.entries) {
            add(ColourPair("white on ${rag.name} fill", RagColors.OnRag, RagColors.fill(rag)))
        }
        add(ColourPair("amber text on light surface", RagColors.AmberText, light.surface))
        add(ColourPair("amber text on light card", RagColors.AmberText, light.surfaceContainerHighest))
    }
}

/**
 * Material 3 with the fixed [Palette]. [dark] defaults to light: the desktop has no system
 * setting to follow here, and the Android app passes `isSystemInDarkTheme()`.
 */
@Composable
fun DoorstepTheme(dark: Boolean = false, content: @Composable () -> Unit) {
    MaterialTheme(colorScheme = if (dark) Palette.dark else Palette.light) {
        // Touch-sized targets everywhere (the desktop's default is smaller: it assumes a mouse).
        CompositionLocalProvider(LocalMinimumInteractiveComponentSize provides 48.dp, content = content)
    }
}
