package app.doorstep.android.ui.common

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import app.doorstep.android.ui.theme.RagColors
import app.doorstep.ffi.Rag

/** The RAG rating as a coloured badge with the core's words (colour is never the only signal). */
@Composable
fun RagBadge(rag: Rag, label: String, modifier: Modifier = Modifier) {
    val colour = when (rag) {
        Rag.RED -> RagColors.Red
        Rag.AMBER -> RagColors.Amber
        Rag.GREEN -> RagColors.Green
    }
    Text(
        text = label,
        color = RagColors.OnRag,
        style = MaterialTheme.typography.labelLarge,
        modifier = modifier
            .background(colour, RoundedCornerShape(4.dp))
            .padding(horizontal = 8.dp, vertical = 2.dp),
    )
}
