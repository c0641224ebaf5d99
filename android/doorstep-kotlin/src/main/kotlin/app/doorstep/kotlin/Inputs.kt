package app.doorstep.kotlin

import app.doorstep.ffi.PersonId
import app.doorstep.ffi.VisitAnswers
import app.doorstep.ffi.emptyAnswers

/**
 * Builds [VisitAnswers] by setting only what the caller knows:
 * `visitAnswers { childSeen = true; childSeenAlone = true }`. It starts from [from], by default
 * the core's fresh answers (`emptyAnswers()`), so the core stays the one place that knows what an
 * unanswered question holds. Nothing is checked or decided here: the core validates whatever it is
 * given (a negative count, or one above the form's `maxCount`, is `DoorstepException.InvalidInput`
 * when the answers are recorded and a message under the question on the form). Screens usually
 * build answers one question at a time with the core's `withAnswer` instead.
 */
class VisitAnswersBuilder(from: VisitAnswers = emptyAnswers()) {
    /** The child was seen; `null` until answered. */
    var childSeen: Boolean? = from.childSeen
    /** Why not, when the child was not seen. */
    var notSeenReason: String? = from.notSeenReason
    /** What will be done to see the child. */
    var followUpAction: String? = from.followUpAction
    /** The child was seen alone. */
    var childSeenAlone: Boolean = from.childSeenAlone
    /** The child was spoken to alone. */
    var childSpokenToAlone: Boolean = from.childSpokenToAlone
    /** Why the child was not seen or spoken to alone. */
    var notAloneReason: String? = from.notAloneReason
    /** The sleeping area was seen. */
    var sleepingAreaSeen: Boolean = from.sleepingAreaSeen
    /** "Who else is in the home" was answered (empty lists then mean "nobody else"). */
    var othersPresentAnswered: Boolean = from.othersPresentAnswered
    /** Known adults of the household who were present. */
    var knownAdultsPresent: List<PersonId> = from.knownAdultsPresent
    /** Adults present whom the practitioner does not know. */
    var unknownAdults: Int = from.unknownAdults
    /** How each unknown adult was described. */
    var unknownAdultDescriptions: List<String> = from.unknownAdultDescriptions
    /** Adults present when the child was spoken to. */
    var adultsPresentWhenSpokenTo: Int = from.adultsPresentWhenSpokenTo
    /** How the family engaged: a code of the form's `engagementChoices`. */
    var engagement: String? = from.engagement
    /** Injuries observed, described. */
    var injuriesObserved: String? = from.injuriesObserved
    /** Concerns raised. */
    var concerns: List<String> = from.concerns
    /** Actions agreed. */
    var actionsAgreed: List<String> = from.actionsAgreed

    /** The answers as set. */
    fun build(): VisitAnswers = VisitAnswers(
        childSeen = childSeen,
        notSeenReason = notSeenReason,
        followUpAction = followUpAction,
        childSeenAlone = childSeenAlone,
        childSpokenToAlone = childSpokenToAlone,
        notAloneReason = notAloneReason,
        sleepingAreaSeen = sleepingAreaSeen,
        othersPresentAnswered = othersPresentAnswered,
        knownAdultsPresent = knownAdultsPresent,
        unknownAdults = unknownAdults,
        unknownAdultDescriptions = unknownAdultDescriptions,
        adultsPresentWhenSpokenTo = adultsPresentWhenSpokenTo,
        engagement = engagement,
        injuriesObserved = injuriesObserved,
        concerns = concerns,
        actionsAgreed = actionsAgreed,
    )
}

/** [VisitAnswers] from [from] (the core's fresh answers by default) with what [set] sets. */
fun visitAnswers(from: VisitAnswers = emptyAnswers(), set: VisitAnswersBuilder.() -> Unit): VisitAnswers =
    VisitAnswersBuilder(from).apply(set).build()
