package app.doorstep.android.ui.lone

import app.doorstep.ffi.VisitId
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.lifecycle.SavedStateHandle
import app.doorstep.android.AppContainer
import app.doorstep.android.ui.common.DoorstepViewModel
import app.doorstep.ffi.TodayVisit
import app.doorstep.kotlin.Doorstep

/**
 * Check in at the door and out when safely away; the core starts and stops the lone-working
 * timer and says when to remind (`CheckInView`), which the phone schedules as a notification.
 */
class LoneWorkingViewModel(container: AppContainer, handle: SavedStateHandle) : DoorstepViewModel(container) {

    private val visitId = VisitId(checkNotNull(handle["visitId"]))

    /** This visit's line (`visit(visitId)`). */
    var visit by mutableStateOf<TodayVisit?>(null)
        private set

    /** The core's lone-working banner, if any (`today().banner`). */
    var banner by mutableStateOf<String?>(null)
        private set

    /** The banner is red (`today().loneWorkerRed`). */
    var red by mutableStateOf(false)
        private set

    /** Reads the visit and the banner again. */
    fun load() = call(::refresh)

    /** Checks in (lone working starts) and schedules the phone's amber and red reminders. */
    fun checkIn() = call { doorstep ->
        doorstep.checkIn(visitId)
        container.reminders.schedule(doorstep.loneWorkingReminders())
        refresh(doorstep)
        changed()
    }

    /** Checks out (safe) and cancels the reminder. */
    fun checkOut() = call { doorstep ->
        doorstep.checkOut(visitId)
        container.reminders.cancel(visitId)
        refresh(doorstep)
        changed()
    }

    private suspend fun refresh(doorstep: Doorstep) {
        visit = doorstep.visit(visitId)
        val today = doorstep.today()
        banner = today.banner
        red = today.loneWorkerRed
    }
}
