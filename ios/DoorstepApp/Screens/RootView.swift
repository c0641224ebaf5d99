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
    case alerts
    case plan
    case addHousehold
    case changePassphrase
    case changeRag(caseId: String, current: Rag)
    case planVisit(caseId: String)
    case logCall(caseId: String)
}

/// Enrol, unlock or the caseload, by the app's phase. While locked nothing of the caseload is
/// drawn; the navigation path (record ids only) is kept when the app went to the background, so
/// unlocking returns to the same screen.
struct RootView: View {
    @Environment(AppModel.self) private var model

    var body: some View {
        @Bindable var model = model
        switch model.phase {
        case .enrol:
            EnrolScreen()
        case .locked:
            UnlockScreen()
        case .unavailable(let message):
            Text(message).padding()
        case .unlocked:
            NavigationStack(path: $model.path) {
                TodayScreen()
                    .navigationDestination(for: Route.self) { route in
                        switch route {
                        case .child(let caseId): ChildScreen(caseId: caseId)
                        case .notes(let caseId): NotesScreen(caseId: caseId)
                        case .visit(let visitId): RecordVisitScreen(visitId: visitId)
                        case .loneWorking(let visitId): LoneWorkingScreen(visitId: visitId)
                        case .sync: SyncScreen()
                        case .caseload: CaseloadScreen()
                        case .alerts: AlertsScreen()
                        case .plan: FourWeekPlanScreen()
                        case .addHousehold: HouseholdScreen()
                        case .changePassphrase: ChangePassphraseScreen()
                        case .changeRag(let caseId, let current): ChangeRagScreen(caseId: caseId, current: current)
                        case .planVisit(let caseId): PlanVisitScreen(caseId: caseId)
                        case .logCall(let caseId): LogCallScreen(caseId: caseId)
                        }
                    }
            }
        }
    }
}
