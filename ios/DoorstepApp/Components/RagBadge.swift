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
            .background(color, in: RoundedRectangle(cornerRadius: 4))
    }

    private var color: Color {
        switch rag {
        case .red: Color(red: 0.70, green: 0.15, blue: 0.12)
        case .amber: Color(red: 0.72, green: 0.43, blue: 0.0)
        case .green: Color(red: 0.18, green: 0.49, blue: 0.20)
        }
    }
}
