//! `fettle records --check`: what would change and what was found, one
//! line each, named by input and line number.

use super::report_field::RecordReport;
use std::io::{self, Write};

/// Write the check lines of one record (none when it is clean).
pub fn write_record(
    out: &mut dyn Write,
    input: &str,
    line: u64,
    report: &RecordReport,
) -> io::Result<()> {
    if report.changed {
        let rules: Vec<String> = report
            .edits_per_rule
            .iter()
            .map(|(rule, n)| format!("{rule} {n}"))
            .collect();
        let edits = report.edit_count();
        writeln!(
            out,
            "{input}:{line}: would change: {edits} edit{} ({})",
            if edits == 1 { "" } else { "s" },
            rules.join(", ")
        )?;
    }
    for f in &report.findings {
        writeln!(
            out,
            "{input}:{line}: {} {}: {} (characters {}..{} of the text)",
            f.severity.as_str(),
            f.rule,
            f.message,
            f.start,
            f.end
        )?;
    }
    Ok(())
}
