package app.doorstep.ui.app

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import app.doorstep.ui.screens.AlertsScreen
import app.doorstep.ui.screens.CaseloadScreen
import app.doorstep.ui.screens.ChangePassphraseScreen
import app.doorstep.ui.screens.ChangeRagScreen
import app.doorstep.ui.screens.ChildActions
import app.doorstep.ui.screens.ChildScreen
import app.doorstep.ui.screens.BiometricOffer
import app.doorstep.ui.screens.EnrolScreen
import app.doorstep.ui.screens.FamilyCopyActions
import app.doorstep.ui.screens.FamilyCopyScreen
import app.doorstep.ui.screens.HouseholdActions
import app.doorstep.ui.screens.HouseholdScreen
import app.doorstep.ui.screens.LogCallScreen
import app.doorstep.ui.screens.LoneWorkingScreen
import app.doorstep.ui.screens.NotesScreen
import app.doorstep.ui.screens.OutcomeScreen
import app.doorstep.ui.screens.PlanScreenView
import app.doorstep.ui.screens.PlanVisitScreen
import app.doorstep.ui.screens.RecordVisitActions
import app.doorstep.ui.screens.RecordVisitScreen
import app.doorstep.ui.screens.SavedDialog
import app.doorstep.ui.screens.SetUpScreen
import app.doorstep.ui.screens.SyncScreen
import app.doorstep.ui.screens.TodayActions
import app.doorstep.ui.screens.TodayScreen
import app.doorstep.ui.screens.UnlockScreen
import app.doorstep.ui.theme.DoorstepTheme

/** The whole app over [state]: the screen for its route, loaded from the core when shown. */
@Composable
fun DoorstepApp(state: AppState, dark: Boolean = false) {
    DoorstepTheme(dark) {
        val route = state.route
        LaunchedEffect(route) { state.load(route) }
        Screen(state, route)
    }
}

