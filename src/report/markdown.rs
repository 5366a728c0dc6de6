//! `check --format markdown`: a summary for `$GITHUB_STEP_SUMMARY` (or a pull
//! request comment): totals, a table of the files that would change with
//! their encodings, counts per rule, and the lowest-confidence repairs first —
//! the edits a reviewer should look at.
//!
//! Lists are capped ([`FILE_ROWS`], [`REPAIR_ROWS`]) to keep the page well
//! under GitHub's 1 MiB step-summary limit; the counts are always complete.

use super::helpers::{encoding_change, is_damage, quote};
use super::{CorpusFindings, FileReport, Printer, Status, Summary, Texts};
use crate::edit::Confidence;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Files listed in the table.
pub const FILE_ROWS: usize = 100;
/// Guess/likely edits listed.
pub const REPAIR_ROWS: usize = 30;
/// Characters of `before`/`after` quoted.
const QUOTE: usize = 40;

pub struct MarkdownPrinter<W: Write> {
    out: W,
    title: String,
    rows: Vec<String>,
    listed_files: usize,
    /// Non-certain edits, lowest confidence first when printed; at most
    /// REPAIR_ROWS of each confidence are kept.
    repairs: BTreeMap<Confidence, Vec<String>>,
    repair_counts: BTreeMap<Confidence, usize>,
    /// Fixes withheld for want of confidence (at most REPAIR_ROWS kept), and
    /// how many there were.
    withheld: Vec<String>,
    withheld_count: usize,
    damage: usize,
    errors: Vec<String>,
    corpus: Vec<String>,
    corpus_count: usize,
}

impl<W: Write> MarkdownPrinter<W> {
    pub fn new(out: W) -> Self {
        MarkdownPrinter {
            out,
            title: "fettle check".into(),
            rows: Vec::new(),
            listed_files: 0,
            repairs: BTreeMap::new(),
            repair_counts: BTreeMap::new(),
            withheld: Vec::new(),
            withheld_count: 0,
            damage: 0,
            errors: Vec::new(),
            corpus: Vec::new(),
            corpus_count: 0,
        }
    }
}

