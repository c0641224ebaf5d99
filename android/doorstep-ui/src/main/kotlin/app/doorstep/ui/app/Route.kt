package app.doorstep.ui.app

import app.doorstep.ffi.CaseId
import app.doorstep.ffi.VisitId

import app.doorstep.ui.screens.OutcomeKind

/** Where the app is. Arguments are record ids only (never names or case text). */
sealed interface Route {
    /** First run: set up a store on this device. */
    data object SetUp : Route

    /** First run on a device with a sync server: enrol with its one-time code. */
    data object Enrol : Route

    /** The store is locked. */
    data object Unlock : Route

    /** The day. */
    data object Today : Route

    /** Every open case. */
    data object Caseload : Route

    /** The alerts digest. */
    data object Alerts : Route

    /** The four-week plan. */
    data object Plan : Route

    /** A new household, its people and a case. */
    data object AddHousehold : Route

    /** Changing the passphrase. */
    data object ChangePassphrase : Route

    /** The sync status. */
    data object Sync : Route

    /** A child's case. */
    data class Child(val caseId: CaseId) : Route

    /** Recording a visit. */
    data class Record(val visitId: VisitId) : Route

    /** A visit that did not happen. */
    data class Outcome(val visitId: VisitId, val kind: OutcomeKind) : Route

    /** Planning a visit for a case. */
    data class PlanVisit(val caseId: CaseId) : Route

    /** Changing a case's rating. */
    data class ChangeRag(val caseId: CaseId) : Route

    /** Logging a telephone call with a family. */
    data class LogCall(val caseId: CaseId) : Route

    /** Lone working at a visit. */
    data class Lone(val visitId: VisitId) : Route

    /** The family's copy of a completed visit: who it is for, the review, giving it. */
    data class FamilyCopy(val visitId: VisitId) : Route

    /** A case's notes. */
    data class Notes(val caseId: CaseId) : Route
}