@Composable
private fun Screen(s: AppState, route: Route) {
    val busy = s.busy
    val error = s.error
    when (route) {
        Route.SetUp -> SetUpScreen(busy, error, s::setUp)
        Route.Enrol -> EnrolScreen(busy, error, s::enrol)
        Route.Unlock -> {
            UnlockScreen(s.unlockOptions, s.biometricOffered, busy, error, s::unlock, s::unlockWithBiometric)
            if (s.offerBiometric) BiometricOffer(onYes = s::enrolBiometric, onNo = s::skipBiometric)
        }
        Route.Today -> {
            val sync by (s.doorstep?.syncState ?: return).collectAsState()
            TodayScreen(
                today = s.today,
                pending = sync.status?.pending?.toString(),
                busy = busy,
                error = error,
                actions = TodayActions(
                    onChild = { s.go(Route.Child(it)) },
                    onRecord = { s.go(Route.Record(it)) },
                    onLoneWorking = { s.go(Route.Lone(it)) },
                    onSync = { s.go(Route.Sync) },
                    onCaseload = { s.go(Route.Caseload) },
                    onAlerts = { s.go(Route.Alerts) },
                    onPlan = { s.go(Route.Plan) },
                    onAddHousehold = { s.go(Route.AddHousehold) },
                    onChangePassphrase = { s.go(Route.ChangePassphrase) },
                    onLock = s::lock,
                ),
            )
        }
        Route.Caseload -> CaseloadScreen(s.caseload, busy, error, s::back) { s.go(Route.Child(it)) }
        Route.Alerts -> AlertsScreen(s.alerts, busy, error, s::back)
        Route.Plan -> PlanScreenView(s.plan, s.planBooked, busy, error, s::back, s::bookPlan)
        Route.AddHousehold -> HouseholdScreen(
            s.householdStep, s.householdPeople, busy, error,
            HouseholdActions(
                onBack = s::back,
                onAddress = s::addHousehold,
                onPerson = s::addPerson,
                onToCase = s::toCase,
                onCase = s::openCase,
            ),
        )
        Route.ChangePassphrase -> ChangePassphraseScreen(busy, error, s.passphraseChanged, s::back, s::changePassphrase)
        Route.Sync -> {
            val sync by (s.doorstep?.syncState ?: return).collectAsState()
            SyncScreen(sync, busy, error, s::back, s::syncNow, s::retryNeedsAttention)
        }
        is Route.Child -> ChildScreen(
            s.child?.takeIf { it.caseId == route.caseId }, busy, error,
            ChildActions(
                onBack = s::back,
                onChangeRag = { s.go(Route.ChangeRag(route.caseId)) },
                onPlanVisit = { s.go(Route.PlanVisit(route.caseId)) },
                onLogCall = { s.go(Route.LogCall(route.caseId)) },
                onNotes = { s.go(Route.Notes(route.caseId)) },
            ),
        )
        is Route.ChangeRag -> {
            val child = s.child?.takeIf { it.caseId == route.caseId } ?: return
            ChangeRagScreen(child.childName, child.rag, busy, error, s::back) { rag, reason -> s.setRag(route.caseId, rag, reason) }
        }
        is Route.PlanVisit -> {
            val child = s.child?.takeIf { it.caseId == route.caseId } ?: return
            PlanVisitScreen(child.childName, AppState.tomorrow(), busy, error, s::back) { s.planVisit(route.caseId, it) }
        }
        is Route.LogCall -> {
            val child = s.child?.takeIf { it.caseId == route.caseId } ?: return
            LogCallScreen(
                child.childName, busy, error, s::back,
                onAnswered = { s.callAnswered(route.caseId, it) },
                onUnanswered = { reason, happened, followUp -> s.callUnanswered(route.caseId, reason, happened, followUp) },
            )
            s.saved?.let { SavedDialog(it, s::doneSaving) }
        }
        is Route.Record -> RecordVisitScreen(
            s.form?.takeIf { it.visitId == route.visitId }, s::answerFor, s.saved, busy, error,
            RecordVisitActions(
                onBack = s::back,
                onAnswer = { key, answer -> s.answer(route.visitId, key, answer) },
                onSave = { s.saveVisit(route.visitId) },
                onOutcome = { s.go(Route.Outcome(route.visitId, it)) },
                onDone = s::doneSaving,
                onDiscardDraft = { s.discardDraft(route.visitId) },
                onFamilyCopy = { s.familyCopy(route.visitId) }.takeIf { !s.copyRecipients.isNullOrEmpty() },
            ),
            draftResumed = s.draftResumed,
        )
        is Route.Outcome -> OutcomeScreen(
            route.kind, s.form?.childName.orEmpty(), s.saved, busy, error, s::back,
            onSave = { reason, followUp -> s.saveOutcome(route.visitId, route.kind, reason, followUp) },
            onDone = s::doneSaving,
        )
        is Route.Lone -> LoneWorkingScreen(
            s.visit?.takeIf { it.visitId == route.visitId }, s.today?.banner, s.today?.loneWorkerRed == true,
            busy, error, s::back,
            onCheckIn = { s.checkIn(route.visitId) },
            onCheckOut = { s.checkOut(route.visitId) },
        )
        is Route.FamilyCopy -> FamilyCopyScreen(
            s.copyRecipients, s.copyRecipient, s.copyReview, s.copyGiven, busy, error,
            FamilyCopyActions(
                onBack = s::back,
                onRecipient = { s.reviewFamilyCopy(route.visitId, it) },
                onGive = { s.giveFamilyCopy(route.visitId, it) },
                onDone = s::doneSaving,
            ),
        )
        is Route.Notes -> NotesScreen(
            s.notes, busy, error, s::back,
            onAdd = { text, significant -> s.addNote(route.caseId, text, significant) },
            onAmend = { id, text, significant -> s.amendNote(route.caseId, id, text, significant) },
        )
    }
}
