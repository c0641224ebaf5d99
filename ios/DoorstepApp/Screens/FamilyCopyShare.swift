import Doorstep
import SwiftUI
import UIKit

/// The family's copy through the iOS share sheet (print, AirDrop, Files, Mail): the PDF's bytes
/// come from the core, already laid out, tagged and with its font embedded; this only hands them
/// to the system. The file lives in the app's temporary directory (file protection complete) and
/// is removed when the sheet closes.
struct FamilyCopyShareSheet: UIViewControllerRepresentable {
    let pdf: Data
    var onFinished: () -> Void = {}

    func makeUIViewController(context: Context) -> UIActivityViewController {
        // The file name is shown to the recipient: no name of the family in it.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("Visit summary.pdf")
        try? pdf.write(to: url, options: [.atomic, .completeFileProtection])
        let sheet = UIActivityViewController(activityItems: [url], applicationActivities: nil)
        sheet.completionWithItemsHandler = { _, _, _, _ in
            try? FileManager.default.removeItem(at: url)
            onFinished()
        }
        return sheet
    }

    func updateUIViewController(_ controller: UIActivityViewController, context: Context) {}
}

/// Who the family's copy is for: the core's list of the household's parents and carers; choosing
/// one opens the core's review of exactly what the copy will say.
struct FamilyCopyScreen: View {
    let visitId: String
    @Environment(AppModel.self) private var model
    @State private var recipients: [AdultChoice]?
    @State private var recipientId: String?
    @State private var review: FamilyCopyReview?
    @State private var busy = false
    @State private var error: String?

    var body: some View {
        List {
            if let recipients, recipients.isEmpty {
                Text("Nobody in the household can be given a copy of this visit.")
            }
            ForEach(recipients ?? [], id: \.personId) { adult in
                Button("\(adult.name) (\(adult.roleLabel))") { choose(adult.personId) }
                    .disabled(busy)
            }
            ErrorText(message: error)
        }
        .navigationTitle("A copy for the family")
        .onAppear(perform: load)
        .navigationDestination(isPresented: Binding(get: { review != nil }, set: { if !$0 { review = nil } })) {
            if let review, let recipientId, let store = model.store {
                FamilyCopyReviewScreen(store: store.store, review: review, recipientId: recipientId)
            }
        }
    }

    private func load() {
        let visitId = visitId
        model.run(busy: $busy, error: $error, saves: false) {
            recipients = try await $0.familyCopyRecipients(visitId: visitId)
        }
    }

    private func choose(_ person: String) {
        let visitId = visitId
        model.run(busy: $busy, error: $error, saves: false) {
            let r = try await $0.familyCopyReview(visitId: visitId, recipientId: person)
            recipientId = person
            review = r
        }
    }
}

/// The practitioner's review, then the share sheet: what the copy will say is shown before it is
/// produced, and the core refuses to produce it if anything changed since this review.
struct FamilyCopyReviewScreen: View {
    let store: DoorstepStore
    let review: FamilyCopyReview
    let recipientId: String
    @State private var largePrint = false
    @State private var pdf: Data?
    @State private var error: String?

    var body: some View {
        List {
            ForEach(review.sections, id: \.heading) { section in
                Section(section.heading) {
                    ForEach(section.paragraphs + section.items, id: \.self) { Text($0) }
                }
            }
            if !review.withheld.isEmpty {
                Section("Left out") {
                    ForEach(review.withheld, id: \.what) { Text("\($0.what): \($0.reason)") }
                }
            }
            ForEach(review.warnings, id: \.self) { Text($0).foregroundStyle(Palette.warningText) }
            Toggle("Large print", isOn: $largePrint)
            Button("Give this copy") { produce() }
            ErrorText(message: error)
        }
        .navigationTitle(review.title)
        .sheet(isPresented: Binding(get: { pdf != nil }, set: { if !$0 { pdf = nil } })) {
            if let pdf { FamilyCopyShareSheet(pdf: pdf) }
        }
    }

    /// The core's call blocks (it renders and seals): off the main thread, like every store call.
    private func produce() {
        let store = store, review = review, recipientId = recipientId, largePrint = largePrint
        Task {
            do {
                pdf = try await Task.detached {
                    try store.giveFamilyCopy(
                        visit: review.visitId, recipientId: recipientId,
                        largePrint: largePrint, fingerprint: review.fingerprint)
                }.value
            } catch {
                self.error = userMessage(for: error)
            }
        }
    }
}
