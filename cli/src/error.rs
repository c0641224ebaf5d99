//! Turning any failure into the one line printed on stderr.

use doorstep_core::StoreError;

/// The error as one clear line, without personal data (the core's messages never contain any,
/// and the CLI's own never repeat what was typed).
pub fn one_line(e: &anyhow::Error) -> String {
    let text = match e.downcast_ref::<StoreError>() {
        Some(StoreError::Validation(issues)) => {
            let msgs: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
            format!("cannot save: {}", msgs.join(" | "))
        }
        Some(StoreError::Offline(why)) => {
            format!("sync failed: {why}; everything stays queued, sync again later")
        }
        Some(s) => s.to_string(),
        None => format!("{e:#}"),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The error as JSON, for `--json`: the line, and the practice rules broken when there are any.
pub fn json(e: &anyhow::Error) -> serde_json::Value {
    let issues = match e.downcast_ref::<StoreError>() {
        Some(StoreError::Validation(issues)) => serde_json::to_value(issues).unwrap_or_default(),
        _ => serde_json::Value::Array(Vec::new()),
    };
    serde_json::json!({ "error": one_line(e), "issues": issues })
}
