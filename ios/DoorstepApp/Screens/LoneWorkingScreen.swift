import Doorstep
import SwiftUI

/// Core calls: visit(visitId) for the visit, today() for the banner; checkIn (its reminder is
/// scheduled) / checkOut (cancelled). Big buttons for use on a doorstep.
struct LoneWorkingScreen: View {
    let visitId: String
    @Environment(AppModel.self) private var model
    @State private var visit: TodayVisit?
    @State private var banner: String?
    @State private var red = false
    @State private var error: String?
    @State private var busy = false

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                if let banner { LoneWorkerBanner(text: banner, red: red) }
                ErrorText(message: error)
                if let visit {
                    Text(visit.childName).font(.title2.bold())
                    Text(visit.address)
                    if let access = visit.accessNotes { Text(access) }
                    Text("\(visit.timeLabel) · \(visit.kindLabel) · \(visit.statusLabel)")
                    Text("Expected length: \(visit.expectedMinutes) minutes")
                    if visit.canCheckIn {
                        Button {
                            change {
                                _ = try await $0.checkIn(visitId: visitId)
                                await LoneWorkingReminders.schedule(try await $0.loneWorkingReminders())
                            }
                        } label: {
                            Text("Check in").font(.title2).frame(maxWidth: .infinity, minHeight: 60)
                        }
                        .buttonStyle(.borderedProminent)
                        .disabled(busy)
                    }
                    if visit.canCheckOut {
                        Button {
                            change {
                                try await $0.checkOut(visitId: visitId)
                                LoneWorkingReminders.cancel(visitId: visitId)
                            }
                        } label: {
                            Text("Check out: I am safe").font(.title2).frame(maxWidth: .infinity, minHeight: 60)
                        }
                        .buttonStyle(.borderedProminent)
                        .tint(Palette.ragGreen)
                        .disabled(busy)
                    }
                }
            }
            .padding()
        }
        .navigationTitle("Lone working")
        .task { await load() }
    }

    private func load() async {
        do {
            try await refresh(model.openStore())
        } catch {
            self.error = model.handle(error)
        }
    }

    private func refresh(_ store: AsyncStore) async throws {
        visit = try await store.visit(visitId: visitId)
        let today = try await store.today()
        banner = today.banner
        red = today.loneWorkerRed
    }

    private func change(_ call: @escaping @MainActor (AsyncStore) async throws -> Void) {
        busy = true
        error = nil
        Task {
            defer { busy = false }
            do {
                let store = try await model.openStore()
                try await call(store)
                try await refresh(store)
                model.syncSoon()
            } catch {
                self.error = model.handle(error)
            }
        }
    }
}
