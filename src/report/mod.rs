//! Stage 5, report: what happened to each file, and the printers that show it.
//!
//! Processing and printing meet only here: the runner builds a [`FileReport`]
//! per file and hands it to a [`Printer`]. A new output format is a new
//! printer; it never touches the pipeline.

pub mod baseline;
mod diff;
pub mod github;
pub mod helpers;
pub mod html;
mod human;
mod json;
pub mod markdown;
pub mod names;
mod quiet;
pub mod sarif;
mod statistics;

pub use diff::DiffPrinter;
pub use github::GithubPrinter;
pub use html::HtmlPrinter;
pub use human::{DetectPrinter, HumanPrinter};
pub use json::JsonPrinter;
pub use markdown::MarkdownPrinter;
pub use quiet::QuietPrinter;
pub use sarif::SarifPrinter;
pub use statistics::StatisticsPrinter;

use crate::decode::LineEndings;
use crate::edit::{Confidence, Edit};
use crate::finding::Severity;
use crate::line_col::LineScan;
use crate::pipeline::{Processed, TextResult};
pub use crate::validate::corpus::{CorpusCounts, CorpusFinding, CorpusFindings};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io;

/// Version of the JSON report schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Nothing to change and no findings of severity warning or error (a
    /// file whose only findings are `info` is clean: info never fails `check`).
    Clean,
    /// The cleaned file differs from the input, or it has warning/error findings.
    Changed,
    /// Not text; skipped.
    Binary,
    /// Could not be processed; `error` says why.
    Error,
}

/// One edit as reported: the recorded change plus its line and column, as
/// [`Edits::iter`] gives it (the report holds its edits compactly).
#[derive(Debug, Clone, Serialize)]
pub struct EditRecord<'a> {
    pub rule: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub merged: &'static [&'static str],
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (in characters) of `start`; both 0 when the
    /// run's printers do not show them ([`Printer::wants_edit_positions`]).
    pub line: usize,
    pub column: usize,
    pub before: &'a str,
    pub after: &'a str,
    pub confidence: Confidence,
}

/// A file's edits, as the pipeline recorded them: a file with millions of
/// edits is reported without a copy of each. What an edit replaced is
/// copied out of the input into one string (the report outlives the
/// input), and lines and columns are kept apart, only when asked for.
#[derive(Debug, Clone, Default)]
pub struct Edits {
    list: Vec<Edit>,
    /// The text each edit replaced, one after the other.
    befores: String,
    /// Line and column of each edit's start (saturated at `u32::MAX`), or
    /// empty when they were not asked for.
    positions: Vec<(u32, u32)>,
}

impl Edits {
    /// The edits of `original` (sorted and apart, as the pipeline gives
    /// them); with `positions`, their lines and columns.
    pub fn new(list: Vec<Edit>, original: &str, positions: bool) -> Edits {
        let size = list.iter().map(|e| e.end - e.start).sum();
        let mut befores = String::with_capacity(size);
        for e in &list {
            befores.push_str(e.before(original));
        }
        let positions = if positions {
            let mut scan = LineScan::new(original);
            let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            list.iter()
                .map(|e| {
                    let (line, column) = scan.line_col(e.start);
                    (narrow(line), narrow(column))
                })
                .collect()
        } else {
            Vec::new()
        };
        Edits {
            list,
            befores,
            positions,
        }
    }
    pub fn len(&self) -> usize {
        self.list.len()
    }
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
    /// The edits in order.
    pub fn iter(&self) -> EditsIter<'_> {
        EditsIter {
            edits: self,
            next: 0,
            before_at: 0,
        }
    }
    /// Keep the edits `keep` says to.
    pub fn retain(&mut self, mut keep: impl FnMut(&EditRecord) -> bool) {
        let kept: Vec<bool> = self.iter().map(|e| keep(&e)).collect();
        let mut befores = String::new();
        let mut at = 0;
        let mut i = 0;
        self.list.retain(|e| {
            let before = &self.befores[at..at + (e.end - e.start)];
            at += before.len();
            i += 1;
            if kept[i - 1] {
                befores.push_str(before);
            }
            kept[i - 1]
        });
        self.befores = befores;
        if !self.positions.is_empty() {
            let mut i = 0;
            self.positions.retain(|_| {
                i += 1;
                kept[i - 1]
            });
        }
    }
}

