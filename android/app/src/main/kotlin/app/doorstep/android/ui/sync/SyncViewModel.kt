package app.doorstep.android.ui.sync

import app.doorstep.android.AppContainer
import app.doorstep.android.ui.common.DoorstepViewModel
import app.doorstep.kotlin.SyncState
import kotlinx.coroutines.flow.StateFlow

/** The sync screen: the core's status (pending, last sync, needs attention) and the running sync. */
class SyncViewModel(container: AppContainer) : DoorstepViewModel(container) {

    /** Where syncing stands (the Kotlin layer's flow), if the store is open. */
    val state: StateFlow<SyncState>? = container.openedOrNull()?.syncState

    /** Reads the status again. */
    fun load() = call { doorstep -> doorstep.refreshSyncStatus() }

    /** Syncs now, in this screen's scope (the worker handles the rest in the background). */
    fun syncNow() = call { doorstep -> doorstep.sync(container.transport) }

    /** Puts refused changes back in the queue, after the cause was dealt with, and asks for a sync. */
    fun retryNeedsAttention() = call { doorstep ->
        doorstep.retryNeedsAttention()
        changed()
    }
}
