package app.doorstep.kotlin

import app.doorstep.ffi.DoorstepException

/**
 * The stable code of this error ("Locked", "ValidationFailed", ...), as the core and the
 * documentation name it. It comes from the core (`DoorstepException.code()`), never from a class
 * name, so a shrinker renaming classes changes nothing.
 */
val DoorstepException.code: String
    get() = code()

/**
 * Whether a sync that failed with this error is tried again later by the platform's scheduler
 * without anyone acting: the core's one answer, used by Android and iOS alike.
 */
val DoorstepException.retryable: Boolean
    get() = isRetryable()

/**
 * The message to show the practitioner. The core writes it for people and never puts personal
 * data, key material or note text in it.
 */
val DoorstepException.userMessage: String
    get() = userMessage().takeIf { it.isNotBlank() } ?: "Something went wrong ($code)"
