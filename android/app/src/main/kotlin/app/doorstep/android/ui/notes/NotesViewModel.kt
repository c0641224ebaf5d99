package app.doorstep.android.ui.notes

import app.doorstep.ffi.NoteId
import app.doorstep.ffi.CaseId
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.lifecycle.SavedStateHandle
import app.doorstep.android.AppContainer
import app.doorstep.android.ui.common.DoorstepViewModel
import app.doorstep.ffi.NoteThreadLine

/** A case's notes: append-only; an amendment keeps the original (the core keeps the chain). */
class NotesViewModel(container: AppContainer, handle: SavedStateHandle) : DoorstepViewModel(container) {

    private val caseId = CaseId(checkNotNull(handle["caseId"]))

    /** Newest first, each with its history. */
    var notes by mutableStateOf<List<NoteThreadLine>>(emptyList())
        private set

    /** Reads the notes again. */
    fun load() = call { doorstep -> notes = doorstep.notes(caseId) }

    /** Appends a note. */
    fun add(text: String, significant: Boolean) = call { doorstep ->
        doorstep.addNote(caseId, text, significant)
        notes = doorstep.notes(caseId)
        changed()
    }

    /** Amends a note; [significant] null keeps the original's flag. */
    fun amend(noteId: NoteId, text: String, significant: Boolean?) = call { doorstep ->
        doorstep.amendNote(noteId, text, significant)
        notes = doorstep.notes(caseId)
        changed()
    }
}
