import Doorstep
import SwiftUI

/// The RAG rating as a coloured badge with the core's words (colour is never the only signal).
struct RagBadge: View {
    let rag: Rag
    let label: String

    var body: some View {
        Text(label)
            .font(.caption.bold())
            .foregroundStyle(.white)
            .padding(.horizontal, 8)
            .padding(.vertical, 2)
            .background(Palette.fill(rag), in: RoundedRectangle(cornerRadius: 4))
    }
}
