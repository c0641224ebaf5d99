package app.doorstep.kotlin

import app.doorstep.ffi.DoorstepException
import app.doorstep.ffi.VisitAnswers

/**
 * [VisitAnswers] with the core's defaults for every answer not given, by name: a form names only
 * what it has (`visitAnswers(childSeen = true, childSeenAlone = true)`). Counts are `Int`; a
 * negative count is [DoorstepException.InvalidInput]. Nothing is decided here: the core validates
 * whatever comes back. (Screens usually build answers one question at a time with the core's
 * `withAnswer` instead.)
 */
fun visitAnswers(
    childSeen: Boolean? = null,
    notSeenReason: String? = null,
    followUpAction: String? = null,
    childSeenAlone: Boolean = false,
    childSpokenToAlone: Boolean = false,
    notAloneReason: String? = null,
    sleepingAreaSeen: Boolean = false,
    othersPresentAnswered: Boolean = false,
    knownAdultsPresent: List<String> = emptyList(),
    unknownAdults: Int = 0,
    unknownAdultDescriptions: List<String> = emptyList(),
    adultsPresentWhenSpokenTo: Int = 0,
    engagement: String? = null,
    injuriesObserved: String? = null,
    concerns: List<String> = emptyList(),
    actionsAgreed: List<String> = emptyList(),
): VisitAnswers = VisitAnswers(
    childSeen = childSeen,
    notSeenReason = notSeenReason,
    followUpAction = followUpAction,
    childSeenAlone = childSeenAlone,
    childSpokenToAlone = childSpokenToAlone,
    notAloneReason = notAloneReason,
    sleepingAreaSeen = sleepingAreaSeen,
    othersPresentAnswered = othersPresentAnswered,
    knownAdultsPresent = knownAdultsPresent,
    unknownAdults = count("unknown adults", unknownAdults),
    unknownAdultDescriptions = unknownAdultDescriptions,
    adultsPresentWhenSpokenTo = count("adults present when spoken to", adultsPresentWhenSpokenTo),
    engagement = engagement,
    injuriesObserved = injuriesObserved,
    concerns = concerns,
    actionsAgreed = actionsAgreed,
)

private fun count(field: String, value: Int): UInt {
    if (value < 0) throw DoorstepException.InvalidInput("The $field cannot be negative")
    return value.toUInt()
}
