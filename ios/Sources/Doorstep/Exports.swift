// The generated types (TodayView, VisitForm, DoorstepError, ...) are part of this module's API:
// the app imports `Doorstep` only.
@_exported import DoorstepFFI
