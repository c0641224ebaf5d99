package app.doorstep.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.graphics.toAwtImage
import androidx.compose.ui.semantics.SemanticsActions
import androidx.compose.ui.semantics.SemanticsNode
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.text.TextLayoutResult
import androidx.compose.ui.unit.Density
import app.doorstep.ui.app.AppState
import app.doorstep.ui.app.DoorstepApp
import app.doorstep.ui.app.Platform
import java.io.File
import javax.imageio.ImageIO
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.test.assertTrue
import kotlin.test.fail

/** A phone-sized screen: 412 × 892 dp at 2 px per dp (a common Android phone). */
const val WIDTH_DP = 412
const val HEIGHT_DP = 892
const val PX_PER_DP = 2f

/** How long a core call may take before a test gives up (PBKDF2 with both cores busy). */
const val CORE_TIMEOUT_MS = 60_000L

/** Where the screenshots go (target/screenshots under the module). */
val screenshotDir: File = File(System.getProperty("doorstep.screenshots") ?: "target/screenshots").also { it.mkdirs() }

/**
 * Runs [block] against a headless phone-sized Compose scene at [fontScale] (1 or 2: Android's
 * largest font setting is 2×). The screens are the real ones over [AppState] and the real core.
 */
@OptIn(ExperimentalTestApi::class)
fun phone(fontScale: Float, block: SkikoComposeUiTest.() -> Unit) {
    SkikoComposeUiTest(
        width = (WIDTH_DP * PX_PER_DP).toInt(),
        height = (HEIGHT_DP * PX_PER_DP).toInt(),
        effectContext = EmptyCoroutineContext,
        density = Density(PX_PER_DP, fontScale),
    ).runTest(block)
}

/** Shows the app over a store in [dir] (in the dark theme if [dark]) and returns its state. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.app(dir: File, dark: Boolean = false, platform: Platform = Platform()): AppState {
    var state: AppState? = null
    setContent {
        val scope = rememberCoroutineScope()
        val s = remember { AppState(dir, scope, platform) }
        state = s
        DoorstepApp(s, dark)
    }
    waitForIdle()
    return state ?: fail("the app did not compose")
}

/** Shows one composable (a screen with fixed state). */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.screen(content: @Composable () -> Unit) {
    setContent { app.doorstep.ui.theme.DoorstepTheme { content() } }
    waitForIdle()
}

/** Waits until [matcher] matches at least one node (the core's answer arrived). */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.await(matcher: SemanticsMatcher) {
    waitUntil("${matcher.description} to appear", CORE_TIMEOUT_MS) {
        onAllNodes(matcher).fetchSemanticsNodes().isNotEmpty()
    }
}

/** Waits until no core call runs. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.settle(state: AppState) {
    waitUntil("the core call to finish", CORE_TIMEOUT_MS) { !state.busy }
    waitForIdle()
}

/**
 * Writes a PNG of the screen as it is now, named [name] (with `-font2x` at double font scale and
 * `-dark` in the dark theme),
 * after checking what can be checked of it: every tappable thing is at least 48 × 48 dp, and no
 * text is cut off (Compose reports visual overflow: ellipsis, a line limit, a clipped box).
 */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.shoot(name: String, fontScale: Float, dark: Boolean = false) {
    waitForIdle()
    val suffix = (if (fontScale == 1f) "" else "-font2x") + (if (dark) "-dark" else "")
    val file = File(screenshotDir, "$name$suffix.png")
    val image = captureToImage().toAwtImage()
    ImageIO.write(image, "png", file)
    assertTargets(name)
    assertNoClippedText(name)
}

/**
 * Whether a laid-out text does not fit its box: a line ellipsized, a line wider than the box, or
 * the lines taller than it. (Compose's own `hasVisualOverflow` compares with the widest allowed
 * width for text drawn narrower than that, so it is not used.)
 */
private fun cutOff(r: TextLayoutResult): Boolean {
    val width = r.size.width + 1f
    val lines = (0 until r.lineCount)
    return lines.any { r.isLineEllipsized(it) || r.getLineRight(it) - r.getLineLeft(it) > width } ||
        r.multiParagraph.height > r.size.height + 1f
}

/**
 * Every node with a click action is at least 48 dp each way: its layout's size, which includes
 * the touch area Material adds around a smaller control (`minimumInteractiveComponentSize`).
 */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.assertTargets(where: String) {
    val small = onAllNodes(hasClickAction()).fetchSemanticsNodes().filter { node ->
        val w = maxOf(node.size.width, node.layoutInfo.width) / PX_PER_DP
        val h = maxOf(node.size.height, node.layoutInfo.height) / PX_PER_DP
        w < 47.5f || h < 47.5f
    }
    assertTrue(small.isEmpty(), "$where: touch targets under 48 dp: ${small.map { describe(it) }}")
    // Every tappable thing says what it is to a screen reader (its text or a content description).
    val unlabelled = onAllNodes(hasClickAction()).fetchSemanticsNodes().filter { node ->
        val texts = node.config.getOrNull(SemanticsProperties.Text).orEmpty().map { it.text } +
            node.config.getOrNull(SemanticsProperties.ContentDescription).orEmpty() +
            node.config.getOrNull(SemanticsProperties.EditableText)?.let { listOf(it.text) }.orEmpty()
        texts.none { it.isNotBlank() } && SemanticsProperties.EditableText !in node.config
    }
    assertTrue(unlabelled.isEmpty(), "$where: tappable things without a label: ${unlabelled.map { describe(it) }}")
}

/** No text node reports visual overflow. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.assertNoClippedText(where: String) {
    val hasLayout = SemanticsMatcher("has text layout") { SemanticsActions.GetTextLayoutResult in it.config }
    val clipped = onAllNodes(hasLayout, useUnmergedTree = true).fetchSemanticsNodes().filter { node ->
        val results = mutableListOf<TextLayoutResult>()
        node.config.getOrNull(SemanticsActions.GetTextLayoutResult)?.action?.invoke(results)
        results.any(::cutOff)
    }
    assertTrue(clipped.isEmpty(), "$where: text cut off: ${clipped.map { describe(it) }}")
}

private fun describe(node: SemanticsNode): String {
    val text = node.config.getOrNull(SemanticsProperties.Text)?.joinToString { it.text }
        ?: node.config.getOrNull(SemanticsProperties.ContentDescription)?.joinToString()
        ?: node.config.getOrNull(SemanticsProperties.TestTag)
        ?: node.children.firstNotNullOfOrNull { c -> c.config.getOrNull(SemanticsProperties.Text)?.joinToString { it.text } }
    return "'$text' ${node.size.width / PX_PER_DP}x${node.size.height / PX_PER_DP} dp"
}

/** Waits until [condition] holds (the core's live flows deliver after a write, not at once). */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.eventually(what: String, condition: () -> Boolean) {
    waitUntil(what, CORE_TIMEOUT_MS) { condition() }
    waitForIdle()
}

/** The colour of the screen's background, read from a pixel near the bottom left corner. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.backgroundColour(): androidx.compose.ui.graphics.Color {
    val image = captureToImage().toAwtImage()
    return androidx.compose.ui.graphics.Color(image.getRGB(4, image.height - 4))
}
