package app.doorstep.android.ui.theme

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color

/** Red, amber and green as the RAG rating and the alerts use them (not the wallpaper's colours). */
object RagColors {
    val Red = Color(0xFFB3261E)
    val Amber = Color(0xFFB86E00)
    val Green = Color(0xFF2E7D32)
    val OnRag = Color.White
}

/**
 * Material 3 with fixed colours: no dynamic colour, so red always means red whatever the
 * practitioner's wallpaper.
 */
@Composable
fun DoorstepTheme(content: @Composable () -> Unit) {
    val colors = if (isSystemInDarkTheme()) {
        darkColorScheme(error = Color(0xFFFFB4AB))
    } else {
        lightColorScheme(error = RagColors.Red)
    }
    MaterialTheme(colorScheme = colors, content = content)
}
