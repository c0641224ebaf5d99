package app.doorstep.ui.desktop

import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.unit.DpSize
import androidx.compose.ui.unit.dp
import androidx.compose.ui.window.Window
import androidx.compose.ui.window.application
import androidx.compose.ui.window.rememberWindowState
import app.doorstep.kotlin.jvm.JdkHttpTransport
import app.doorstep.ui.Words
import app.doorstep.ui.app.AppState
import app.doorstep.ui.app.DoorstepApp
import app.doorstep.ui.app.Platform
import java.io.File
import java.nio.file.Files

/**
 * The app in a desktop window, phone-sized, over a store in a new temporary directory (or the
 * directory given as an argument, kept between runs). The same screens as the phone. With
 * `--server`, first run enrols with a sync server (its address and a one-time code, as on the
 * phone) and Sync talks to it over the JDK's HTTP client; without, the store stays on this
 * computer. No biometric here. A family's copy is written as a PDF next to the store
 * (`family-copies/`), where the phone opens the print dialog.
 */
fun main(args: Array<String>) {
    val server = "--server" in args
    val dir = args.firstOrNull { it != "--server" }?.let(::File)
        ?: Files.createTempDirectory("doorstep-desktop").toFile().resolve("store")
    val copies = dir.absoluteFile.resolveSibling("family-copies")
    val platform = Platform(transport = if (server) JdkHttpTransport() else null, familyCopyDir = copies)
    println("Doorstep store: ${dir.path}")
    println("Family copies are written to: ${copies.path}")
    application {
        Window(
            onCloseRequest = ::exitApplication,
            title = Words.APP,
            state = rememberWindowState(size = DpSize(420.dp, 860.dp)),
        ) {
            val scope = rememberCoroutineScope()
            val state = remember { AppState(dir, scope, platform) }
            DoorstepApp(state)
        }
    }
}