/// The edits of [`Edits`] in order, as [`EditRecord`]s.
pub struct EditsIter<'a> {
    edits: &'a Edits,
    next: usize,
    /// Where the next edit's `before` starts in `edits.befores`.
    before_at: usize,
}

impl<'a> Iterator for EditsIter<'a> {
    type Item = EditRecord<'a>;
    fn next(&mut self) -> Option<EditRecord<'a>> {
        let i = self.next;
        let e = self.edits.list.get(i)?;
        self.next += 1;
        let before = &self.edits.befores[self.before_at..self.before_at + (e.end - e.start)];
        self.before_at += before.len();
        let (line, column) = self.edits.positions.get(i).copied().unwrap_or((0, 0));
        Some(EditRecord {
            rule: e.rule(),
            merged: e.merged(),
            start: e.start,
            end: e.end,
            line: line as usize,
            column: column as usize,
            before,
            after: e.after.as_str(),
            confidence: e.confidence(),
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.edits.list.len() - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for EditsIter<'_> {}

impl<'a> IntoIterator for &'a Edits {
    type Item = EditRecord<'a>;
    type IntoIter = EditsIter<'a>;
    fn into_iter(self) -> EditsIter<'a> {
        self.iter()
    }
}

impl Serialize for Edits {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingRecord {
    pub rule: &'static str,
    pub severity: Severity,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// A fix withheld for want of confidence: what it would have written
    /// (see `crate::applicability`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Box<crate::finding::Proposal>>,
}

/// How the file was decoded.
#[derive(Debug, Clone, Serialize)]
pub struct EncodingInfo {
    pub name: &'static str,
    pub method: &'static str,
    pub confidence: Confidence,
    pub bom: Option<&'static str>,
    pub undecodable: usize,
    pub line_endings: LineEndings,
    /// 0..1: how sure detection is (1 for BOMs, valid UTF-8 and forced).
    pub score: f32,
    /// The best alternative that decodes to different text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_up: Option<RunnerUp>,
    /// The top candidates decode differently and the evidence is thin.
    pub ambiguous: bool,
    /// The language detection read a legacy file in (ISO 639-1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<&'static str>,
}

/// The second-best encoding of a detection.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RunnerUp {
    pub name: &'static str,
    pub score: f32,
}

/// Everything fettle knows about one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The file's name as printed: control characters and bytes that are
    /// not UTF-8 escaped (see [`names::shown`]).
    pub path: String,
    /// The name's exact bytes, when `path` is not the name itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_bytes: Option<Vec<u8>>,
    pub status: Status,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<EncodingInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Number of edits per rule.
    pub counts: BTreeMap<&'static str, usize>,
    pub edits: Edits,
    pub findings: Vec<FindingRecord>,
}

impl FileReport {
    pub fn error(path: String, size: u64, message: String) -> Self {
        FileReport {
            path,
            path_bytes: None,
            status: Status::Error,
            size,
            encoding: None,
            binary: None,
            error: Some(message),
            counts: BTreeMap::new(),
            edits: Edits::default(),
            findings: Vec::new(),
        }
    }

    /// The report of a processed file. Its edits and findings are moved into
    /// the report (not copied): `processed` keeps its texts, no longer its
    /// edits and findings.
    /// `edit_positions`: find each edit's line and column (else both are 0;
    /// see [`Printer::wants_edit_positions`]).
    pub fn from_processed(
        path: String,
        size: u64,
        processed: &mut Processed,
        edit_positions: bool,
    ) -> Self {
        match processed {
            Processed::Binary(reason) => FileReport {
                status: Status::Binary,
                binary: Some(reason.clone()),
                error: None,
                ..FileReport::error(path, size, String::new())
            },
            Processed::Text(t) => FileReport::from_text(path, size, t, edit_positions),
        }
    }

