import DoorstepFFI
import Foundation

extension DoorstepError {
    /// The message for the practitioner, from the core (`userMessage()`): written for people,
    /// never with personal data, key material or note text.
    public var userMessage: String { userMessage() }

    /// The stable code ("Locked", "Offline", ...), from the core: for logs and branching.
    public var code: String { code() }

    /// Whether a background sync that failed with this error is tried again later: the core's
    /// one classifier, the same answer Android's SyncWorker uses.
    public var retryable: Bool { isRetryable() }
}

/// The practitioner's message for any error a Doorstep call throws.
public func userMessage(for error: Error) -> String {
    if let doorstep = error as? DoorstepError { return doorstep.userMessage }
    return "Something went wrong. Your records are safe; try again."
}

/// The UTF-8 bytes of a passphrase for the core (which wipes its copy). Swift strings cannot be
/// wiped; the byte array is zeroed by the caller's `defer` once the call returns.
func passphraseBytes(_ passphrase: String) -> [UInt8] { Array(passphrase.utf8) }
