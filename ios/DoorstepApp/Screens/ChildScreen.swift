import Doorstep
import SwiftUI

/// Core call: child(caseId) — header, RAG with its reason, attention rows, due lines, chronology;
/// from here: change the rating, plan a visit, log a call, notes.
struct ChildScreen: View {
    let caseId: String
    @Environment(AppModel.self) private var model
    @State private var child: ChildView?
    @State private var error: String?

    var body: some View {
        List {
            if let child {
                Section {
                    HStack {
                        RagBadge(rag: child.rag, label: child.ragLabel)
                        Text(child.planLabel).font(.subheadline)
                    }
                    if let reason = child.ragReason { Text("Why: \(reason)") }
                    if let birth = child.birthLabel { Text(birth) }
                    Text(child.address)
                    if let access = child.accessNotes { Text(access).font(.caption) }
                    AttentionRows(lines: child.attention)
                }
                Section("Due") {
                    ForEach(Array(child.due.enumerated()), id: \.offset) { _, due in
                        VStack(alignment: .leading, spacing: 2) {
                            Text("\(due.title) · \(due.statusLabel)")
                                .font(.subheadline.bold())
                                .foregroundStyle(due.overdue ? Palette.errorText : Color.primary)
                            Text("\(due.dueLabel) (\(due.earliestLabel)) · \(due.contactLabel)")
                            ForEach(due.must, id: \.self) { Text("• \($0)").font(.caption) }
                            Text(due.why).font(.caption)
                        }
                    }
                }
                Section("Chronology") {
                    ForEach(Array(child.chronology.enumerated()), id: \.offset) { _, line in
                        VStack(alignment: .leading) {
                            Text(line.timeLabel).font(.caption)
                            Text(line.summary)
                        }
                    }
                }
            }
            ErrorText(message: error)
        }
        .navigationTitle(child?.childName ?? "")
        .toolbar {
            Menu {
                if let child { NavigationLink("Change rating", value: Route.changeRag(caseId: caseId, current: child.rag)) }
                NavigationLink("Plan a visit", value: Route.planVisit(caseId: caseId))
                NavigationLink("Log a call", value: Route.logCall(caseId: caseId))
                NavigationLink("Notes", value: Route.notes(caseId: caseId))
            } label: {
                Label("Actions", systemImage: "ellipsis.circle")
            }
        }
        .task(id: model.dataVersion) { await load() }
        .refreshable { await load() }
    }

    private func load() async {
        do {
            child = try await model.openStore().child(caseId: caseId)
        } catch {
            self.error = model.handle(error)
        }
    }
}
