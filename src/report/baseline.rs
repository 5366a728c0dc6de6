//! `check --baseline FILE`: adopt fettle on a corpus mid-life. The first run
//! records what is wrong now; later runs fail only on what is new or worse.
//!
//! The fingerprint is deliberately coarse so that unrelated edits (a line
//! added above, a paragraph rewritten elsewhere) do not invalidate it: per
//! file path, the number of edits per rule, the number of findings per rule,
//! and the whole-file encoding change (re-encoding, BOM) if any. No byte
//! offsets, lines or messages. A run is worse when a file has more edits or
//! findings of some rule than recorded, or a new encoding change; files not in
//! the baseline count from zero. Paths are compared in one spelling (`./s`
//! and `s` are the same path, see [`normalized`]); run the check from the
//! same directory.
//!
//! [`BaselinePrinter`] sits in front of any other printer: when comparing, it
//! passes on only the (file, rule) pairs that got worse, so annotations, SARIF
//! and summaries show just the new problems (texts are passed unchanged, so a
//! diff or review page still shows the whole file).

use super::helpers::encoding_change;
use super::names::normalized;
use super::{CorpusFinding, CorpusFindings, FileReport, Printer, Status, Summary, Texts};
use crate::finding::Severity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// Version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub fettle_baseline: u32,
    pub files: BTreeMap<String, FileCounts>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileCounts {
    /// Edits per rule.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub edits: BTreeMap<String, usize>,
    /// Findings of severity warning or error per rule (info findings never
    /// fail a check, so they are not recorded).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub findings: BTreeMap<String, usize>,
    /// Corpus findings (warning or error) naming this file, per rule.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub corpus: BTreeMap<String, usize>,
    /// The whole-file change, e.g. "re-encoded from windows-1252 to UTF-8".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

impl FileCounts {
    pub fn of(r: &FileReport) -> FileCounts {
        let mut c = FileCounts {
            encoding: encoding_change(r),
            ..FileCounts::default()
        };
        for e in &r.edits {
            *c.edits.entry(e.rule.to_string()).or_insert(0) += 1;
        }
        for f in r
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
        {
            *c.findings.entry(f.rule.to_string()).or_insert(0) += 1;
        }
        c
    }
    fn is_empty(&self) -> bool {
        self.edits.is_empty()
            && self.findings.is_empty()
            && self.corpus.is_empty()
            && self.encoding.is_none()
    }
}

impl Baseline {
    pub fn load(path: &Path) -> anyhow::Result<Baseline> {
        use anyhow::Context as _;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read baseline", path.display()))?;
        let mut b: Baseline = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a fettle baseline", path.display()))?;
        // Written by an older fettle, or by hand: one spelling per path.
        b.files = std::mem::take(&mut b.files)
            .into_iter()
            .map(|(path, counts)| (normalized(&path), counts))
            .collect();
        if b.fettle_baseline != BASELINE_VERSION {
            anyhow::bail!(
                "{}: baseline version {} (this fettle writes {BASELINE_VERSION})",
                path.display(),
                b.fettle_baseline
            );
        }
        Ok(b)
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        use anyhow::Context as _;
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(path, text)
            .with_context(|| format!("{}: cannot write baseline", path.display()))
    }
}

/// Filters reports against a baseline (or records one) on the way to `inner`.
pub struct BaselinePrinter<'a> {
    inner: &'a mut dyn Printer,
    known: Option<Baseline>,
    /// What this run found, as a baseline.
    pub current: Baseline,
    /// One line per (file, rule) that is new or worse.
    pub regressions: Vec<String>,
    /// (file, rule) pairs now below their baseline count.
    pub improved: usize,
    filtered: Summary,
}

impl<'a> BaselinePrinter<'a> {
    /// `known`: the baseline to compare with; `None` to record only.
    pub fn new(inner: &'a mut dyn Printer, known: Option<Baseline>) -> Self {
        BaselinePrinter {
            inner,
            known,
            current: Baseline {
                fettle_baseline: BASELINE_VERSION,
                files: BTreeMap::new(),
            },
            regressions: Vec::new(),
            improved: 0,
            filtered: Summary::default(),
        }
    }

