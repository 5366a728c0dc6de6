//! The default, human-readable output: a line per file, details on request,
//! a total at the end.

use super::{CorpusFindings, FileReport, Printer, Status, Summary, Texts};
use anstyle::{AnsiColor, Style};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Styles of the human output; the stream strips them when colour is off
/// (`--color`, see `cli::output`).
const PATH: Style = Style::new().bold();
const ERROR: Style = AnsiColor::Red.on_default().bold();
const CHANGE: Style = AnsiColor::Yellow.on_default();
const CLEAN: Style = AnsiColor::Green.on_default();

fn severity_style(severity: crate::finding::Severity) -> Style {
    use crate::finding::Severity;
    match severity {
        Severity::Error => ERROR,
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
        Severity::Info => AnsiColor::Cyan.on_default(),
    }
}

/// How many findings per rule and file are listed before "and N more".
const LIST_LIMIT: usize = 10;

pub struct HumanPrinter<W: Write> {
    out: W,
    /// List individual findings (check) rather than only counts (clean).
    pub list_findings: bool,
    /// Verb for files that change: "cleaned", "would change", "fixed".
    pub verb: &'static str,
}

impl<W: Write> HumanPrinter<W> {
    pub fn new(out: W, list_findings: bool, verb: &'static str) -> Self {
        HumanPrinter {
            out,
            list_findings,
            verb,
        }
    }
}

fn counts_text(counts: &BTreeMap<&'static str, usize>) -> String {
    counts
        .iter()
        .map(|(r, n)| format!("{r} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<W: Write> Printer for HumanPrinter<W> {
    /// A file's line counts its edits by rule; findings have their own
    /// positions.
    fn wants_edit_positions(&self) -> bool {
        false
    }
    fn file(&mut self, r: &FileReport, _texts: Option<&Texts>) -> io::Result<()> {
        let out = &mut self.out;
        match r.status {
            Status::Error => {
                return writeln!(
                    out,
                    "{PATH}{}{PATH:#}: {ERROR}error{ERROR:#}: {}",
                    r.path,
                    r.error.as_deref().unwrap_or("")
                )
            }
            Status::Binary => {
                return writeln!(
                    out,
                    "{}: binary, skipped ({})",
                    r.path,
                    r.binary.as_deref().unwrap_or("")
                )
            }
            _ => {}
        }
        let enc = r.encoding.as_ref().expect("text files have an encoding");
        let mut line = format!("{PATH}{}{PATH:#}: {} ({}", r.path, enc.name, enc.method);
        if let Some(bom) = enc.bom {
            line.push_str(&format!(", {bom} BOM"));
        }
        line.push(')');
        if r.edits.is_empty() && !r.would_change() {
            line.push_str(&format!(" {CLEAN}clean{CLEAN:#}"));
        } else {
            line.push_str(&format!(
                " {CHANGE}{}{CHANGE:#}: {} edits",
                self.verb,
                r.edits.len()
            ));
            if !r.counts.is_empty() {
                line.push_str(&format!(" ({})", counts_text(&r.counts)));
            }
        }
        if !r.findings.is_empty() {
            line.push_str(&format!(
                "; {} findings ({})",
                r.findings.len(),
                counts_text(&r.finding_counts())
            ));
        }
        writeln!(out, "{line}")?;
        if self.list_findings {
            let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
            for f in &r.findings {
                let n = shown.entry(f.rule).or_insert(0);
                *n += 1;
                if *n <= LIST_LIMIT {
                    let style = severity_style(f.severity);
                    writeln!(
                        out,
                        "  {}:{}:{}: {style}{}{style:#} {}: {}",
                        r.path,
                        f.line,
                        f.column,
                        f.severity.as_str(),
                        f.rule,
                        f.message
                    )?;
                }
            }
            for (rule, n) in shown {
                if n > LIST_LIMIT {
                    writeln!(
                        out,
                        "  … and {} more {rule} findings (--format json lists all)",
                        n - LIST_LIMIT
                    )?;
                }
            }
        }
        Ok(())
    }

    fn corpus(&mut self, findings: CorpusFindings) -> io::Result<()> {
        let counts = findings.counts();
        if counts.total == 0 {
            return Ok(());
        }
        writeln!(
            self.out,
            "corpus: {} findings ({})",
            counts.total,
            counts_text(&counts.by_rule)
        )?;
        if self.list_findings {
            for f in findings {
                let f = f?;
                let style = severity_style(f.severity);
                writeln!(
                    self.out,
                    "  {}: {style}{}{style:#} {}: {}",
                    f.path,
                    f.severity.as_str(),
                    f.rule,
                    f.message
                )?;
            }
        }
        Ok(())
    }

    fn reads_corpus_findings(&self) -> bool {
        self.list_findings
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        writeln!(
            self.out,
            "{} files: {} {}, {} clean, {} binary, {} errors; {} edits{}; {} findings{}",
            s.files,
            s.changed,
            self.verb,
            s.clean,
            s.binary,
            s.errors,
            s.edits,
            if s.edits_by_rule.is_empty() {
                String::new()
            } else {
                format!(" ({})", counts_text(&s.edits_by_rule))
            },
            s.findings,
            if s.findings_by_rule.is_empty() {
                String::new()
            } else {
                format!(" ({})", counts_text(&s.findings_by_rule))
            },
        )?;
        self.out.flush()
    }
}

/// `fettle detect`: one line per file about its encoding.
pub struct DetectPrinter<W: Write> {
    out: W,
    tsv: bool,
}

impl<W: Write> DetectPrinter<W> {
    pub fn new(out: W, tsv: bool) -> Self {
        DetectPrinter { out, tsv }
    }
}

impl<W: Write> Printer for DetectPrinter<W> {
    fn wants_edit_positions(&self) -> bool {
        false
    }
    fn file(&mut self, r: &FileReport, _texts: Option<&Texts>) -> io::Result<()> {
        let out = &mut self.out;
        match (&r.encoding, r.status) {
            (_, Status::Error) => {
                if self.tsv {
                    writeln!(out, "{}\terror", r.path)
                } else {
                    writeln!(
                        out,
                        "{}: error: {}",
                        r.path,
                        r.error.as_deref().unwrap_or("")
                    )
                }
            }
            (None, _) => {
                if self.tsv {
                    writeln!(out, "{}\tbinary", r.path)
                } else {
                    writeln!(
                        out,
                        "{}  binary  size={}  ({})",
                        r.path,
                        r.size,
                        r.binary.as_deref().unwrap_or("")
                    )
                }
            }
            (Some(e), _) if self.tsv => writeln!(out, "{}\t{}", r.path, e.name),
            (Some(e), _) => {
                let le = e.line_endings;
                let runner_up = match e.runner_up {
                    Some(r) => format!("  runner-up={} ({:.2})", r.name, r.score),
                    None => String::new(),
                };
                writeln!(
                    out,
                    "{}  {}  by={}  confidence={}  score={:.2}{}{}  bom={}  lf={} crlf={} cr={} unicode={}  size={}  undecodable={}  binary=no",
                    r.path,
                    e.name,
                    e.method,
                    e.confidence.as_str(),
                    e.score,
                    runner_up,
                    if e.ambiguous { "  AMBIGUOUS" } else { "" },
                    e.bom.unwrap_or("none"),
                    le.lf,
                    le.crlf,
                    le.cr,
                    le.unicode,
                    r.size,
                    e.undecodable,
                )
            }
        }
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}
