//! Output: human tables or machine-readable JSON, and short ids for people to read.

use comfy_table::{presets, ContentArrangement, Table};
use serde::Serialize;
use std::io::Write;

/// Writes one line to stdout, with control characters neutralised (see `terminal`); a closed
/// pipe (e.g. `| head`) ends the program quietly.
pub fn write_line(args: std::fmt::Arguments<'_>) {
    let text = args.to_string();
    let mut out = std::io::stdout().lock();
    if out
        .write_all(crate::terminal::neutralise(&text).as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .is_err()
    {
        std::process::exit(0);
    }
}

/// `println!` that never panics on a closed stdout.
#[macro_export]
macro_rules! outln {
    () => { $crate::output::write_line(format_args!("")) };
    ($($arg:tt)*) => { $crate::output::write_line(format_args!($($arg)*)) };
}

/// Whether to print for people or for machines.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// Print JSON instead of tables and sentences.
    pub json: bool,
}

impl Out {
    /// Prints `value` as JSON in JSON mode, or runs `human` otherwise.
    pub fn emit<T: Serialize + ?Sized>(
        &self,
        value: &T,
        human: impl FnOnce(),
    ) -> anyhow::Result<()> {
        if self.json {
            print_json(value)
        } else {
            human();
            Ok(())
        }
    }
}

/// Prints `value` as pretty JSON.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|_| anyhow::anyhow!("could not format the output as JSON"))?;
    outln!("{}", crate::terminal::escape_json(&text));
    Ok(())
}

/// The first 8 characters of an id, as shown in tables.
pub fn short(id: impl std::fmt::Display) -> String {
    id.to_string().chars().take(8).collect()
}

/// A table in the house style, as wide as the terminal (or `COLUMNS`, or 120).
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.set_content_arrangement(ContentArrangement::Dynamic);
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<u16>().ok())
        .unwrap_or(120);
    t.set_width(width.max(40));
    t.set_header(header.to_vec());
    t
}

/// Prints a table, or a sentence when it has no rows.
pub fn print_table(t: &Table, empty: &str) {
    if t.is_empty() {
        outln!("{empty}");
    } else {
        outln!("{t}");
    }
}

/// `yes` or `no`.
pub fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// An optional value, or a dash.
pub fn or_dash(v: Option<impl std::fmt::Display>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// A machine code made readable: `child_in_need` -> `child in need`.
pub fn words(code: &str) -> String {
    code.replace('_', " ")
}
