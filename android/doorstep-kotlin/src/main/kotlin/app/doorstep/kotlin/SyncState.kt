package app.doorstep.kotlin

import app.doorstep.ffi.DoorstepException
import app.doorstep.ffi.SyncProgress
import app.doorstep.ffi.SyncResult
import app.doorstep.ffi.SyncStatusView

/** Where syncing stands, for the status bar and the sync screen. */
sealed interface SyncState {
    /** The sync screen's data as last read from the core (`null` until first read or while locked). */
    val status: SyncStatusView?

    /** No sync running. [lastResult] is the last sync's result in this session, if any. */
    data class Idle(
        override val status: SyncStatusView?,
        val lastResult: SyncResult? = null,
    ) : SyncState

    /** A sync is running; [progress] is `null` until the core reports the first batch or page. */
    data class Syncing(
        override val status: SyncStatusView?,
        val progress: SyncProgress? = null,
    ) : SyncState

    /** The last sync failed (nothing queued was lost); [error] says why, for the practitioner. */
    data class Failed(
        override val status: SyncStatusView?,
        val error: DoorstepException,
    ) : SyncState
}
