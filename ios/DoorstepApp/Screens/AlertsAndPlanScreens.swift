import Doorstep
import SwiftUI

/// Core call: alertDigest() — every alert, most urgent first, then the rest counted. Re-read
/// whenever the core reports a change or an alert changes colour.
struct AlertsScreen: View {
    @Environment(AppModel.self) private var model
    @State private var alerts: AlertsView?
    @State private var busy = false
    @State private var error: String?

    var body: some View {
        List {
            if let alerts {
                Text(alerts.summary).font(.headline)
                ForEach(Array(alerts.lines.enumerated()), id: \.offset) { _, alert in AlertRow(alert: alert) }
                if let more = alerts.moreLabel { Text(more).font(.caption) }
            }
            ErrorText(message: error)
        }
        .navigationTitle("Alerts")
        .task(id: model.dataVersion) {
            model.run(busy: $busy, error: $error, saves: false) { alerts = try await $0.alertDigest() }
        }
    }
}

/// Core call: plan(weeks: 4, book:) — the four-week plan the core computes (unannounced slots
/// drawn at random by the core and marked here, on the practitioner's own screen), shortfalls
/// with their cause, pattern warnings; "Book these visits" books every slot not yet booked.
struct FourWeekPlanScreen: View {
    @Environment(AppModel.self) private var model
    @State private var plan: PlanScreen?
    @State private var busy = false
    @State private var error: String?

    var body: some View {
        List {
            if let plan {
                Section {
                    Text(plan.horizonLabel).font(.headline)
                    Text(plan.computedLabel).font(.caption)
                    if plan.slots.contains(where: { $0.visitId == nil }) {
                        Button("Book these visits") { load(book: true) }.disabled(busy)
                    }
                }
                ForEach(plan.patternWarnings, id: \.self) { Label($0, systemImage: "exclamationmark.triangle") }
                ForEach(Array(plan.shortfalls.enumerated()), id: \.offset) { _, s in
                    Text("\(s.childName) · \(s.title) · \(s.dueLabel)").foregroundStyle(Palette.errorText)
                }
                ForEach(Array(plan.slots.enumerated()), id: \.offset) { _, slot in
                    VStack(alignment: .leading, spacing: 2) {
                        HStack {
                            Text(slot.timeLabel).font(.subheadline.bold())
                            if slot.unannounced { Text("UNANNOUNCED").font(.caption.bold()).foregroundStyle(Palette.unannounced) }
                            if slot.visitId != nil { Text("Booked").font(.caption) }
                        }
                        Text("\(slot.childName) · \(slot.title)")
                        Text("\(slot.kindLabel) · \(slot.minutes) min")
                        Text(slot.explanation).font(.caption)
                    }
                }
            }
            ErrorText(message: error)
        }
        .navigationTitle("Four-week plan")
        .task { load(book: false) }
    }

    private func load(book: Bool) {
        model.run(busy: $busy, error: $error, saves: book) { plan = try await $0.plan(weeks: 4, book: book) }
    }
}

/// Core call: changePassphrase(old:new:) — the core re-wraps the data key and refuses a wrong
/// current passphrase.
struct ChangePassphraseScreen: View {
    @Environment(AppModel.self) private var model
    @State private var old = ""
    @State private var new = ""
    @State private var again = ""
    @State private var done = false
    @State private var busy = false
    @State private var error: String?

    var body: some View {
        Form {
            SecureField("Current passphrase", text: $old).textContentType(.password)
            SecureField("New passphrase", text: $new).textContentType(.newPassword)
            SecureField("New passphrase again", text: $again).textContentType(.newPassword)
            if !again.isEmpty && new != again { ErrorText(message: "The two new passphrases are not the same.") }
            ErrorText(message: error)
            if done { Text("Passphrase changed.") }
            Button("Change passphrase") {
                let (current, next) = (old, new)
                (old, new, again) = ("", "", "")
                model.run(busy: $busy, error: $error, saves: false) {
                    done = false
                    try await $0.changePassphrase(old: current, new: next)
                    done = true
                }
            }
            .disabled(busy || old.isEmpty || new.isEmpty || new != again)
        }
        .navigationTitle("Change passphrase")
    }
}
