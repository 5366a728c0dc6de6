//! `check --format github`: GitHub Actions workflow commands, one
//! `::warning` / `::error` / `::notice` line per finding or edit group, which
//! the Actions runner turns into annotations on the pull request's files.
//!
//! Annotations are capped ([`PER_RULE`] per rule and file, [`PER_FILE`] per
//! file, [`TOTAL`] per run), damage first; a final `::notice` says how many were
//! left out. GitHub itself shows at most 10 error, 10 warning and 10 notice
//! annotations per step (50 per job) and drops the rest silently, so the
//! complete list belongs in `--format markdown` or `--format json`.

use super::helpers::{encoding_change, group_edits, is_damage, quote};
use super::{CorpusFindings, FileReport, Printer, Status, Summary, Texts};
use crate::finding::Severity;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Annotations per rule and file.
pub const PER_RULE: usize = 10;
/// Annotations per file.
pub const PER_FILE: usize = 50;
/// Annotations per run.
pub const TOTAL: usize = 200;

/// Characters of `before`/`after` quoted in a message.
const QUOTE: usize = 40;

pub struct GithubPrinter<W: Write> {
    out: W,
    printed: usize,
    omitted: usize,
}

impl<W: Write> GithubPrinter<W> {
    pub fn new(out: W) -> Self {
        GithubPrinter {
            out,
            printed: 0,
            omitted: 0,
        }
    }
}

/// One annotation before printing.
struct Annotation {
    level: &'static str,
    rule: &'static str,
    /// (line, column, end line), 1-based.
    span: Option<(usize, usize, usize)>,
    message: String,
}

/// Escape workflow-command data (the message): `%`, CR, LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow-command property value: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn summary_of(rule: &str) -> &'static str {
    crate::rules::summary(rule)
}

fn annotations(r: &FileReport) -> Vec<Annotation> {
    let mut list = Vec::new();
    // Damage first, then other findings, then edits: the caps cut from the end.
    let mut findings: Vec<_> = r.findings.iter().collect();
    findings.sort_by_key(|f| !is_damage(f));
    for f in findings {
        let level = if is_damage(f) {
            "error"
        } else {
            match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            }
        };
        list.push(Annotation {
            level,
            rule: f.rule,
            span: Some((f.line, f.column, f.line)),
            message: f.message.clone(),
        });
    }
    if let Some(change) = encoding_change(r) {
        list.push(Annotation {
            level: "warning",
            rule: "encoding",
            span: None,
            message: format!("cleaning would change the whole file: {change}"),
        });
    }
    let edits: Vec<_> = r.edits.iter().collect();
    for g in group_edits(&edits) {
        let first = g.first();
        let (mut end_line, end_column) = g.end();
        if end_column == 1 && end_line > first.line {
            end_line -= 1; // the region ends with a line break
        }
        let n = g.edits.len();
        let what = if n == 1 {
            "1 edit".to_string()
        } else {
            format!("{n} edits")
        };
        let mut message = format!(
            "{}: {what}, confidence {}; `{}` → `{}`",
            summary_of(g.rule),
            g.confidence().as_str(),
            quote(first.before, QUOTE),
            quote(first.after, QUOTE),
        );
        if n > 1 {
            message.push_str(" …");
        }
        if !first.merged.is_empty() {
            message.push_str(&format!(" (with {})", first.merged.join(", ")));
        }
        list.push(Annotation {
            level: "warning",
            rule: g.rule,
            span: Some((first.line, first.column, end_line)),
            message,
        });
    }
    list
}

impl<W: Write> Printer for GithubPrinter<W> {
    fn file(&mut self, r: &FileReport, _texts: Option<&Texts>) -> io::Result<()> {
        let path = escape_property(&r.path);
        if r.status == Status::Error {
            self.printed += 1;
            return writeln!(
                self.out,
                "::error file={path},title=fettle::{}",
                escape_data(r.error.as_deref().unwrap_or("cannot process"))
            );
        }
        let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
        let mut in_file = 0;
        for a in annotations(r) {
            let n = per_rule.entry(a.rule).or_insert(0);
            *n += 1;
            if *n > PER_RULE || in_file >= PER_FILE || self.printed >= TOTAL {
                self.omitted += 1;
                continue;
            }
            in_file += 1;
            self.printed += 1;
            let mut props = format!("file={path}");
            if let Some((line, col, end_line)) = a.span {
                props.push_str(&format!(",line={line},col={col}"));
                // Only the end line: GitHub does not say whether endColumn
                // is inclusive, and a line is what the annotation marks.
                if end_line > line {
                    props.push_str(&format!(",endLine={end_line}"));
                }
            }
            writeln!(
                self.out,
                "::{} {props},title={}::{}",
                a.level,
                escape_property(a.rule),
                escape_data(&a.message)
            )?;
        }
        Ok(())
    }

    /// Corpus findings (duplicates, name collisions, outliers) annotate the
    /// file they name, under the same caps (the corpus counts as one file).
    fn corpus(&mut self, findings: CorpusFindings) -> io::Result<()> {
        let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
        let mut printed = 0;
        for f in findings {
            let f = f?;
            let n = per_rule.entry(f.rule).or_insert(0);
            *n += 1;
            if *n > PER_RULE || printed >= PER_FILE || self.printed >= TOTAL {
                self.omitted += 1;
                continue;
            }
            printed += 1;
            self.printed += 1;
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = f.message.clone();
            if !f.related.is_empty() {
                message.push_str(&format!(" (related: {})", f.related.join(", ")));
            }
            writeln!(
                self.out,
                "::{level} file={},title={}::{}",
                escape_property(&f.path),
                escape_property(f.rule),
                escape_data(&message)
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        if self.omitted > 0 {
            writeln!(
                self.out,
                "::notice title=fettle::{} more annotations not printed (caps: {PER_RULE} per rule and file, {PER_FILE} per file, {TOTAL} per run). GitHub shows at most 10 warning and 10 error annotations per step; `fettle check --format markdown` or `--format json` lists everything.",
                self.omitted
            )?;
        }
        writeln!(
            self.out,
            "fettle: {} files: {} would change, {} clean, {} binary, {} errors; {} edits; {} findings",
            s.files, s.changed, s.clean, s.binary, s.errors, s.edits, s.findings
        )?;
        self.out.flush()
    }
}
