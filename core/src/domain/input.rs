//! Checks on free-text and bounded input: clear errors, never silent truncation.

/// The most characters a name, address line or short field may have.
pub const MAX_NAME_CHARS: usize = 200;
/// The most characters a note or other long text may have.
pub const MAX_TEXT_CHARS: usize = 50_000;

/// Input that cannot be stored as given. Messages name the field, never its content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// A required field is empty or only white space.
    #[error("{field} is required")]
    Required {
        /// The field's name.
        field: &'static str,
    },
    /// A field is longer than allowed.
    #[error("{field} is too long: at most {max} characters")]
    TooLong {
        /// The field's name.
        field: &'static str,
        /// The limit.
        max: usize,
    },
    /// A field has a value that is not allowed.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field's name.
        field: &'static str,
        /// Why.
        reason: &'static str,
    },
}

/// Trims `value` and checks it is present and at most `max` characters.
pub(crate) fn required(field: &'static str, value: &str, max: usize) -> Result<String, InputError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(InputError::Required { field });
    }
    bounded(field, v, max)
}

/// Checks an optional field's length; white space alone counts as absent.
pub(crate) fn optional(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, InputError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, max).map(Some),
    }
}

fn bounded(field: &'static str, v: &str, max: usize) -> Result<String, InputError> {
    if v.chars().count() > max {
        return Err(InputError::TooLong { field, max });
    }
    if v.chars().any(|c| c == '\0') {
        return Err(InputError::Invalid {
            field,
            reason: "contains a NUL character",
        });
    }
    Ok(v.to_string())
}

/// An optional free-text field of up to [`MAX_TEXT_CHARS`] characters.
pub(crate) fn optional_text(
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<String>, InputError> {
    optional(field, value, MAX_TEXT_CHARS)
}
