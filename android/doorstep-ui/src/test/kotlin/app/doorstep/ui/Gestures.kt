package app.doorstep.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.hasAnyAncestor
import androidx.compose.ui.test.hasScrollAction
import androidx.compose.ui.test.hasScrollToIndexAction
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.performTextClearance
import androidx.compose.ui.test.performTextInput

/** Brings [matcher]'s node on screen, scrolling a lazy list to it first when one holds it. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.reveal(matcher: SemanticsMatcher) {
    val lists = onAllNodes(hasScrollToIndexAction()).fetchSemanticsNodes()
    if (onAllNodes(matcher).fetchSemanticsNodes().isEmpty() && lists.isNotEmpty()) {
        waitForIdle()
        onAllNodes(hasScrollToIndexAction())[0].performScrollToNode(matcher)
    }
    if (onAllNodes(matcher and hasAnyAncestor(hasScrollAction())).fetchSemanticsNodes().isNotEmpty()) {
        onNode(matcher).performScrollTo()
    }
    waitForIdle()
}

/** Taps the one node [matcher] finds (scrolled into view first). */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.tap(matcher: SemanticsMatcher) {
    reveal(matcher)
    await(matcher)
    onNode(matcher).performClick()
    waitForIdle()
}

/** Types [text] into the field tagged [tag], replacing what was there. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.type(tag: String, text: String) {
    reveal(hasTestTag(tag))
    await(hasTestTag(tag))
    onNode(hasTestTag(tag)).performTextClearance()
    onNode(hasTestTag(tag)).performTextInput(text)
    waitForIdle()
}