    /// Compare one file; return the report with only new or worse issues.
    fn filter(&mut self, r: &FileReport, now: &FileCounts, was: &FileCounts) -> FileReport {
        let mut compare = |kind: &str,
                           now: &BTreeMap<String, usize>,
                           was: &BTreeMap<String, usize>,
                           worse: &mut Vec<&'static str>| {
            for (rule, &n) in now {
                let before = was.get(rule).copied().unwrap_or(0);
                if n > before {
                    self.regressions.push(format!(
                        "{}: {rule}: {n} {kind} (baseline {before})",
                        r.path
                    ));
                    if let Some(id) = r
                        .edits
                        .iter()
                        .map(|e| e.rule)
                        .chain(r.findings.iter().map(|f| f.rule))
                        .find(|id| id == rule)
                    {
                        worse.push(id);
                    }
                }
            }
            for (rule, &n) in was {
                if now.get(rule).copied().unwrap_or(0) < n {
                    self.improved += 1;
                }
            }
        };
        let mut we: Vec<&'static str> = Vec::new();
        let mut wf: Vec<&'static str> = Vec::new();
        compare("edits", &now.edits, &was.edits, &mut we);
        compare("findings", &now.findings, &was.findings, &mut wf);
        let (worse_edits, worse_findings) = (we, wf);
        let new_encoding = now.encoding.is_some() && now.encoding != was.encoding;
        if new_encoding {
            self.regressions.push(format!(
                "{}: {} (not in the baseline)",
                r.path,
                now.encoding.as_deref().unwrap_or("")
            ));
        }
        let mut out = r.clone();
        out.edits.retain(|e| worse_edits.contains(&e.rule));
        out.findings.retain(|f| worse_findings.contains(&f.rule));
        out.counts.retain(|rule, _| worse_edits.contains(rule));
        if out.edits.is_empty() && out.findings.is_empty() && !new_encoding {
            out.status = Status::Clean;
        }
        out
    }
}

impl Printer for BaselinePrinter<'_> {
    fn wants_texts(&self) -> bool {
        self.inner.wants_texts()
    }
    fn wants_edit_positions(&self) -> bool {
        self.inner.wants_edit_positions()
    }

    fn file(&mut self, r: &FileReport, texts: Option<&Texts>) -> io::Result<()> {
        if matches!(r.status, Status::Error | Status::Binary) {
            self.filtered.add(r);
            return self.inner.file(r, texts);
        }
        let now = FileCounts::of(r);
        let key = normalized(&r.path);
        let report = match self.known.as_ref() {
            None => r.clone(),
            Some(known) => {
                let was = known.files.get(&key).cloned().unwrap_or_default();
                self.filter(r, &now, &was)
            }
        };
        if !now.is_empty() {
            self.current.files.insert(key, now);
        }
        self.filtered.add(&report);
        self.inner.file(&report, texts)
    }

    /// Collects the findings: it counts them per (path, rule) before it
    /// knows which to pass on (and the baseline holds every count anyway).
    fn corpus(&mut self, findings: CorpusFindings) -> io::Result<()> {
        let findings = findings.into_vec()?;
        let mut now: BTreeMap<(String, &str), usize> = BTreeMap::new();
        for f in findings.iter().filter(|f| f.severity >= Severity::Warning) {
            *now.entry((normalized(&f.path), f.rule)).or_insert(0) += 1;
        }
        for ((path, rule), &n) in &now {
            self.current
                .files
                .entry(path.clone())
                .or_default()
                .corpus
                .insert(rule.to_string(), n);
        }
        let kept: Vec<CorpusFinding> = match self.known.as_ref() {
            None => findings.clone(),
            Some(known) => {
                let was = |path: &str, rule: &str| {
                    known
                        .files
                        .get(path)
                        .and_then(|c| c.corpus.get(rule))
                        .copied()
                        .unwrap_or(0)
                };
                let mut worse: Vec<(&str, &str)> = Vec::new();
                for ((path, rule), &n) in &now {
                    let before = was(path, rule);
                    if n > before {
                        self.regressions.push(format!(
                            "{path}: {rule}: {n} corpus findings (baseline {before})"
                        ));
                        worse.push((path, rule));
                    }
                }
                for (path, counts) in &known.files {
                    for (rule, &n) in &counts.corpus {
                        let current = now.get(&(path.clone(), rule.as_str())).copied();
                        if current.unwrap_or(0) < n {
                            self.improved += 1;
                        }
                    }
                }
                findings
                    .iter()
                    .filter(|f| worse.contains(&(normalized(&f.path).as_str(), f.rule)))
                    .cloned()
                    .collect()
            }
        };
        let kept = CorpusFindings::from_vec(kept);
        self.filtered.add_corpus(kept.counts());
        self.inner.corpus(kept)
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        let summary = std::mem::take(&mut self.filtered);
        self.inner.finish(&summary)
    }
}
