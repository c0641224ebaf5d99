package app.doorstep.android.ui

import app.doorstep.ffi.VisitId
import app.doorstep.ffi.CaseId
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.navigation.NavHostController
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import app.doorstep.android.AppContainer
import app.doorstep.android.ui.caseload.CaseloadScreen
import app.doorstep.android.ui.child.ChildScreen
import app.doorstep.android.ui.enrol.EnrolScreen
import app.doorstep.android.ui.lone.LoneWorkingScreen
import app.doorstep.android.ui.notes.NotesScreen
import app.doorstep.android.ui.sync.SyncScreen
import app.doorstep.android.ui.today.TodayScreen
import app.doorstep.android.ui.unlock.UnlockScreen
import app.doorstep.android.ui.visit.RecordVisitScreen
import app.doorstep.ui.screens.TodayActions

/** Routes. Arguments are record ids only (never names): they reach the saved state. */
private object Route {
    const val ENROL = "enrol"
    const val UNLOCK = "unlock"
    const val TODAY = "today"
    const val CASELOAD = "caseload"
    const val CHILD = "child/{caseId}"
    const val NOTES = "notes/{caseId}"
    const val VISIT = "visit/{visitId}"
    const val LONE = "lone/{visitId}"
    const val SYNC = "sync"
    fun child(caseId: CaseId) = "child/${caseId.value}"
    fun notes(caseId: CaseId) = "notes/${caseId.value}"
    fun visit(visitId: VisitId) = "visit/${visitId.value}"
    fun lone(visitId: VisitId) = "lone/${visitId.value}"
}

/**
 * The screens and the way between them. Whenever the store locks (the app left the screen), the
 * back stack is cleared and the unlock screen shown: nothing of the caseload stays on screen.
 */
@Composable
fun DoorstepNavHost(container: AppContainer) {
    val nav = rememberNavController()
    val locked by container.locked.collectAsState()
    val start = remember { if (container.storeExists()) Route.UNLOCK else Route.ENROL }

    LaunchedEffect(locked) {
        val here = nav.currentDestination?.route
        if (locked && here != null && here != Route.UNLOCK && here != Route.ENROL) {
            nav.navigate(Route.UNLOCK) { popUpTo(nav.graph.id) { inclusive = true } }
        }
    }

    NavHost(navController = nav, startDestination = start) {
        composable(Route.ENROL) { EnrolScreen(onEnrolled = { nav.showToday() }) }
        composable(Route.UNLOCK) { UnlockScreen(onUnlocked = { nav.showToday() }) }
        composable(Route.TODAY) {
            TodayScreen(
                TodayActions(
                    onChild = { nav.navigate(Route.child(it)) },
                    onRecord = { nav.navigate(Route.visit(it)) },
                    onLoneWorking = { nav.navigate(Route.lone(it)) },
                    onSync = { nav.navigate(Route.SYNC) },
                    onCaseload = { nav.navigate(Route.CASELOAD) },
                ),
            )
        }
        composable(Route.CASELOAD) {
            CaseloadScreen(onBack = { nav.popBackStack() }, onChild = { nav.navigate(Route.child(it)) })
        }
        composable(Route.CHILD) { ChildScreen(onBack = { nav.popBackStack() }, onNotes = { nav.navigate(Route.notes(it)) }) }
        composable(Route.NOTES) { NotesScreen(onBack = { nav.popBackStack() }) }
        composable(Route.VISIT) { RecordVisitScreen(onBack = { nav.popBackStack() }, onDone = { nav.popBackStack() }) }
        composable(Route.LONE) { LoneWorkingScreen(onBack = { nav.popBackStack() }) }
        composable(Route.SYNC) { SyncScreen(onBack = { nav.popBackStack() }) }
    }
}

private fun NavHostController.showToday() = navigate(Route.TODAY) { popUpTo(graph.id) { inclusive = true } }
