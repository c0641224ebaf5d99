import DoorstepFFI
import Foundation

extension DoorstepError {
    /// The message for the practitioner. The core writes it for people and never puts personal
    /// data, key material or note text in it. The switch is exhaustive: a code added in Rust
    /// fails this build until it is handled here.
    public var userMessage: String {
        switch self {
        case .NoStore(let message), .AlreadyExists(let message), .Locked(let message),
             .WrongPassphrase(let message), .WrongKey(let message), .UnlockMethodNotSet(let message),
             .WeakPassphrase(let message), .Tampered(let message), .Corrupt(let message),
             .NewerVersion(let message), .NotFound(let message), .InvalidInput(let message),
             .ValidationFailed(let message), .NotAllowed(let message), .Planning(let message),
             .NotEnrolled(let message), .BadServerUrl(let message), .Offline(let message),
             .Unauthorized(let message), .Protocol(let message), .Wiped(let message),
             .DiskFull(let message), .KeyProvider(let message), .KeyInvalidated(let message),
             .Storage(let message),
             .Busy(let message), .Platform(let message), .Document(let message):
            return message
        }
    }
}

/// The practitioner's message for any error a Doorstep call throws.
public func userMessage(for error: Error) -> String {
    if let doorstep = error as? DoorstepError { return doorstep.userMessage }
    return "Something went wrong. Your records are safe; try again."
}
