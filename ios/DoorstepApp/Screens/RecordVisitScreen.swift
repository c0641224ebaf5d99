import Doorstep
import SwiftUI

/// A visit that did not happen, and the core call that records it with its reason and follow-up.
enum Outcome: String, CaseIterable, Identifiable {
    case noAccess = "Could not get in"
    case declined = "Family declined"
    case cancelled = "Cancel visit"

    var id: String { rawValue }

    func record(_ store: AsyncStore, visitId: String, reason: String, followUp: String) async throws -> VisitSaved {
        switch self {
        case .noAccess: try await store.recordNoAccess(visitId: visitId, reason: reason, followUpAction: followUp)
        case .declined: try await store.recordDeclined(visitId: visitId, reason: reason, followUpAction: followUp)
        case .cancelled: try await store.cancelVisit(visitId: visitId, reason: reason, followUpAction: followUp)
        }
    }
}

/// Core calls: visitForm(visitId, answers) on every change (prompts with their input kind and
/// messages, formMessages, canSave); answerOf / withAnswer for each widget; completeVisit to
/// save; recordNoAccess / recordDeclined / cancelVisit when the visit did not happen. Every
/// change is saved as the visit's sealed draft (saveDraft) and the form resumes from it (draft),
/// saying so, with "Discard these answers" (discardDraft): a call, a lock or a killed app loses
/// nothing. Answers are never in state restoration.
struct RecordVisitScreen: View {
    let visitId: String
    @Environment(AppModel.self) private var model
    @Environment(\.dismiss) private var dismiss
    @State private var form: VisitForm?
    @State private var answers: VisitAnswers?
    @State private var error: String?
    @State private var busy = false
    @State private var saved: VisitSaved?
    /// Whether the core lists someone to give the family's copy of this visit to (once completed).
    @State private var copyOffered = false
    @State private var givingCopy = false
    @State private var outcome: Outcome?
    @State private var draftResumed = false
    @State private var noAccessReason = ""
    @State private var followUp = ""
    @State private var refresh: Task<Void, Never>?

    var body: some View {
        Form {
            ErrorText(message: error)
            if let outcome {
                Section(outcome.rawValue) {
                    TextField("What happened", text: $noAccessReason, axis: .vertical)
                    TextField("What you will do next, and by when", text: $followUp, axis: .vertical)
                    Button("Save", action: saveOutcome).disabled(busy || noAccessReason.isEmpty || followUp.isEmpty)
                }
            } else if let form {
                if draftResumed {
                    Section {
                        Text("Your answers so far were kept. Carry on, or start again.")
                        Button("Discard these answers", role: .destructive, action: discard).disabled(busy)
                    }
                }
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
            Menu("The visit did not happen") {
                if outcome != nil { Button("Record visit") { outcome = nil } }
                ForEach(Outcome.allCases) { kind in Button(kind.rawValue) { outcome = kind } }
            }
        }
        .task { await loadFresh() }
        // Saved: the core's warnings, then done — or, for a completed visit with a parent or
        // carer to give it to, the family's copy first (as on Android).
        .alert("Saved", isPresented: Binding(get: { saved != nil }, set: { if !$0 { saved = nil } })) {
            if copyOffered { Button("Give the family a copy") { givingCopy = true } }
            Button("Done") { dismiss() }
        } message: {
            Text((saved?.warnings ?? []).map(\.message).joined(separator: "\n\n"))
        }
        .navigationDestination(isPresented: $givingCopy) { FamilyCopyScreen(visitId: visitId) }
    }

    private func loadFresh() async {
        do {
            let store = try await model.openStore()
            let draft = try await store.draft(visitId: visitId)?.answers
            answers = draft
            draftResumed = draft != nil
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
                // Sealed as it is given (and before any lock): a phone call loses nothing.
                try await model.saveDraft(visitId: visitId, answers: next)
                let drawn = try await model.openStore().visitForm(visitId: visitId, answers: next)
                if !Task.isCancelled { form = drawn }
            } catch {
                if !Task.isCancelled { self.error = model.handle(error) }
            }
        }
    }

    private func save() {
        guard let answers else { return }
        model.run(busy: $busy, error: $error) {
            let done = try await $0.completeVisit(visitId: visitId, answers: answers)
            copyOffered = !((try? await $0.familyCopyRecipients(visitId: visitId)) ?? []).isEmpty
            saved = done
        }
    }

    private func saveOutcome() {
        guard let outcome else { return }
        let (reason, action) = (noAccessReason, followUp)
        model.run(busy: $busy, error: $error) {
            saved = try await outcome.record($0, visitId: visitId, reason: reason, followUp: action)
        }
    }

    /// The practitioner's choice: the draft goes and the form starts again.
    private func discard() {
        refresh?.cancel()
        model.run(busy: $busy, error: $error, saves: false) { store in
            try await store.discardDraft(visitId: visitId)
            answers = nil
            draftResumed = false
            form = try await store.visitForm(visitId: visitId, answers: nil)
        }
    }
}
