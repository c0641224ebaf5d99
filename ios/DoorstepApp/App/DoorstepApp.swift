import Doorstep
import SwiftUI

@main
struct DoorstepApp: App {
    @State private var model: AppModel
    @Environment(\.scenePhase) private var scenePhase

    init() {
        let model = AppModel()
        _model = State(initialValue: model)
        BackgroundSync.register(model: model)
    }

    var body: some Scene {
        WindowGroup {
            RootView()
                .environment(model)
                .overlay {
                    if scenePhase != .active { PrivacyCover() }
                }
        }
        .onChange(of: scenePhase) { _, phase in
            if phase == .background {
                Task { await model.lock(keepPlace: true) }
                BackgroundSync.schedule()
            }
        }
    }
}
