//! `--statistics`: how many edits and findings each rule made, one line per
//! rule, most first (as `ruff check --statistics`), instead of a line per
//! file.

use super::{FileReport, Printer, Summary, Texts};
use std::io::{self, Write};

pub struct StatisticsPrinter<W: Write> {
    out: W,
}

impl<W: Write> StatisticsPrinter<W> {
    pub fn new(out: W) -> Self {
        StatisticsPrinter { out }
    }
}

impl<W: Write> Printer for StatisticsPrinter<W> {
    fn file(&mut self, _report: &FileReport, _texts: Option<&Texts>) -> io::Result<()> {
        Ok(())
    }

    fn reads_corpus_findings(&self) -> bool {
        false
    }

    fn wants_edit_positions(&self) -> bool {
        false
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let mut rows: Vec<(usize, &str, &str)> = summary
            .edits_by_rule
            .iter()
            .map(|(rule, n)| (*n, *rule, "edit"))
            .chain(
                summary
                    .findings_by_rule
                    .iter()
                    .map(|(rule, n)| (*n, *rule, "finding")),
            )
            .filter(|(n, _, _)| *n > 0)
            .collect();
        rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)).then(a.2.cmp(b.2)));
        let summaries: std::collections::HashMap<&str, &str> = crate::rules::infos()
            .map(|info| (info.id, info.summary))
            .collect();
        for (n, rule, kind) in rows {
            let about = summaries.get(rule).copied().unwrap_or("");
            writeln!(self.out, "{n:>7}  {rule:<22} {kind:<8} {about}")?;
        }
        if summary.errors > 0 {
            writeln!(
                self.out,
                "{:>7}  {:<22} {:<8} files that could not be read",
                summary.errors, "error", "error"
            )?;
        }
        self.out.flush()
    }
}