    fn from_text(path: String, size: u64, t: &mut TextResult, edit_positions: bool) -> Self {
        let changed = t.changed();
        let text = &t.decoded.text;
        let mut finding_at = LineScan::new(text);
        // Edits per rule, counted first in a short list (a file's edits
        // come from a few rules).
        let mut tally: Vec<(&'static str, usize)> = Vec::new();
        for e in &t.edits {
            match tally.iter_mut().find(|(rule, _)| *rule == e.rule()) {
                Some((_, n)) => *n += 1,
                None => tally.push((e.rule(), 1)),
            }
        }
        let counts = tally.into_iter().collect();
        let edits = Edits::new(std::mem::take(&mut t.edits), text, edit_positions);
        let findings = std::mem::take(&mut t.findings)
            .into_iter()
            .map(|f| {
                let (line, column) = finding_at.line_col(f.start);
                FindingRecord {
                    rule: f.rule,
                    severity: f.severity,
                    start: f.start,
                    end: f.end,
                    line,
                    column,
                    message: f.message,
                    proposed: f.proposed,
                }
            })
            .collect::<Vec<_>>();
        let status = if changed || findings.iter().any(|f| f.severity >= Severity::Warning) {
            Status::Changed
        } else {
            Status::Clean
        };
        FileReport {
            path,
            path_bytes: None,
            status,
            size,
            encoding: Some(EncodingInfo {
                name: t.decoded.encoding,
                method: t.decoded.method.as_str(),
                confidence: t.decoded.confidence,
                bom: t.decoded.bom.map(|b| b.name()),
                undecodable: t.decoded.invalid.len(),
                line_endings: t.line_endings,
                score: (t.decoded.score * 100.0).round() / 100.0,
                runner_up: t.decoded.runner_up.map(|(name, score)| RunnerUp {
                    name,
                    score: (score * 100.0).round() / 100.0,
                }),
                ambiguous: t.decoded.ambiguous,
                language: t.decoded.language,
            }),
            binary: None,
            error: None,
            counts,
            edits,
            findings,
        }
    }

    /// Would cleaning change the file's bytes?
    pub fn would_change(&self) -> bool {
        self.status == Status::Changed
            && (!self.edits.is_empty()
                || self
                    .encoding
                    .as_ref()
                    .is_some_and(|e| e.bom.is_some() || e.name != "UTF-8"))
    }

    /// The change of encoding or byte-order mark cleaning makes, e.g.
    /// "re-encode windows-1252 → UTF-8, drop BOM", if any.
    pub fn reencoding(&self) -> Option<String> {
        let e = self.encoding.as_ref()?;
        let mut parts = Vec::new();
        if e.name != "UTF-8" {
            parts.push(format!("re-encode {} → UTF-8", e.name));
        }
        if e.bom.is_some() {
            parts.push("drop BOM".to_string());
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    pub fn finding_counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for f in &self.findings {
            *counts.entry(f.rule).or_insert(0) += 1;
        }
        counts
    }
}

/// Totals over a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub files: usize,
    /// Files whose bytes cleaning changes (edits or a re-encoding).
    pub changed: usize,
    /// Files left as they are but with warning or error findings.
    pub flagged: usize,
    /// Files re-encoded to UTF-8 or losing a byte-order mark (also in `changed`).
    pub reencoded: usize,
    pub clean: usize,
    pub binary: usize,
    pub errors: usize,
    pub edits: usize,
    pub findings: usize,
    pub edits_by_rule: BTreeMap<&'static str, usize>,
    /// Per-file and corpus findings per rule.
    pub findings_by_rule: BTreeMap<&'static str, usize>,
    /// Per-file and corpus findings per severity.
    pub findings_by_severity: BTreeMap<Severity, usize>,
    /// Corpus findings (also counted in `findings`).
    pub corpus_findings: usize,
    /// Files whose cleaned text `clean` or `fix` should have written and
    /// did not (their reports say why).
    #[serde(skip)]
    pub unwritten: Vec<String>,
}

impl Summary {
    pub fn add(&mut self, r: &FileReport) {
        self.files += 1;
        match r.status {
            Status::Changed if r.would_change() => self.changed += 1,
            Status::Changed => self.flagged += 1,
            Status::Clean => self.clean += 1,
            Status::Binary => self.binary += 1,
            Status::Error => self.errors += 1,
        }
        if r.status == Status::Changed && r.reencoding().is_some() {
            self.reencoded += 1;
        }
        self.edits += r.edits.len();
        self.findings += r.findings.len();
        for (rule, n) in &r.counts {
            *self.edits_by_rule.entry(rule).or_insert(0) += n;
        }
        for f in &r.findings {
            *self.findings_by_rule.entry(f.rule).or_insert(0) += 1;
            *self.findings_by_severity.entry(f.severity).or_insert(0) += 1;
        }
    }

