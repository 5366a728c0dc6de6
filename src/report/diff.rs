//! `check --diff`: unified diffs of what `clean` would do. Stdout carries the
//! patch and nothing else; the summary goes to stderr.

use super::{CorpusFindings, FileReport, Printer, Summary, Texts};
use similar::TextDiff;
use std::io::{self, Write};

pub struct DiffPrinter<W: Write> {
    out: W,
}

impl<W: Write> DiffPrinter<W> {
    pub fn new(out: W) -> Self {
        DiffPrinter { out }
    }
}

/// A unified diff between two texts, with `a/` and `b/` headers like git's.
pub fn unified_diff(path: &str, input: &str, output: &str) -> String {
    let diff = TextDiff::from_lines(input, output);
    diff.unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .missing_newline_hint(true)
        .to_string()
}

impl<W: Write> Printer for DiffPrinter<W> {
    fn wants_texts(&self) -> bool {
        true
    }
    /// The patch is made from the texts.
    fn wants_edit_positions(&self) -> bool {
        false
    }

    fn file(&mut self, report: &FileReport, texts: Option<&Texts>) -> io::Result<()> {
        if let Some(t) = texts {
            if t.input != t.output {
                self.out
                    .write_all(unified_diff(&report.path, t.input, t.output).as_bytes())?;
            }
        }
        Ok(())
    }

    /// Corpus findings have no diff: they go to stderr, like the summary.
    fn corpus(&mut self, findings: CorpusFindings) -> io::Result<()> {
        for f in findings {
            let f = f?;
            eprintln!(
                "{}: {} {}: {}",
                f.path,
                f.severity.as_str(),
                f.rule,
                f.message
            );
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.out.flush()?;
        eprintln!(
            "{} files: {} would change, {} findings, {} errors",
            summary.files, summary.changed, summary.findings, summary.errors
        );
        Ok(())
    }
}
