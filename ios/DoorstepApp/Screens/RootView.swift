import Doorstep
import SwiftUI

/// Routes inside the unlocked app. Record ids only.
enum Route: Hashable {
    case child(caseId: String)
    case notes(caseId: String)
    case visit(visitId: String)
    case loneWorking(visitId: String)
    case sync
    case caseload
}

/// Enrol, unlock or the caseload, by the app's phase. Locking drops the whole navigation stack.
struct RootView: View {
    @Environment(AppModel.self) private var model

    var body: some View {
        switch model.phase {
        case .enrol:
            EnrolScreen()
        case .locked:
            UnlockScreen()
        case .unavailable(let message):
            Text(message).padding()
        case .unlocked:
            NavigationStack {
                TodayScreen()
                    .navigationDestination(for: Route.self) { route in
                        switch route {
                        case .child(let caseId): ChildScreen(caseId: caseId)
                        case .notes(let caseId): NotesScreen(caseId: caseId)
                        case .visit(let visitId): RecordVisitScreen(visitId: visitId)
                        case .loneWorking(let visitId): LoneWorkingScreen(visitId: visitId)
                        case .sync: SyncScreen()
                        case .caseload: CaseloadScreen()
                        }
                    }
            }
        }
    }
}