/// A Markdown code span that survives any content, inside a table cell too.
pub fn code(s: &str) -> String {
    let s = s.replace('|', "\\|");
    let longest = s
        .split(|c| c != '`')
        .map(|run| run.len())
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if s.is_empty() {
        "(empty)".to_string()
    } else if s.starts_with('`') || s.ends_with('`') || (s.starts_with(' ') && s.ends_with(' ')) {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// Plain text for a table cell: Markdown punctuation escaped.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_[]<>|#~".contains(c) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl<W: Write> Printer for MarkdownPrinter<W> {
    fn file(&mut self, r: &FileReport, _texts: Option<&Texts>) -> io::Result<()> {
        match r.status {
            Status::Error => {
                self.errors.push(format!(
                    "- {}: {}",
                    code(&r.path),
                    text(r.error.as_deref().unwrap_or(""))
                ));
                return Ok(());
            }
            Status::Binary | Status::Clean => return Ok(()),
            Status::Changed => {}
        }
        self.damage += r.findings.iter().filter(|f| is_damage(f)).count();
        self.listed_files += 1;
        if self.rows.len() < FILE_ROWS {
            let enc = r.encoding.as_ref().expect("text files have an encoding");
            let mut encoding =
                format!("{} ({}, {})", enc.name, enc.method, enc.confidence.as_str());
            if let Some(change) = encoding_change(r) {
                encoding.push_str(&format!(": {change}"));
            }
            self.rows.push(format!(
                "| {} | {} | {} | {} |",
                code(&r.path),
                text(&encoding),
                r.edits.len(),
                r.findings.len()
            ));
        }
        for f in &r.findings {
            let Some(p) = &f.proposed else { continue };
            self.withheld_count += 1;
            if self.withheld.len() < REPAIR_ROWS {
                self.withheld.push(format!(
                    "| {} | {} | {} | {} → {} |",
                    p.confidence.as_str(),
                    code(&format!("{}:{}:{}", r.path, f.line, f.column)),
                    code(f.rule),
                    code(&quote(&p.before, QUOTE)),
                    code(&quote(&p.after, QUOTE)),
                ));
            }
        }
        for e in &r.edits {
            if e.confidence == Confidence::Certain {
                continue;
            }
            *self.repair_counts.entry(e.confidence).or_insert(0) += 1;
            let list = self.repairs.entry(e.confidence).or_default();
            if list.len() < REPAIR_ROWS {
                let mut rule = code(e.rule);
                if !e.merged.is_empty() {
                    rule.push_str(&format!(" (with {})", text(&e.merged.join(", "))));
                }
                list.push(format!(
                    "| {} | {} | {} | {} → {} |",
                    e.confidence.as_str(),
                    code(&format!("{}:{}:{}", r.path, e.line, e.column)),
                    rule,
                    code(&quote(e.before, QUOTE)),
                    code(&quote(e.after, QUOTE)),
                ));
            }
        }
        Ok(())
    }

    /// Reads only the findings it shows (the first `REPAIR_ROWS`).
    fn corpus(&mut self, findings: CorpusFindings) -> io::Result<()> {
        self.corpus_count += findings.counts().total;
        for f in findings.take(REPAIR_ROWS.saturating_sub(self.corpus.len())) {
            let f = f?;
            let mut message = text(&f.message);
            if !f.related.is_empty() {
                let related: Vec<String> = f.related.iter().map(|p| code(p)).collect();
                message.push_str(&format!(" (related: {})", related.join(", ")));
            }
            self.corpus.push(format!(
                "| {} | {} | {} | {message} |",
                f.severity.as_str(),
                code(&f.path),
                code(f.rule)
            ));
        }
        Ok(())
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        let mut md = String::new();
        let _ = writeln!(md, "## {}\n", self.title);
        let _ = writeln!(
            md,
            "**{}**: {} would change, {} clean, {} binary, {} · **{}** · **{}**\n",
            plural(s.files, "file", "files"),
            s.changed,
            s.clean,
            s.binary,
            plural(s.errors, "error", "errors"),
            plural(s.edits, "edit", "edits"),
            plural(s.findings, "finding", "findings"),
        );
        if self.damage > 0 {
            let _ = writeln!(
                md,
                "> [!WARNING]\n> {} cannot be undone by fettle (lost characters, U+FFFD): see `replacement-char` and the fixes not applied.\n",
                plural(self.damage, "finding marks damage that", "findings mark damage that")
            );
        }
        if !self.errors.is_empty() {
            let _ = writeln!(md, "### Errors\n");
            for e in &self.errors {
                let _ = writeln!(md, "{e}");
            }
            md.push('\n');
        }
        if !self.rows.is_empty() {
            let _ = writeln!(
                md,
                "### Files that would change\n\n| file | encoding | edits | findings |\n|---|---|--:|--:|"
            );
            for row in &self.rows {
                let _ = writeln!(md, "{row}");
            }
            if self.listed_files > self.rows.len() {
                let _ = writeln!(
                    md,
                    "\n… and {} more (`--format json` lists every file).",
                    plural(self.listed_files - self.rows.len(), "file", "files")
                );
            }
            md.push('\n');
        }
        if !self.corpus.is_empty() {
            let _ = writeln!(
                md,
                "### Corpus findings\n\n| severity | file | rule | finding |\n|---|---|---|---|"
            );
            for row in &self.corpus {
                let _ = writeln!(md, "{row}");
            }
            if self.corpus_count > self.corpus.len() {
                let _ = writeln!(
                    md,
                    "\n… and {} more (`--format json` lists all).",
                    self.corpus_count - self.corpus.len()
                );
            }
            md.push('\n');
        }
        let mut rules: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (rule, n) in &s.edits_by_rule {
            rules.entry(rule).or_default().0 += n;
        }
        for (rule, n) in &s.findings_by_rule {
            rules.entry(rule).or_default().1 += n;
        }
        if !rules.is_empty() {
            let _ = writeln!(
                md,
                "### Counts per rule\n\n| rule | edits | findings | what it does |\n|---|--:|--:|---|"
            );
            for (rule, (edits, findings)) in &rules {
                let summary = crate::rules::summary(rule);
                let _ = writeln!(
                    md,
                    "| {} | {edits} | {findings} | {} |",
                    code(rule),
                    text(summary)
                );
            }
            md.push('\n');
        }
        if self.withheld_count > 0 {
            let _ = writeln!(
                md,
                "### Fixes not applied (less sure than `--min-confidence`)\n\n| confidence | where | rule | text → probably |\n|---|---|---|---|"
            );
            for row in &self.withheld {
                let _ = writeln!(md, "{row}");
            }
            let _ = writeln!(
                md,
                "\n{} of {} shown; `fettle check --format json` lists them all (`proposed`).\n",
                self.withheld.len(),
                plural(self.withheld_count, "withheld fix", "withheld fixes"),
            );
        }
        let total: usize = self.repair_counts.values().sum();
        let _ = writeln!(md, "### Lowest-confidence repairs first\n");
        if total == 0 {
            let _ = writeln!(
                md,
                "Every edit is `certain`: no guess or likely repair to review."
            );
        } else {
            let _ = writeln!(
                md,
                "| confidence | where | rule | before → after |\n|---|---|---|---|"
            );
            let mut shown = 0;
            for rows in self.repairs.values() {
                for row in rows {
                    if shown < REPAIR_ROWS {
                        let _ = writeln!(md, "{row}");
                        shown += 1;
                    }
                }
            }
            let counts: Vec<String> = self
                .repair_counts
                .iter()
                .map(|(c, n)| format!("{n} {}", c.as_str()))
                .collect();
            let _ = writeln!(
                md,
                "\n{} of {} shown ({}); `fettle check --format json` lists every edit.",
                shown,
                plural(total, "non-certain edit", "non-certain edits"),
                counts.join(", ")
            );
        }
        self.out.write_all(md.as_bytes())?;
        self.out.flush()
    }
}
