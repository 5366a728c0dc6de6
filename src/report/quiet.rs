//! `--quiet`: only the files that need attention (would change, have
//! findings, or could not be read) and the corpus findings; no line for
//! clean files and no totals.

use super::{CorpusFindings, FileReport, Printer, Status, Summary, Texts};
use std::io;

pub struct QuietPrinter<P> {
    inner: P,
}

impl<P: Printer> QuietPrinter<P> {
    pub fn new(inner: P) -> Self {
        QuietPrinter { inner }
    }
}

impl<P: Printer> Printer for QuietPrinter<P> {
    fn file(&mut self, report: &FileReport, texts: Option<&Texts>) -> io::Result<()> {
        let quiet = matches!(report.status, Status::Clean | Status::Binary)
            && report.edits.is_empty()
            && report.findings.is_empty();
        if quiet {
            return Ok(());
        }
        self.inner.file(report, texts)
    }

    fn corpus(&mut self, findings: CorpusFindings) -> io::Result<()> {
        self.inner.corpus(findings)
    }

    fn reads_corpus_findings(&self) -> bool {
        self.inner.reads_corpus_findings()
    }

    /// The totals line is what `--quiet` leaves out.
    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }

    fn wants_texts(&self) -> bool {
        self.inner.wants_texts()
    }

    fn wants_edit_positions(&self) -> bool {
        self.inner.wants_edit_positions()
    }
}
