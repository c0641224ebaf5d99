import Doorstep
import SwiftUI
import UIKit

/// The fixed colours the screens draw text and fills with: the same values as the Android
/// screens' palette (`android/doorstep-ui/.../theme/DoorstepTheme.kt`, whose `ContrastTest` checks
/// every pair), each with a dark-mode variant, all at least 4.5:1 (WCAG AA for text) against the
/// system backgrounds they sit on. The system's `.red` (3.6:1 on white), `.orange` (2.2:1) and
/// `.purple` are not used for text or behind white text.
enum Palette {
    /// Red fill, white text on it (6.5:1).
    static let ragRed = Color(hex: 0xB3261E)
    /// Amber fill: a dark amber, white text on it (6.8:1).
    static let ragAmber = Color(hex: 0x8A4B00)
    /// Green fill, white text on it (5.1:1).
    static let ragGreen = Color(hex: 0x2E7D32)

    /// Errors and overdue lines: 6.5:1 on white, 5.9:1 on grouped grey; 8.2:1 or more on the dark backgrounds.
    static let errorText = Color(light: 0xB3261E, dark: 0xFFB4AB)
    /// Warnings to reflect on: 7.3:1 or more on the light backgrounds, 8.2:1 or more on the dark ones.
    static let warningText = Color(light: 0x7A4100, dark: 0xFFB870)
    /// The UNANNOUNCED mark: 8.4:1 or more either way.
    static let unannounced = Color(light: 0x6A1B9A, dark: 0xE1BEE7)

    /// The fill for a rating.
    static func fill(_ rag: Rag) -> Color {
        switch rag {
        case .red: ragRed
        case .amber: ragAmber
        case .green: ragGreen
        }
    }
}

/// A message from the core (already written for the practitioner), in the error colour.
struct ErrorText: View {
    let message: String?

    var body: some View {
        if let message { Text(message).foregroundStyle(Palette.errorText) }
    }
}

extension Color {
    /// An sRGB colour from `0xRRGGBB`.
    init(hex: UInt32) {
        self.init(uiColor: UIColor(hex: hex))
    }

    /// A colour that follows the light or dark appearance.
    init(light: UInt32, dark: UInt32) {
        self.init(uiColor: UIColor { $0.userInterfaceStyle == .dark ? UIColor(hex: dark) : UIColor(hex: light) })
    }
}

private extension UIColor {
    convenience init(hex: UInt32) {
        self.init(
            red: CGFloat((hex >> 16) & 0xFF) / 255, green: CGFloat((hex >> 8) & 0xFF) / 255,
            blue: CGFloat(hex & 0xFF) / 255, alpha: 1)
    }
}
