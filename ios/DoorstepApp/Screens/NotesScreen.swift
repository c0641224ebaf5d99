import Doorstep
import SwiftUI

/// Core calls: notes(caseId), addNote, amendNote (the original is kept).
struct NotesScreen: View {
    let caseId: String
    @Environment(AppModel.self) private var model
    @State private var notes: [NoteThreadLine] = []
    @State private var text = ""
    @State private var significant = false
    @State private var amending: NoteThreadLine?
    @State private var error: String?
    @State private var busy = false

    var body: some View {
        List {
            Section(amending == nil ? "New note" : "Amend note") {
                TextField("Note", text: $text, axis: .vertical).lineLimit(3...10)
                Toggle("Significant event", isOn: $significant)
                HStack {
                    Button(amending == nil ? "Add note" : "Amend", action: save)
                        .disabled(text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || busy)
                    if amending != nil {
                        Button("Cancel", role: .cancel) { amending = nil; text = ""; significant = false }
                    }
                }
            }
            ErrorText(message: error)
            ForEach(notes, id: \.noteId) { thread in
                NoteRow(thread: thread) {
                    amending = thread
                    text = thread.currentText
                    significant = thread.significant
                }
            }
        }
        .navigationTitle("Notes")
        .task { await load() }
    }

    private func load() async {
        do {
            notes = try await model.openStore().notes(caseId: caseId)
        } catch {
            self.error = model.handle(error)
        }
    }

    private func save() {
        let (entered, flag, original) = (text, significant, amending)
        busy = true
        error = nil
        Task {
            defer { busy = false }
            do {
                let store = try await model.openStore()
                if let original {
                    try await store.amendNote(
                        noteId: original.noteId, text: entered,
                        significant: flag == original.significant ? nil : flag)
                } else {
                    try await store.addNote(caseId: caseId, text: entered, significant: flag)
                }
                text = ""
                significant = false
                amending = nil
                notes = try await store.notes(caseId: caseId)
                model.syncSoon()
            } catch {
                self.error = model.handle(error)
            }
        }
    }
}

private struct NoteRow: View {
    let thread: NoteThreadLine
    let onAmend: () -> Void
    @State private var history = false

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text("\(thread.writtenLabel) · \(thread.authorName)").font(.caption)
            if thread.significant { Text("Significant event").font(.caption.bold()).foregroundStyle(Palette.errorText) }
            Text(thread.currentText)
            HStack {
                Button("Amend", action: onAmend).buttonStyle(.borderless)
                if thread.amended {
                    Button(history ? "Hide history" : "History") { history.toggle() }.buttonStyle(.borderless)
                }
            }
            if history {
                ForEach(thread.versions, id: \.noteId) { version in
                    VStack(alignment: .leading) {
                        Text("\(version.writtenLabel) · \(version.authorName)").font(.caption2)
                        Text(version.text).font(.caption)
                    }
                }
            }
        }
    }
}
