import DoorstepFFI
import Foundation
import LocalAuthentication
import Security

/// The core's `KeyProvider` on the Secure Enclave: a P-256 private key that never leaves it,
/// usable only with the current biometric set (or, by choice, user presence). The store's data
/// key is wrapped with ECIES (`eciesEncryptionCofactorX963SHA256AESGCM`: ephemeral ECDH, X9.63
/// KDF, AES-GCM — an altered blob fails to unwrap). Wrapping needs only the public key;
/// unwrapping shows Face ID / Touch ID on the calling (core) thread, which it blocks — never the
/// main thread. There is no fallback to a weaker key: if it fails, the passphrase unlocks.
///
/// When the enrolled biometrics change, a `.biometryCurrentSet` key can no longer be used:
/// unwrap throws `PlatformError.KeyInvalidated`, the core reports `DoorstepError.KeyInvalidated`,
/// and the app re-enrols (passphrase, then `setKeyProvider` with this provider, which makes a
/// fresh key). Whether a key is set up is the core's to say (`unlockOptions()`).
public final class SecureEnclaveKeyProvider: KeyProvider {
    /// Which user check the key demands.
    public enum Policy: Sendable {
        /// Face ID / Touch ID, invalidated when the enrolled biometrics change (the default).
        case biometryCurrentSet
        /// Biometrics or the device passcode.
        case userPresence
    }

    private let tag: Data
    private let policy: Policy
    private let reason: String

    /// - Parameters:
    ///   - reason: shown in the Face ID / Touch ID prompt.
    public init(tag: String = "app.doorstep.store.kek.v1", policy: Policy = .biometryCurrentSet, reason: String) {
        self.tag = Data(tag.utf8)
        self.policy = policy
        self.reason = reason
    }

    /// Called by the core only at enrolment (store creation or `setKeyProvider`): a fresh key
    /// each time; the old one is useless once the keyring holds the new blob.
    /// Makes a new Secure Enclave key and wraps `key` with it. The new key is created and used
    /// under a staging tag first; only once the wrapped blob exists does it take the key's tag,
    /// and the key it replaces is kept under a "previous" tag (not deleted) until an unwrap with
    /// the new key succeeds: a failure or a crash at any point leaves a key that opens the
    /// keyring the core last saved.
    public func wrapKey(key: Data) throws -> Data {
        try deleteKey(tag: staging)
        let privateKey = try createKey(tag: staging)
        guard let publicKey = SecKeyCopyPublicKey(privateKey) else {
            try? deleteKey(tag: staging)
            throw PlatformError.Failed(reason: "no public key")
        }
        var error: Unmanaged<CFError>?
        guard let sealed = SecKeyCreateEncryptedData(publicKey, Self.algorithm, key as CFData, &error) else {
            try? deleteKey(tag: staging)
            throw PlatformError.Failed(reason: "encryption failed (\(Self.code(error)))")
        }
        // The new key is stored; now the old one steps aside (kept) and the new one takes its tag.
        try deleteKey(tag: previous)
        try retag(from: tag, to: previous)
        try retag(from: staging, to: tag)
        BiometryState.remember(for: tag)
        return sealed as Data
    }

    /// The tag a new key is made under before it replaces the current one.
    private var staging: Data { tag + Data(".next".utf8) }

    /// The tag the replaced key keeps until the new one has unwrapped once.
    private var previous: Data { tag + Data(".previous".utf8) }

    public func unwrapKey(wrapped: Data) throws -> Data {
        let context = LAContext()
        context.localizedReason = reason
        do {
            let plain = try unwrap(wrapped, tag: tag, context: context)
            // The current key works: the one it replaced is no longer needed.
            try? deleteKey(tag: previous)
            return plain
        } catch PlatformError.Failed(let why) {
            // A keyring saved before the last key replacement (the app stopped in between) is
            // still wrapped by the replaced key, kept for exactly this.
            if let plain = try? unwrap(wrapped, tag: previous, context: context) { return plain }
            throw PlatformError.Failed(reason: why)
        }
    }

