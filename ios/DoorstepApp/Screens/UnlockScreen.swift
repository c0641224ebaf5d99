import Doorstep
import LocalAuthentication
import SwiftUI

/// Core calls: unlockOptions (which buttons to show); unlockWithPassphrase /
/// unlockWithKeyProvider; setKeyProvider to (re-)enrol the Secure Enclave key after a passphrase
/// unlock, including after the core's `KeyInvalidated`. Never a weaker fallback.
struct UnlockScreen: View {
    @Environment(AppModel.self) private var model
    @Environment(\.scenePhase) private var scenePhase
    @State private var passphrase = ""
    @State private var busy = false
    @State private var error: String?
    @State private var offerEnrolment = false
    @State private var passphraseOffered = true
    @State private var biometricOffered = false
    /// Set by the core's `KeyInvalidated`: the key slot is dead until set up again.
    @State private var keyInvalidated = false

    var body: some View {
        Form {
            Section {
                if passphraseOffered {
                    SecureField("Passphrase", text: $passphrase)
                        .textContentType(.password)
                        .submitLabel(.go)
                        .onSubmit(unlockWithPassphrase)
                    Button("Unlock", action: unlockWithPassphrase)
                        .disabled(passphrase.isEmpty || busy)
                }
                if biometricOffered {
                    Button("Unlock with Face ID or Touch ID", action: unlockWithBiometrics)
                        .disabled(busy)
                }
            }
            ErrorText(message: error)
        }
        .navigationTitle("Unlock Doorstep")
        .overlay { if busy { ProgressView() } }
        .task { loadOptions() }
        // The store is open under the offer; going to the background locks it (AppModel), so the
        // offer goes too and the passphrase is asked again on return.
        .onChange(of: scenePhase) { _, phase in
            if phase == .background { offerEnrolment = false }
        }
        .alert("Unlock with Face ID or Touch ID next time?", isPresented: $offerEnrolment) {
            Button("Set up") { enrol() }
            Button("Not now", role: .cancel) { model.didUnlock() }
        } message: {
            Text("Your passphrase still works.")
        }
    }

    private static var canUseBiometrics: Bool {
        LAContext().canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: nil)
    }

    private func loadOptions() {
        perform {
            let options = try await model.openStore().unlockOptions()
            passphraseOffered = options.passphrase
            biometricOffered = Self.canUseBiometrics && options.keyProvider
        }
    }

    private func unlockWithPassphrase() {
        let entered = passphrase
        passphrase = ""
        perform {
            let store = try await model.openStore()
            try await store.unlock(passphrase: entered)
            let hasKey = try await store.unlockOptions().keyProvider
            if Self.canUseBiometrics && (!hasKey || keyInvalidated) {
                offerEnrolment = true
            } else {
                model.didUnlock()
            }
        }
    }

    private func unlockWithBiometrics() {
        let provider = model.keyProvider()
        perform {
            let store = try await model.openStore()
            do {
                try await store.unlock(keyProvider: provider)
                model.didUnlock()
            } catch let invalidated as DoorstepError {
                guard case .KeyInvalidated = invalidated else { throw invalidated }
                keyInvalidated = true
                biometricOffered = false
                error = invalidated.userMessage
            }
        }
    }

    private func enrol() {
        perform {
            defer { model.didUnlock() }
            try await model.openStore().setKeyProvider(model.keyProvider())
            keyInvalidated = false
        }
    }

    private func perform(_ work: @escaping @MainActor () async throws -> Void) {
        busy = true
        error = nil
        Task {
            defer { busy = false }
            do { try await work() } catch { self.error = userMessage(for: error) }
        }
    }
}