    pub fn add_corpus(&mut self, counts: &CorpusCounts) {
        self.findings += counts.total;
        self.corpus_findings += counts.total;
        for (rule, n) in &counts.by_rule {
            *self.findings_by_rule.entry(rule).or_insert(0) += n;
        }
        for (severity, n) in &counts.by_severity {
            *self.findings_by_severity.entry(*severity).or_insert(0) += n;
        }
    }

    /// Findings of severity warning or error: what makes `check` fail.
    pub fn failing_findings(&self) -> usize {
        self.findings_by_severity
            .iter()
            .filter(|(s, _)| **s >= Severity::Warning)
            .map(|(_, n)| n)
            .sum()
    }
}

/// `n` and the noun, plural unless `n` is 1: "1 file", "2 files",
/// "1 binary" (an adjective stays as it is).
pub fn count(n: usize, noun: &str) -> String {
    let plural = match noun {
        "binary" | "clean" => noun.to_string(),
        _ if n == 1 => noun.to_string(),
        _ if noun.ends_with('y') => format!("{}ies", &noun[..noun.len() - 1]),
        _ if noun.ends_with('s') || noun.ends_with("ch") => format!("{noun}es"),
        _ => format!("{noun}s"),
    };
    format!("{n} {plural}")
}

/// The decoded input and cleaned output of a file, for printers that show text.
pub struct Texts<'a> {
    pub input: &'a str,
    pub output: &'a str,
}

/// What the run tells a printer. Implement this for a new output format.
pub trait Printer {
    /// Called once per file, in sorted path order.
    fn file(&mut self, report: &FileReport, texts: Option<&Texts>) -> io::Result<()>;
    /// Called once after the last file with the corpus rules' findings
    /// (sorted by path), when the corpus rules ran. They come as a stream
    /// read back from disk, so that memory does not grow with their number:
    /// print them one by one where the format allows (their counts are
    /// known up front); `findings.into_vec()` collects them.
    fn corpus(&mut self, _findings: CorpusFindings) -> io::Result<()> {
        Ok(())
    }
    /// Does [`Printer::corpus`] read the findings, not only their counts?
    /// (When several printers share a run, those that do not are given
    /// the counts alone, and the findings need not be held in memory.)
    fn reads_corpus_findings(&self) -> bool {
        true
    }
    /// Called once after the last file.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
    /// Does this printer need the texts (costs memory)?
    fn wants_texts(&self) -> bool {
        false
    }
    /// Does this printer read the line and column of edits? Finding them
    /// means counting the characters of every line up to each edit, a few
    /// percent of the run, wasted on a printer that shows only counts.
    fn wants_edit_positions(&self) -> bool {
        true
    }
}

/// Escape invisible and control characters so a human sees them.
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' ' => out.push(' '),
            c if c.is_control() || c.is_whitespace() || is_invisible(c) || is_combining(c) => {
                out.push_str(&format!("<U+{:04X}>", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Combining marks, shown by code point so that `e` + U+0301 is not mistaken for `é`.
fn is_combining(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{fffd}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn edit_positions_only_when_asked() {
        let text = b"one\r\ntw\xC3\xA9 two  \r\n";
        let report = |positions| {
            let mut processed = crate::pipeline::process(text, &Config::default(), None);
            FileReport::from_processed("f".into(), text.len() as u64, &mut processed, positions)
        };
        let (with, without) = (report(true), report(false));
        let at = |r: &FileReport| -> Vec<(usize, usize, usize)> {
            r.edits
                .iter()
                .map(|e| (e.start, e.line, e.column))
                .collect()
        };
        // CRLF at bytes 3 and 15, trailing blanks at 13 (column 8: `é` is
        // two bytes, one character).
        assert_eq!(at(&with), vec![(3, 1, 4), (13, 2, 8), (15, 2, 10)]);
        assert_eq!(at(&without), vec![(3, 0, 0), (13, 0, 0), (15, 0, 0)]);
        // Everything else is the same.
        assert_eq!(with.counts, without.counts);
        assert_eq!(with.status, without.status);
    }
}
