import Doorstep
import SwiftUI

/// Core calls: syncStatus(), sync(transport), retryNeedsAttention().
struct SyncScreen: View {
    @Environment(AppModel.self) private var model
    @State private var status: SyncStatusView?
    @State private var error: String?
    @State private var busy = false

    var body: some View {
        List {
            Section {
                if let status {
                    Text(status.summary).font(.headline)
                    if let last = status.lastSyncLabel { Text("Last sync: \(last)") }
                }
                if let progress = model.syncProgress {
                    Text("Sent \(progress.sent) · received \(progress.received) · \(progress.remaining) to go")
                }
                ErrorText(message: model.lastSyncMessage)
                ErrorText(message: error)
                Button("Sync now", action: syncNow).disabled(busy || status?.enrolled != true)
            }
            if let attention = status?.needsAttention, !attention.isEmpty {
                Section("Needs attention") {
                    ForEach(attention, id: \.opId) { item in
                        VStack(alignment: .leading) {
                            Text(item.what).font(.subheadline.bold())
                            Text(item.reason)
                        }
                    }
                    Button("Send these again", action: retry).disabled(busy)
                }
            }
        }
        .navigationTitle("Sync")
        .task { await load() }
        .refreshable { await load() }
        .overlay { if busy { ProgressView() } }
    }

    private func load() async {
        do {
            status = try await model.openStore().syncStatus()
        } catch {
            self.error = model.handle(error)
        }
    }

    private func syncNow() {
        busy = true
        Task {
            defer { busy = false }
            await model.syncIfUnlocked()
            await load()
        }
    }

    private func retry() {
        busy = true
        Task {
            defer { busy = false }
            do {
                try await model.openStore().retryNeedsAttention()
                await model.syncIfUnlocked()
            } catch {
                self.error = model.handle(error)
            }
            await load()
        }
    }
}
