package app.doorstep.kotlin

import java.nio.CharBuffer
import java.nio.charset.CodingErrorAction
import java.nio.charset.StandardCharsets

/**
 * Runs [block] with [passphrase] as UTF-8 bytes, then wipes both the bytes and the characters
 * (the core wipes its own copy). A passphrase is never a `String`: a `String` cannot be wiped and
 * lingers in the heap until collected.
 */
internal inline fun <T> withPassphraseBytes(passphrase: CharArray, block: (ByteArray) -> T): T {
    val bytes = utf8(passphrase)
    try {
        return block(bytes)
    } finally {
        bytes.fill(0)
        passphrase.fill('\u0000')
    }
}

/** As [withPassphraseBytes], for an optional passphrase. */
internal inline fun <T> withOptionalPassphraseBytes(passphrase: CharArray?, block: (ByteArray?) -> T): T =
    if (passphrase == null) block(null) else withPassphraseBytes(passphrase, block)

/** The UTF-8 bytes of [chars], with no intermediate `String` and the encoder's buffer wiped. */
internal fun utf8(chars: CharArray): ByteArray {
    val encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE)
    val buffer = encoder.encode(CharBuffer.wrap(chars))
    val out = ByteArray(buffer.remaining())
    buffer.get(out)
    if (buffer.hasArray()) buffer.array().fill(0)
    return out
}
