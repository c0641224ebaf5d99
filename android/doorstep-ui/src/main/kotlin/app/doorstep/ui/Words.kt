package app.doorstep.ui

/**
 * The app's own words: buttons, headings and field labels. Everything about a child, a visit, a
 * rule or a warning is worded by the core and shown as it comes. (English only for now: the
 * Android app had these in `strings.xml`; moving them to Compose resources is future work.)
 */
object Words {
    const val APP = "Doorstep"
    const val BACK = "Back"
    const val CANCEL = "Cancel"
    const val DONE = "Done"
    const val YES = "Yes"
    const val NO = "No"
    const val NOT_NOW = "Not now"
    const val SAVE = "Save"

    const val SET_UP_TITLE = "Set up Doorstep"
    const val SET_UP_EXPLAIN = "Your records are kept on this device, sealed under a passphrase only you know."
    const val YOUR_NAME = "Your name"
    const val YOUR_AGENCY = "Your agency"
    const val TEAM = "Team (optional)"
    const val SET_UP = "Set up"

    const val UNLOCK_TITLE = "Unlock Doorstep"
    const val PASSPHRASE = "Passphrase"
    const val UNLOCK = "Unlock"
    const val UNLOCK_BIOMETRIC = "Unlock with fingerprint or face"
    const val ENROL_BIOMETRIC_TITLE = "Unlock with fingerprint or face?"
    const val ENROL_BIOMETRIC_TEXT = "Next time you can unlock with your fingerprint or face. Your passphrase still works."
    const val ENROL_BIOMETRIC_YES = "Set up"

    const val ENROL_TITLE = "Set up this phone"
    const val ENROL_EXPLAIN = "Enter the server address and the one-time code from your administrator, and choose a passphrase."
    const val SERVER_ADDRESS = "Server address"
    const val ENROL_CODE = "One-time code"
    const val NEW_PASSPHRASE = "New passphrase"
    const val OLD_PASSPHRASE = "Current passphrase"
    const val REPEAT_PASSPHRASE = "New passphrase again"
    const val PASSPHRASES_DIFFER = "The two new passphrases are not the same."
    const val CHANGE_PASSPHRASE = "Change passphrase"
    const val PASSPHRASE_CHANGED = "Passphrase changed."

    const val TODAY = "Today"
    const val NO_VISITS_TODAY = "No visits planned today."
    const val CASELOAD = "Caseload"
    const val NO_CASES = "No open cases."
    const val ALERTS = "Alerts"
    const val PLAN = "Plan"
    const val MENU = "More"
    const val LOCK = "Lock"
    const val UNANNOUNCED = "UNANNOUNCED"
    const val CHECK_IN = "Check in"
    const val CHECK_OUT = "Check out"
    const val CHECK_OUT_SAFE = "Check out: I am safe"
    const val RECORD_VISIT = "Record visit"
    const val LONE_WORKING = "Lone working"
    const val OPEN_CHILD = "Open"

    const val NOTES = "Notes"
    const val DUE = "Due"
    const val CHRONOLOGY = "Chronology"
    const val WHY = "Why"
    const val CHANGE_RAG = "Change rating"
    const val RAG_RATING = "Rating"
    const val RAG_REASON = "Why this rating"
    const val PLAN_VISIT = "Plan a visit"
    const val LOG_CALL = "Log a call"
    const val CALL_ANSWERED = "Record the call"
    const val CALL_UNANSWERED = "Nobody answered"

    const val VISIT_KIND = "Kind of contact"
    const val VISIT_DATE = "Date (DD/MM/YYYY)"
    const val VISIT_TIME = "Time (24-hour, HH:MM)"
    const val VISIT_MINUTES = "Expected minutes"
    const val DEPARTURE_REASON = "Why not face to face"

    const val ADD_HOUSEHOLD = "Add a household"
    const val ADDRESS = "Address"
    const val POSTCODE = "Postcode"
    const val ACCESS_NOTES = "How to get in (optional)"
    const val ADD_PERSON = "Add a person"
    const val PERSON_NAME = "Name"
    const val PERSON_ROLE = "Role"
    const val DATE_OF_BIRTH = "Date of birth (DD/MM/YYYY)"
    const val EXPECTED_DATE = "Expected date (DD/MM/YYYY)"
    const val RELATIONSHIP = "Relationship to the child"
    const val PEOPLE_ADDED = "People in this household"
    const val OPEN_CASE = "Open a case"
    const val CASE_PLAN = "Plan"
    const val FINISH = "Finish"

    const val NO_ACCESS = "Could not get in"
    const val DECLINED = "Family declined"
    const val CANCELLED = "Cancel visit"
    const val OUTCOME_REASON = "What happened"
    const val CANCEL_REASON = "Why it is cancelled"
    const val FOLLOW_UP_ACTION = "What you will do next, and by when"
    const val SAVE_OUTCOME = "Save"
    const val SAVE_VISIT = "Save visit"
    const val DRAFT_RESUMED = "Carried on from where you stopped: your answers are kept sealed on this phone until you save or discard them."
    const val DISCARD_DRAFT = "Discard these answers"
    const val SAVED = "Saved"
    const val UNKNOWN_ADULTS = "Adults you did not know"
    const val UNKNOWN_ADULT_N = "Describe adult"
    const val NOBODY_ELSE = "Nobody else was there"
    const val ADD_LINE = "Add"
    const val DECREASE = "One fewer"
    const val INCREASE = "One more"

    const val FAMILY_COPY = "Family's copy"
    const val FAMILY_COPY_OFFER = "Give the family a copy"
    const val FAMILY_COPY_FOR = "Who is this copy for?"
    const val FAMILY_COPY_NOBODY = "Nobody can be given a copy of this visit: a copy goes to a parent or carer in the child's household, once the visit is completed."
    const val FAMILY_COPY_LEFT_OUT = "Left out of the copy"
    const val LARGE_PRINT = "Large print"
    const val GIVE_COPY = "Give the copy"
    const val FAMILY_COPY_GIVEN = "The copy is made and shown in the child's chronology as given."
    const val FAMILY_COPY_NOT_HANDED = "The copy was made but could not be handed on here. Try again."

    /** The copy's file name as the print queue, share sheet or folder shows it: no name of the family. */
    const val FAMILY_COPY_FILE = "visit-summary.pdf"

    const val ADD_NOTE = "Add note"
    const val AMEND = "Amend"
    const val HISTORY = "History"
    const val SIGNIFICANT = "Significant event"

    const val SYNC = "Sync"
    const val SYNC_NOW = "Sync now"
    const val LAST_SYNC = "Last sync"
    const val NEEDS_ATTENTION = "Needs attention"
    const val RETRY_NEEDS_ATTENTION = "Send these again"
    const val NOT_ENROLLED = "This device is not enrolled with a sync server: changes stay on it."

    const val PLAN_TITLE = "Four-week plan"
    const val BOOK_PLAN = "Book these visits"
    const val BOOKED = "Booked"
    const val SHORTFALLS = "Will be missed"
    const val PATTERN_WARNINGS = "Patterns a family could learn"
    const val MORE_ALERTS = "More alerts"

    /** The expected length of a visit. */
    fun expectedMinutes(n: String) = "Expected length: $n minutes"

    /** "Sync (n)" on Today's top bar. */
    fun syncPending(n: String) = "Sync ($n)"

    /** A line of sync progress. */
    fun syncProgress(sent: String, received: String, remaining: String) =
        "Sent $sent · received $received · $remaining to go"
}
