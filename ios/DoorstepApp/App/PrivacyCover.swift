import SwiftUI
import UIKit

/// Covers the caseload whenever the app is not active, so the app switcher's snapshot and
/// anyone glancing at a paused screen see nothing of it.
struct PrivacyCover: View {
    var body: some View {
        ZStack {
            Color(uiColor: .systemBackground).ignoresSafeArea()
            Label("Doorstep", systemImage: "lock.fill")
                .font(.title)
                .foregroundStyle(.secondary)
        }
        .accessibilityHidden(true)
    }
}
