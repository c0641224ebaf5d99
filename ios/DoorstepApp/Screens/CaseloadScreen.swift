import Doorstep
import SwiftUI

/// Core call: caseload() — one row per case (RAG, plan, child, address, attention), red first;
/// a tap opens the child screen.
struct CaseloadScreen: View {
    @Environment(AppModel.self) private var model
    @State private var cases: [CaseLine]?
    @State private var error: String?

    var body: some View {
        List {
            if let cases {
                ForEach(cases, id: \.caseId) { line in
                    NavigationLink(value: Route.child(caseId: line.caseId)) {
                        CaseRow(line: line)
                    }
                }
                if cases.isEmpty { Text("No open cases.") }
            }
            ErrorText(message: error)
        }
        .navigationTitle("Caseload")
        .task { await load() }
        .refreshable { await load() }
    }

    private func load() async {
        do {
            cases = try await model.openStore().caseload()
            error = nil
        } catch {
            self.error = model.handle(error)
        }
    }
}

/// One case as the core words it.
private struct CaseRow: View {
    let line: CaseLine

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                RagBadge(rag: line.rag, label: line.ragLabel)
                Text(line.planLabel).font(.subheadline)
            }
            Text(line.childName).font(.headline)
            Text(line.address).font(.caption)
            AttentionRows(lines: line.attention)
        }
    }
}
