//! Text printed to a terminal: control characters neutralised. Notes, names and addresses are
//! kept as typed in the store; only what reaches the screen changes, so that an escape sequence
//! typed into (or synced into) a note cannot move the cursor, clear the screen, retitle the
//! window, hide text or reorder it.

use std::borrow::Cow;

/// Whether `c` would act on a terminal rather than show: C0 controls other than a line break,
/// DEL, C1 controls, and the bidirectional overrides and isolates that reorder what is shown.
fn acts_on_terminal(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What is shown instead of `c`: the Unicode control picture of a C0 control (`␛` for escape,
/// `␍` for carriage return), a space for a tab, and `�` for anything else that acts.
fn shown_as(c: char) -> char {
    match c {
        '\t' => ' ',
        '\u{0}'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7F}' => '\u{2421}',
        _ => '\u{FFFD}',
    }
}

/// `text` with every character that would act on a terminal replaced by a visible stand-in.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.chars().any(acts_on_terminal) {
        Cow::Owned(
            text.chars()
                .map(|c| if acts_on_terminal(c) { shown_as(c) } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// JSON text with every character that would act on a terminal written as a `\uXXXX` escape:
/// the same JSON value, exact, and safe to show. (JSON already escapes C0 controls; this also
/// covers DEL, C1 controls and the bidirectional overrides.)
pub fn escape_json(json: &str) -> Cow<'_, str> {
    if json.chars().any(acts_on_terminal) {
        let mut out = String::with_capacity(json.len() + 16);
        for c in json.chars() {
            if acts_on_terminal(c) {
                out.push_str(&format!("\\u{:04x}", c as u32));
            } else {
                out.push(c);
            }
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(json)
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn escape_sequences_and_overrides_are_shown_not_obeyed() {
        let typed = "ok\x1b[2J\x1b]0;title\x07\rover\u{9b}31m\u{202e}txt.exe\tend\x7f";
        let shown = neutralise(typed);
        assert!(
            !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{shown:?}"
        );
        assert_eq!(shown, "ok␛[2J␛]0;title␇␍over�31m�txt.exe end␡");
        assert_eq!(
            neutralise("line one\nline two — café"),
            "line one\nline two — café"
        );
    }

    #[test]
    fn json_keeps_the_exact_text_in_escapes() {
        let typed = "a\u{202e}b\u{9b}c\x7fd\x1b";
        let json = serde_json::to_string(typed).unwrap();
        let safe = super::escape_json(&json);
        assert!(
            !safe.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{safe}"
        );
        assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), typed);
    }
}
