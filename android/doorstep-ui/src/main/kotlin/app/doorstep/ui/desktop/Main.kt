package app.doorstep.ui.desktop

import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.unit.DpSize
import androidx.compose.ui.unit.dp
import androidx.compose.ui.window.Window
import androidx.compose.ui.window.application
import androidx.compose.ui.window.rememberWindowState
import app.doorstep.ui.Words
import app.doorstep.ui.app.AppState
import app.doorstep.ui.app.DoorstepApp
import java.io.File
import java.nio.file.Files

/**
 * The app in a desktop window, phone-sized, over a store in a new temporary directory (or the
 * directory given as the first argument, kept between runs). The same screens as the phone; no
 * sync server and no biometric here.
 */
fun main(args: Array<String>) {
    val dir = args.firstOrNull()?.let(::File) ?: Files.createTempDirectory("doorstep-desktop").toFile().resolve("store")
    println("Doorstep store: ${dir.path}")
    application {
        Window(
            onCloseRequest = ::exitApplication,
            title = Words.APP,
            state = rememberWindowState(size = DpSize(420.dp, 860.dp)),
        ) {
            val scope = rememberCoroutineScope()
            val state = remember { AppState(dir, scope) }
            DoorstepApp(state)
        }
    }
}
