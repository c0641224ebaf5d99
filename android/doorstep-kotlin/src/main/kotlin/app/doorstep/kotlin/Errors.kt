package app.doorstep.kotlin

import app.doorstep.ffi.DoorstepException

/**
 * The stable code of this error ("Locked", "ValidationFailed", ...), as the core and the
 * documentation name it: the generated subclass's name, which is the Rust variant's name. (The
 * Android app keeps `app.doorstep.ffi.**` from R8 renaming, as JNA needs anyway.)
 */
val DoorstepException.code: String
    get() = javaClass.simpleName

/**
 * The message to show the practitioner. The core writes it for people and never puts personal
 * data, key material or note text in it.
 */
val DoorstepException.userMessage: String
    get() = message?.takeIf { it.isNotBlank() } ?: "Something went wrong ($code)"

