import Doorstep
import SwiftUI

/// Core call: DoorstepStore.enrol — the server address and one-time code from an administrator,
/// and a passphrase (the core checks all three). Face ID is offered at the next unlock.
struct EnrolScreen: View {
    @Environment(AppModel.self) private var model
    @State private var server = "https://"
    @State private var code = ""
    @State private var passphrase = ""
    @State private var busy = false
    @State private var error: String?

    var body: some View {
        Form {
            Section("Set up this phone") {
                TextField("Server address", text: $server)
                    .keyboardType(.URL).textInputAutocapitalization(.never).autocorrectionDisabled()
                TextField("One-time code", text: $code)
                    .textInputAutocapitalization(.never).autocorrectionDisabled()
                SecureField("New passphrase", text: $passphrase)
                    .textContentType(.newPassword)
            }
            Button("Set up", action: enrol).disabled(busy || code.isEmpty || passphrase.isEmpty)
            ErrorText(message: error)
        }
        .overlay { if busy { ProgressView() } }
    }

    private func enrol() {
        guard let directory = model.directory else { return }
        busy = true
        error = nil
        let (server, code, passphrase) = (server, code, passphrase)
        Task {
            defer { busy = false }
            do {
                let store = try await AsyncStore.enrol(
                    at: directory, serverUrl: server.trimmingCharacters(in: .whitespaces),
                    code: code.trimmingCharacters(in: .whitespaces), transport: model.transport,
                    passphrase: passphrase, keyProvider: nil)
                model.adopt(store)
            } catch {
                self.error = userMessage(for: error)
            }
        }
    }
}
