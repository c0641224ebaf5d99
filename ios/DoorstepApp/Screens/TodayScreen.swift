import Doorstep
import SwiftUI

/// Core call: today() — banner, planMessage, alerts (the ten most urgent, then moreAlertsLabel),
/// visits; links to sync and, in the menu, the caseload, every alert, the four-week plan, adding a
/// household, changing the passphrase and locking.
struct TodayScreen: View {
    @Environment(AppModel.self) private var model
    @State private var today: TodayView?
    @State private var error: String?

    var body: some View {
        List {
            if let today {
                if let banner = today.banner {
                    LoneWorkerBanner(text: banner, red: today.loneWorkerRed)
                        .listRowInsets(EdgeInsets())
                }
                if let planMessage = today.planMessage {
                    Text(planMessage)
                }
                if !today.alerts.isEmpty {
                    Section("Alerts") {
                        ForEach(Array(today.alerts.enumerated()), id: \.offset) { _, alert in
                            AlertRow(alert: alert)
                        }
                        if let more = today.moreAlertsLabel {
                            NavigationLink(value: Route.alerts) { Text(more).font(.caption) }
                        }
                    }
                }
                Section("Visits") {
                    ForEach(today.visits, id: \.visitId) { visit in
                        VisitRow(visit: visit)
                    }
                    if today.visits.isEmpty { Text("No visits planned today.") }
                }
            }
            ErrorText(message: error)
        }
        .navigationTitle(today?.dateLabel ?? "Today")
        .toolbar {
            NavigationLink(value: Route.sync) { Label("Sync", systemImage: "arrow.triangle.2.circlepath") }
            Menu {
                NavigationLink("Caseload", value: Route.caseload)
                NavigationLink("Alerts", value: Route.alerts)
                NavigationLink("Four-week plan", value: Route.plan)
                NavigationLink("Add a household", value: Route.addHousehold)
                NavigationLink("Change passphrase", value: Route.changePassphrase)
                Button("Lock") { Task { await model.lock() } }
            } label: {
                Label("More", systemImage: "ellipsis.circle")
            }
        }
        .task(id: model.dataVersion) { await load() }
        .refreshable { await load() }
    }

    private func load() async {
        do {
            today = try await model.openStore().today()
            error = nil
        } catch {
            self.error = model.handle(error)
        }
    }
}

/// One visit. "Unannounced" shows here, on the practitioner's own screen, and nowhere the family
/// could see it (no notification). Buttons follow the core's can_check_in/can_check_out/can_record.
private struct VisitRow: View {
    let visit: TodayVisit

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(visit.timeLabel).font(.headline)
                RagBadge(rag: visit.rag, label: visit.ragLabel)
                if visit.unannounced {
                    Text("UNANNOUNCED").font(.caption.bold()).foregroundStyle(Palette.unannounced)
                }
            }
            NavigationLink(value: Route.child(caseId: visit.caseId)) {
                VStack(alignment: .leading) {
                    Text(visit.childName).font(.headline)
                    Text("\(visit.kindLabel) · \(visit.planLabel) · \(visit.statusLabel)")
                    Text(visit.address).font(.caption)
                    if let access = visit.accessNotes { Text(access).font(.caption) }
                }
            }
            HStack {
                if visit.canCheckIn || visit.canCheckOut {
                    NavigationLink(visit.canCheckOut ? "Check out" : "Check in",
                                   value: Route.loneWorking(visitId: visit.visitId))
                        .buttonStyle(.bordered)
                }
                if visit.canRecord {
                    NavigationLink("Record visit", value: Route.visit(visitId: visit.visitId))
                        .buttonStyle(.bordered)
                }
            }
        }
    }
}
