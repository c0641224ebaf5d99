package app.doorstep.android.ui.visit

import app.doorstep.ffi.VisitId
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.lifecycle.SavedStateHandle
import androidx.lifecycle.viewModelScope
import app.doorstep.android.AppContainer
import app.doorstep.android.ui.common.DoorstepViewModel
import app.doorstep.ffi.Answer
import app.doorstep.ffi.DoorstepException
import app.doorstep.ffi.VisitAnswers
import app.doorstep.ffi.VisitForm
import app.doorstep.ffi.VisitSaved
import app.doorstep.ffi.withAnswer
import app.doorstep.kotlin.userMessage
import app.doorstep.ffi.emptyAnswers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.collectLatest
import kotlinx.coroutines.flow.filterNotNull
import kotlinx.coroutines.launch

/**
 * The record-visit form. Every change goes to the core (`visitForm(visitId, answers)`), which
 * answers with the questions to ask now, the messages under each and whether it can be saved;
 * the screen draws that and nothing else. Every change is also saved as the visit's sealed draft
 * (`saveDraft`): a phone call, a lock or a killed app loses nothing, and the form resumes from
 * the draft. The draft goes when the visit is saved or the practitioner discards it.
 */
class RecordVisitViewModel(container: AppContainer, handle: SavedStateHandle) : DoorstepViewModel(container) {

    private val visitId = VisitId(checkNotNull(handle["visitId"]))

    /** Null until the practitioner answers something: the core then starts checking. */
    private val answerFlow = MutableStateFlow<VisitAnswers?>(null)

    /** The answers so far (for the widgets). */
    var answers by mutableStateOf<VisitAnswers?>(null)
        private set

    /** The form as the core last drew it. */
    var form by mutableStateOf<VisitForm?>(null)
        private set

    /** The saved visit (with warnings to reflect on), once saved. */
    var saved by mutableStateOf<VisitSaved?>(null)
        private set

    init {
        call { doorstep ->
            val draft = doorstep.draft(visitId)?.answers
            answers = draft
            form = doorstep.visitForm(visitId, draft)
        }
        viewModelScope.launch {
            // Latest answers only: a slow answer for an older keystroke is dropped (its draft
            // write is not: saveDraft runs before the form is asked for again).
            answerFlow.filterNotNull().collectLatest { current ->
                try {
                    val doorstep = container.open()
                    doorstep.saveDraft(visitId, current)
                    form = doorstep.visitForm(visitId, current)
                } catch (e: DoorstepException) {
                    error = e.userMessage
                }
            }
        }
    }

    /** Throws the answers so far away (the practitioner's choice) and starts the form again. */
    fun discardDraft() = call { doorstep ->
        doorstep.discardDraft(visitId)
        answers = null
        form = doorstep.visitForm(visitId, null)
    }

    /**
     * One answer changed (the prompt's key and the widget's value). The core puts it in place
     * (`withAnswer`: a pure conversion, no I/O, so it runs here); the wrong shape is its
     * `InvalidInput`, shown like any other error.
     */
    fun edit(key: String, answer: Answer) {
        val next = try {
            withAnswer(answers ?: emptyAnswers(), key, answer)
        } catch (e: DoorstepException) {
            error = e.userMessage
            return
        }
        answers = next
        answerFlow.value = next
    }

    /** Saves the visit; the core refuses it (ValidationFailed) if a blocking rule is broken. */
    fun save() {
        val current = answers ?: return
        call { doorstep ->
            saved = doorstep.completeVisit(visitId, current)
            changed()
        }
    }

    /** Records that nobody answered or the practitioner could not get in. */
    fun recordNoAccess(reason: String, followUpAction: String) = call { doorstep ->
        saved = doorstep.recordNoAccess(visitId, reason, followUpAction)
        changed()
    }
}
