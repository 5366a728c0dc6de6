//! What a `fettle records` run tells on stderr: each bad line and unreadable
//! input as it comes, and the totals at the end.

use super::record::{Done, Verdict};
use crate::finding::Severity;
use std::fmt;

/// Totals of a run; they decide the exit code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub records: u64,
    pub changed: u64,
    pub edits: u64,
    pub findings: u64,
    /// Findings of warning or error severity: the ones `--check` fails on.
    pub failing_findings: u64,
    /// Lines passed through unchanged because they are not records.
    pub bad_lines: u64,
    /// Inputs that could not be opened or read to the end.
    pub input_errors: u64,
}

impl Summary {
    /// Count one processed line.
    pub fn add(&mut self, done: &Done) {
        match &done.verdict {
            Verdict::Record(report) => {
                self.records += 1;
                self.changed += u64::from(report.changed);
                self.edits += report.edit_count() as u64;
                self.findings += report.findings.len() as u64;
                self.failing_findings += report
                    .findings
                    .iter()
                    .filter(|f| f.severity >= Severity::Warning)
                    .count() as u64;
            }
            Verdict::Bad(_) => self.bad_lines += 1,
        }
    }

    /// Any bad line or unreadable input: exit 2.
    pub fn has_errors(&self) -> bool {
        self.bad_lines > 0 || self.input_errors > 0
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "{}, {} changed, {}, {}, {} passed through unchanged",
            plural(self.records, "record", "records"),
            self.changed,
            plural(self.edits, "edit", "edits"),
            plural(self.findings, "finding", "findings"),
            plural(self.bad_lines, "bad line", "bad lines"),
        )?;
        if self.input_errors > 0 {
            write!(
                f,
                ", {}",
                plural(self.input_errors, "unreadable input", "unreadable inputs")
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_read_as_a_sentence() {
        let s = Summary {
            records: 1,
            changed: 1,
            edits: 2,
            bad_lines: 1,
            ..Summary::default()
        };
        assert_eq!(
            s.to_string(),
            "1 record, 1 changed, 2 edits, 0 findings, 1 bad line passed through unchanged"
        );
        assert!(s.has_errors());
    }
}
