import Doorstep
import SwiftUI
import UIKit

/// The core's lone-working banner (`TodayView.banner`): full width, first on the screen,
/// announced by VoiceOver; solid red when the core says `loneWorkerRed`, orange before. It cannot
/// be dismissed; checking out clears it.
struct LoneWorkerBanner: View {
    let text: String
    let red: Bool

    var body: some View {
        Text(text)
            .font(.title3.bold())
            .accessibilityAddTraits(.isHeader)
            .foregroundStyle(.white)
            .frame(maxWidth: .infinity, alignment: .leading)
            .padding()
            .background(red ? Palette.ragRed : Palette.ragAmber)
            .onAppear { UIAccessibility.post(notification: .announcement, argument: text) }
    }
}

/// The core's warnings about a case (`attention`), one row each.
struct AttentionRows: View {
    let lines: [String]

    var body: some View {
        ForEach(lines, id: \.self) { line in
            Label(line, systemImage: "exclamationmark.triangle.fill").foregroundStyle(Palette.errorText)
        }
    }
}

/// One alert as the core words it.
struct AlertRow: View {
    let alert: AlertLine

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text("\(alert.priorityLabel) · \(alert.title)").font(.subheadline.bold())
            if let child = alert.childName { Text(child) }
            Text(alert.message)
            ForEach(alert.prompts, id: \.self) { Text("• \($0)").font(.caption) }
        }
        .foregroundStyle(alert.loneWorker ? Color.white : Color.primary)
        .listRowBackground(alert.loneWorker ? Palette.ragRed : nil)
    }
}