    private func unwrap(_ wrapped: Data, tag: Data, context: LAContext) throws -> Data {
        let privateKey: SecKey
        do {
            privateKey = try self.privateKey(context: context, tag: tag)
        } catch PlatformError.KeyInvalidated(let why) {
            if tag == self.tag { forget() }
            throw PlatformError.KeyInvalidated(reason: why)
        }
        var error: Unmanaged<CFError>?
        guard let plain = SecKeyCreateDecryptedData(privateKey, Self.algorithm, wrapped as CFData, &error) else {
            let code = Self.code(error)
            switch code {
            case Int(errSecUserCanceled), LAError.userCancel.rawValue, LAError.appCancel.rawValue,
                 LAError.systemCancel.rawValue, LAError.userFallback.rawValue:
                throw PlatformError.KeyUnavailable(reason: "authentication cancelled")
            case LAError.biometryLockout.rawValue, LAError.biometryNotAvailable.rawValue,
                 LAError.biometryNotEnrolled.rawValue, LAError.passcodeNotSet.rawValue:
                throw PlatformError.KeyUnavailable(reason: "biometrics unavailable (\(code))")
            case LAError.invalidContext.rawValue, Int(errSecItemNotFound):
                if tag == self.tag { forget() }
                throw PlatformError.KeyInvalidated(reason: "Secure Enclave key no longer usable")
            case _ where policy == .biometryCurrentSet && BiometryState.changed(since: tag):
                // Face ID / Touch ID enrolment changed since the key was made: it is dead.
                if tag == self.tag { forget() }
                throw PlatformError.KeyInvalidated(reason: "enrolled biometrics changed")
            default:
                throw PlatformError.Failed(reason: "decryption failed (\(code))")
            }
        }
        return plain as Data
    }

    public func destroyKey() throws {
        try deleteKey()
        try deleteKey(tag: staging)
        try deleteKey(tag: previous)
        BiometryState.forget(for: tag)
    }

    /// The key is dead: delete it (re-enrolment makes a new one).
    private func forget() {
        try? deleteKey()
    }

    // MARK: Keychain

    private static let algorithm = SecKeyAlgorithm.eciesEncryptionCofactorX963SHA256AESGCM

    private func createKey(tag: Data) throws -> SecKey {
        var error: Unmanaged<CFError>?
        let flags: SecAccessControlCreateFlags = switch policy {
        case .biometryCurrentSet: [.privateKeyUsage, .biometryCurrentSet]
        case .userPresence: [.privateKeyUsage, .userPresence]
        }
        guard let access = SecAccessControlCreateWithFlags(
            kCFAllocatorDefault, kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly, flags, &error)
        else {
            throw PlatformError.KeyUnavailable(reason: "access control (\(Self.code(error)))")
        }
        let attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeySizeInBits as String: 256,
            kSecAttrTokenID as String: kSecAttrTokenIDSecureEnclave,
            kSecPrivateKeyAttrs as String: [
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: tag,
                kSecAttrAccessControl as String: access,
            ] as [String: Any],
        ]
        guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            // No Secure Enclave (old simulator) or no passcode set: refused, never a software key.
            throw PlatformError.KeyUnavailable(reason: "Secure Enclave key creation failed (\(Self.code(error)))")
        }
        return key
    }

    private func privateKey(context: LAContext, tag: Data) throws -> SecKey {
        let query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: tag,
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrTokenID as String: kSecAttrTokenIDSecureEnclave,
            kSecReturnRef as String: true,
            kSecUseAuthenticationContext as String: context,
        ]
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let item, CFGetTypeID(item) == SecKeyGetTypeID() else {
                throw PlatformError.Failed(reason: "keychain returned something else")
            }
            return item as! SecKey // swiftlint:disable:this force_cast (type checked above)
        case errSecItemNotFound:
            throw PlatformError.KeyInvalidated(reason: "no Secure Enclave key")
        default:
            throw PlatformError.KeyUnavailable(reason: "keychain status \(status)")
        }
    }

    private func deleteKey() throws { try deleteKey(tag: tag) }

    /// Moves a key to another tag (nothing to move is fine: there was no key yet).
    private func retag(from: Data, to: Data) throws {
        let query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: from,
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
        ]
        let status = SecItemUpdate(query as CFDictionary, [kSecAttrApplicationTag as String: to] as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw PlatformError.Failed(reason: "keychain update status \(status)")
        }
    }

    private func deleteKey(tag: Data) throws {
        let query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: tag,
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
        ]
        let status = SecItemDelete(query as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw PlatformError.Failed(reason: "keychain delete status \(status)")
        }
    }

    private static func code(_ error: Unmanaged<CFError>?) -> Int {
        guard let error = error?.takeRetainedValue() else { return 0 }
        return CFErrorGetCode(error)
    }
}
