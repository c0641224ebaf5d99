package app.doorstep.kotlin

import app.doorstep.ffi.VisitAnswers

/**
 * [VisitAnswers] with the core's defaults for every answer not given (the generated record has
 * no defaults, so a form would otherwise name all sixteen). Nothing is decided here: the core
 * validates whatever comes back.
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
    unknownAdults: UInt = 0u,
    unknownAdultDescriptions: List<String> = emptyList(),
    adultsPresentWhenSpokenTo: UInt = 0u,
    engagement: String? = null,
    injuriesObserved: String? = null,
    concerns: List<String> = emptyList(),
    actionsAgreed: List<String> = emptyList(),
): VisitAnswers = VisitAnswers(
    childSeen, notSeenReason, followUpAction, childSeenAlone, childSpokenToAlone, notAloneReason,
    sleepingAreaSeen, othersPresentAnswered, knownAdultsPresent, unknownAdults,
    unknownAdultDescriptions, adultsPresentWhenSpokenTo, engagement, injuriesObserved, concerns,
    actionsAgreed,
)
