import Foundation
import LocalAuthentication

/// Remembers the biometric enrolment state (an opaque hash, not a secret) when a key is made, so
/// a later failure can tell "biometrics changed: key invalidated" from other failures.
enum BiometryState {
    private static func defaultsKey(_ tag: Data) -> String {
        "app.doorstep.biometry-state." + tag.base64EncodedString()
    }

    private static func current() -> Data? {
        let context = LAContext()
        var error: NSError?
        guard context.canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: &error) else {
            return nil
        }
        return context.evaluatedPolicyDomainState
    }

    static func remember(for tag: Data) {
        UserDefaults.standard.set(current(), forKey: defaultsKey(tag))
    }

    static func forget(for tag: Data) {
        UserDefaults.standard.removeObject(forKey: defaultsKey(tag))
    }

    static func changed(since tag: Data) -> Bool {
        guard let then = UserDefaults.standard.data(forKey: defaultsKey(tag)) else { return false }
        return current() != then
    }
}
