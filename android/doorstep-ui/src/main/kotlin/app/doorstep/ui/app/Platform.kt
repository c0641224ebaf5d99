package app.doorstep.ui.app

import app.doorstep.ffi.CheckInView
import app.doorstep.ffi.VisitId
import app.doorstep.ffi.Transport

/**
 * What the device offers the screens: a sync transport (none on a desktop without a server), and
 * the lone-working reminder (Android schedules an alarm; the desktop has none).
 */
open class Platform(
    /** How sync reaches the server, or null when this device has no server. */
    val transport: Transport? = null,
) {
    /** After a check-in: schedule the reminder the core worded. */
    open fun onCheckedIn(view: CheckInView) = Unit

    /** After a check-out: cancel it. */
    open fun onCheckedOut(visitId: VisitId) = Unit
}
