import Doorstep
import SwiftUI

/// A case's rating changed where the practitioner is, with the reason (`setRag`; the core keeps
/// both in the case's history).
struct ChangeRagScreen: View {
    let caseId: String
    let current: Rag
    @Environment(AppModel.self) private var model
    @Environment(\.dismiss) private var dismiss
    @State private var rag: Rag?
    @State private var reason = ""
    @State private var busy = false
    @State private var error: String?

    var body: some View {
        Form {
            Picker("Rating", selection: Binding(get: { rag ?? current }, set: { rag = $0 })) {
                ForEach(Choices.all.rags, id: \.value) { Text($0.label).tag($0.value) }
            }
            .pickerStyle(.segmented)
            TextField("Why this rating", text: $reason, axis: .vertical)
            ErrorText(message: error)
            Button("Save") {
                let (chosen, why) = (rag ?? current, reason)
                model.run(busy: $busy, error: $error) {
                    try await $0.setRag(caseId: caseId, rag: chosen, reason: why)
                    dismiss()
                }
            }
            .disabled(busy || reason.isEmpty)
        }
        .navigationTitle("Change rating")
    }
}

/// Planning a visit of any kind (`planVisit`): the day and time from the system pickers, the
/// expected length, and the reason when a video or telephone contact replaces a visit (the core
/// asks for it and refuses without it).
struct PlanVisitScreen: View {
    let caseId: String
    @Environment(AppModel.self) private var model
    @Environment(\.dismiss) private var dismiss
    @State private var kind: VisitKind = .announcedHome
    @State private var at = Calendar.current.date(byAdding: .day, value: 1, to: .now) ?? .now
    @State private var minutes = 45
    @State private var reason = ""
    @State private var busy = false
    @State private var error: String?

    var body: some View {
        Form {
            Picker("Kind of contact", selection: $kind) {
                ForEach(Choices.all.visitKinds, id: \.value) { Text($0.label).tag($0.value) }
            }
            DatePicker("When", selection: $at)
            Stepper("Expected length: \(minutes) minutes", value: $minutes, in: 5...Int(maxExpectedMinutes()), step: 5)
            if kind == .virtual || kind == .telephone {
                TextField("Why not face to face", text: $reason, axis: .vertical)
            }
            ErrorText(message: error)
            Button("Save", action: save).disabled(busy)
        }
        .navigationTitle("Plan a visit")
    }

    private func save() {
        let input = VisitInput(
            caseId: caseId, kind: kind, plannedForMillis: Int64(at.timeIntervalSince1970 * 1000),
            expectedMinutes: Int32(minutes), departureReason: reason.isEmpty ? nil : reason)
        model.run(busy: $busy, error: $error) {
            _ = try await $0.planVisit(input)
            dismiss()
        }
    }
}

/// A telephone call with the family, just made. Answered: a telephone contact is planned now and
/// recorded with the core's form (who else was there included). Nobody answered: the core logs it
/// (`recordUnansweredCall`: it counts towards consecutive unsuccessful contacts) with what
/// happened and the follow-up.
struct LogCallScreen: View {
    let caseId: String
    @Environment(AppModel.self) private var model
    @Environment(\.dismiss) private var dismiss
    @State private var reason = ""
    @State private var happened = ""
    @State private var followUp = ""
    /// The record form on screen (cleared when the practitioner comes back from it).
    @State private var callVisit: String?
    /// The telephone contact planned for this call: planned once, even if the first save is refused.
    @State private var plannedCall: String?
    @State private var saved: VisitSaved?
    @State private var busy = false
    @State private var error: String?

    var body: some View {
        Form {
            TextField("Why not face to face", text: $reason, axis: .vertical)
            Section {
                Button("Record the call", action: answered).disabled(busy)
            }
            Section("Nobody answered") {
                TextField("What happened", text: $happened, axis: .vertical)
                TextField("What you will do next, and by when", text: $followUp, axis: .vertical)
                Button("Save", action: unanswered).disabled(busy || happened.isEmpty || followUp.isEmpty)
            }
            ErrorText(message: error)
        }
        .navigationTitle("Log a call")
        .navigationDestination(item: $callVisit) { RecordVisitScreen(visitId: $0) }
        .savedAlert($saved) { dismiss() }
    }

    private var departure: String? { reason.isEmpty ? nil : reason }

    private func answered() {
        if let plannedCall {
            callVisit = plannedCall
            return
        }
        let why = departure
        model.run(busy: $busy, error: $error) {
            // The core plans the call now, with its length for a call (as on Android).
            let id = try await $0.startAnsweredCall(caseId: caseId, departureReason: why)
            plannedCall = id
            callVisit = id
        }
    }

    private func unanswered() {
        let (what, next, why) = (happened, followUp, departure)
        model.run(busy: $busy, error: $error) {
            saved = try await $0.recordUnansweredCall(caseId: caseId, reason: what, followUpAction: next, departureReason: why)
        }
    }
}

extension View {
    /// The core's "saved" answer: its warnings to reflect on, then `onDone`.
    func savedAlert(_ saved: Binding<VisitSaved?>, onDone: @escaping () -> Void) -> some View {
        alert("Saved", isPresented: Binding(get: { saved.wrappedValue != nil }, set: { if !$0 { onDone() } })) {
            Button("Done", action: onDone)
        } message: {
            Text((saved.wrappedValue?.warnings ?? []).map(\.message).joined(separator: "\n\n"))
        }
    }
}
