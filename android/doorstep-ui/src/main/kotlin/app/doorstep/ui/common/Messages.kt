package app.doorstep.ui.common

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import app.doorstep.ffi.AlertLine
import app.doorstep.ffi.Rag
import app.doorstep.ui.theme.RagColors

/** A message from the core (already written for the practitioner), announced by screen readers. */
@Composable
fun ErrorText(message: String?, modifier: Modifier = Modifier) {
    if (message == null) return
    Text(
        text = message,
        color = MaterialTheme.colorScheme.error,
        style = MaterialTheme.typography.bodyMedium,
        modifier = modifier
            .padding(vertical = 4.dp)
            .semantics { liveRegion = LiveRegionMode.Polite },
    )
}

/** A confirmation (e.g. "Saved"), announced politely. */
@Composable
fun InfoText(message: String?, modifier: Modifier = Modifier) {
    if (message == null) return
    Text(
        text = message,
        style = MaterialTheme.typography.bodyMedium,
        modifier = modifier.padding(vertical = 4.dp).semantics { liveRegion = LiveRegionMode.Polite },
    )
}

/** The RAG rating as a coloured badge with the core's words (colour is never the only signal). */
@Composable
fun RagBadge(rag: Rag, label: String, modifier: Modifier = Modifier) {
    Text(
        text = label,
        color = RagColors.OnRag,
        style = MaterialTheme.typography.labelLarge,
        modifier = modifier
            .background(RagColors.fill(rag), RoundedCornerShape(4.dp))
            .padding(horizontal = 8.dp, vertical = 2.dp),
    )
}

/**
 * The core's lone-working banner (`TodayView.banner`): full width, first on the screen and
 * announced at once; solid red when the core says `loneWorkerRed`, amber before. It cannot be
 * dismissed here, only cleared by checking out.
 */
@Composable
fun LoneWorkerBanner(text: String, red: Boolean, modifier: Modifier = Modifier) {
    Text(
        text = text,
        color = RagColors.OnRag,
        style = MaterialTheme.typography.titleLarge,
        fontWeight = FontWeight.Bold,
        modifier = modifier
            .fillMaxWidth()
            .background(if (red) RagColors.Red else RagColors.Amber)
            .padding(16.dp)
            .testTag("lone-banner")
            .semantics {
                heading()
                liveRegion = LiveRegionMode.Assertive
            },
    )
}

/** The core's warnings about a case (`attention`), one row each. */
@Composable
fun AttentionRows(lines: List<String>, modifier: Modifier = Modifier) {
    Column(modifier, verticalArrangement = Arrangement.spacedBy(4.dp)) {
        lines.forEach { line ->
            Text("⚠ $line", color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
        }
    }
}

/** One alert as the core words it: title, priority, message and the prompts to reflect on. */
@Composable
fun AlertCard(alert: AlertLine, modifier: Modifier = Modifier) {
    val colours = if (alert.loneWorker) {
        CardDefaults.cardColors(containerColor = RagColors.Red, contentColor = RagColors.OnRag)
    } else {
        CardDefaults.cardColors()
    }
    Card(colors = colours, modifier = modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp)) {
            Text("${alert.priorityLabel} · ${alert.title}", style = MaterialTheme.typography.titleSmall)
            alert.childName?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            Text(alert.message, style = MaterialTheme.typography.bodyMedium)
            alert.prompts.forEach { Text("• $it", style = MaterialTheme.typography.bodyMedium) }
        }
    }
}

/** A section heading inside a screen. */
@Composable
fun SectionTitle(text: String, modifier: Modifier = Modifier) {
    Text(
        text,
        style = MaterialTheme.typography.titleMedium,
        modifier = modifier.padding(top = 8.dp).semantics { heading() },
    )
}

/** A line of the core's words across the screen. */
@Composable
fun Line(text: String, modifier: Modifier = Modifier) {
    Text(text, style = MaterialTheme.typography.bodyMedium, modifier = modifier.padding(horizontal = 16.dp))
}
