import CryptoKit
import DoorstepFFI
import Foundation
import Security

/// The core's background-sync `KeyProvider`: a 256-bit symmetric key in the Keychain,
/// `kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly` (readable from the first unlock after a
/// restart, never backed up or moved to another phone), with no user-presence check, so a
/// BGProcessingTask can open the store for `sync` only (`unlockForBackgroundSync`). The data key
/// is sealed with AES-GCM (CryptoKit's combined format: nonce ‖ ciphertext ‖ tag); the item's
/// account name is the associated data.
public final class BackgroundKeychainKeyProvider: KeyProvider {
    private let account: String

    /// - Parameter account: the Keychain item's account name (also the GCM associated data).
    public init(account: String = "app.doorstep.store.background.v1") {
        self.account = account
    }

    /// Whether the Keychain still holds the key (the core's slot is useless without it).
    public var hasKey: Bool {
        (try? readKey()) != nil
    }

    /// Called by the core when the slot is set up: a fresh key each time.
    public func wrapKey(key: Data) throws -> Data {
        try deleteItem()
        let symmetric = SymmetricKey(size: .bits256)
        try storeKey(symmetric)
        do {
            guard let sealed = try AES.GCM.seal(key, using: symmetric, authenticating: aad).combined else {
                throw PlatformError.Failed(reason: "no combined box")
            }
            return sealed
        } catch let error as PlatformError {
            throw error
        } catch {
            throw PlatformError.Failed(reason: "seal failed")
        }
    }

    public func unwrapKey(wrapped: Data) throws -> Data {
        guard let symmetric = try readKey() else {
            throw PlatformError.KeyInvalidated(reason: "no background key in the Keychain")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped)
            return try AES.GCM.open(box, using: symmetric, authenticating: aad)
        } catch {
            throw PlatformError.Failed(reason: "wrapped key failed authentication")
        }
    }

    /// Deletes the key (the store is being wiped, or background sync is switched off).
    public func destroyKey() throws {
        try deleteItem()
    }

    // MARK: Keychain

    private var aad: Data { Data(account.utf8) }

    private var baseQuery: [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: "app.doorstep",
            kSecAttrAccount as String: account,
        ]
    }

    private func storeKey(_ key: SymmetricKey) throws {
        var query = baseQuery
        query[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        query[kSecValueData as String] = key.withUnsafeBytes { Data($0) }
        let status = SecItemAdd(query as CFDictionary, nil)
        guard status == errSecSuccess else {
            throw PlatformError.KeyUnavailable(reason: "keychain add status \(status)")
        }
    }

    /// The key, `nil` if there is none; throws if the Keychain cannot be read (before the first
    /// unlock after a restart: `errSecInteractionNotAllowed`).
    private func readKey() throws -> SymmetricKey? {
        var query = baseQuery
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let data = item as? Data, data.count == 32 else {
                throw PlatformError.Failed(reason: "keychain returned something else")
            }
            return SymmetricKey(data: data)
        case errSecItemNotFound:
            return nil
        default:
            throw PlatformError.KeyUnavailable(reason: "keychain status \(status)")
        }
    }

    private func deleteItem() throws {
        let status = SecItemDelete(baseQuery as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw PlatformError.Failed(reason: "keychain delete status \(status)")
        }
    }
}
