import Doorstep
import SwiftUI

/// Core calls: visitForm(visitId, answers) on every change (prompts with their input kind and
/// messages, formMessages, canSave); answerOf / withAnswer for each widget; completeVisit to
/// save; recordNoAccess when the practitioner could not get in. Every change is saved as the
/// visit's sealed draft (saveDraft) and the form resumes from it (draft): a call, a lock or a
/// killed app loses nothing. Answers are never in state restoration.
struct RecordVisitScreen: View {
    let visitId: String
    @Environment(AppModel.self) private var model
    @Environment(\.dismiss) private var dismiss
    @State private var form: VisitForm?
    @State private var answers: VisitAnswers?
    @State private var error: String?
    @State private var busy = false
    @State private var saved: VisitSaved?
    @State private var noAccess = false
    @State private var noAccessReason = ""
    @State private var followUp = ""
    @State private var refresh: Task<Void, Never>?

    var body: some View {
        Form {
            if let error { Text(error).foregroundStyle(.red) }
            if noAccess {
                Section("Could not get in") {
                    TextField("What happened", text: $noAccessReason, axis: .vertical)
                    TextField("What you will do next, and by when", text: $followUp, axis: .vertical)
                    Button("Save no access", action: saveNoAccess).disabled(busy)
                }
            } else if let form {
                if !form.formMessages.isEmpty {
                    FieldMessages(messages: form.formMessages)
                }
                ForEach(form.prompts, id: \.key) { prompt in
                    PromptField(
                        prompt: prompt, form: form,
                        current: answers.flatMap { try? answerOf(answers: $0, key: prompt.key) }
                    ) { answer in
                        edit(prompt.key, answer)
                    }
                }
                Button("Save visit", action: save).disabled(!form.canSave || busy)
            }
        }
        .navigationTitle(form.map { "\($0.childName) · \($0.kindLabel)" } ?? "Record visit")
        .toolbar {
            Button(noAccess ? "Record visit" : "Could not get in") { noAccess.toggle() }
        }
        .task { await loadFresh() }
        .alert("Saved", isPresented: Binding(get: { saved != nil }, set: { if !$0 { dismiss() } })) {
            Button("Done") { dismiss() }
        } message: {
            Text((saved?.warnings ?? []).map(\.message).joined(separator: "\n\n"))
        }
    }

    private func loadFresh() async {
        do {
            let store = try await model.openStore()
            let draft = try await store.draft(visitId: visitId)?.answers
            answers = draft
            form = try await store.visitForm(visitId: visitId, answers: draft)
        } catch {
            self.error = model.handle(error)
        }
    }

    /// One answer changed: the core puts it in place (`withAnswer`, a pure conversion, so it runs
    /// here; the wrong shape is its `InvalidInput`), then draws the form again; only the latest
    /// answer's form is kept.
    private func edit(_ key: String, _ answer: Answer) {
        let next: VisitAnswers
        do {
            next = try withAnswer(answers: answers ?? .unanswered, key: key, answer: answer)
        } catch {
            self.error = model.handle(error)
            return
        }
        answers = next
        refresh?.cancel()
        refresh = Task {
            do {
                let store = try await model.openStore()
                try await store.saveDraft(visitId: visitId, answers: next)
                let drawn = try await store.visitForm(visitId: visitId, answers: next)
                if !Task.isCancelled { form = drawn }
            } catch {
                if !Task.isCancelled { self.error = model.handle(error) }
            }
        }
    }

    private func save() {
        guard let answers else { return }
        run { saved = try await model.openStore().completeVisit(visitId: visitId, answers: answers) }
    }

    private func saveNoAccess() {
        let (reason, action) = (noAccessReason, followUp)
        run {
            saved = try await model.openStore().recordNoAccess(visitId: visitId, reason: reason, followUpAction: action)
        }
    }

    private func run(_ work: @escaping @MainActor () async throws -> Void) {
        busy = true
        error = nil
        Task {
            defer { busy = false }
            do {
                try await work()
                model.syncSoon()
            } catch {
                self.error = model.handle(error)
            }
        }
    }
}
