//! Corpus-level validate rules: findings that need the whole collection
//! (duplicates, encoding outliers, file names).
//!
//! The runner keeps no texts. For each file it makes a small [`FileSummary`]
//! (path, encoding, a 128-bit hash of the cleaned text, a MinHash signature
//! of 64 × 4 bytes when `near-duplicates` is on, the file's `fettle:
//! ignore-file` markers) and pushes it to a [`Spool`], which keeps it on
//! disk, not in memory. After the last file, every enabled [`CorpusRule`]
//! runs on the spooled summaries ([`Files`], in path order) and emits
//! [`CorpusFinding`]s into a [`FindingCollector`], which puts them through the same
//! policy (severity, overrides, markers) as per-file findings and sorts the
//! survivors by path on disk; `Printer::corpus` reads them back as a stream
//! ([`CorpusFindings`]; a `corpus` array in the JSON report).
//!
//! Memory grows neither with the number of files nor with the number of
//! findings: every rule is one or two passes over the files plus group-bys
//! done by an external sort ([`sort::Sorter`]), each keeping at most
//! [`spool::BUDGET`] bytes in memory (see [`spool`]), and so is the sort of
//! the findings (see [`findings`]).

pub mod case_collision;
pub mod duplicate_files;
pub mod encoding_outlier;
pub mod file_names;
pub mod findings;
pub mod near_duplicates;
pub mod sort;
pub mod spool;

use crate::config::Config;
use crate::finding::Severity;
use crate::pipeline::{Processed, TextResult};
use crate::rule::{Declared, RuleInfo};
use crate::validate::policy::{self, Policy, RuleSet};
use serde::Serialize;
use std::io;
use std::path::Path;

pub use findings::{CorpusCounts, CorpusFindings, FindingCollector};
pub use spool::{Files, Spool};

/// What a corpus rule knows about one file.
#[derive(Debug, Clone)]
pub struct FileSummary {
    /// The path as reported.
    pub path: String,
    /// Is the path valid UTF-8? (When not, `path` is a lossy rendering.)
    pub path_is_utf8: bool,
    /// For text files; `None` for binaries and unreadable files.
    pub text: Option<TextSummary>,
    /// `fettle: ignore-file[…]` markers of the file.
    pub ignore_file: RuleSet,
}

#[derive(Debug, Clone)]
pub struct TextSummary {
    pub encoding: &'static str,
    /// How the encoding was decided (`bom`, `utf-8`, `guess`, …).
    pub method: &'static str,
    /// The decoded input is plain ASCII: it reads the same in any
    /// ASCII-compatible encoding, so it is no encoding outlier.
    pub ascii: bool,
    /// xxh3-128 of the cleaned text.
    pub hash: u128,
    /// Bytes of cleaned text.
    pub len: usize,
    /// MinHash signature of the word shingles, when `near-duplicates` is on
    /// and the text has words.
    pub minhash: Option<Box<[u32]>>,
}

impl FileSummary {
    /// Summarize one processed file (or a file that could not be read).
    pub fn new(
        path: &Path,
        display: String,
        processed: Option<&Processed>,
        config: &Config,
    ) -> Self {
        let text = match processed {
            Some(Processed::Text(t)) => Some(summarize_text(t, config)),
            _ => None,
        };
        FileSummary {
            path: display,
            path_is_utf8: path.to_str().is_some(),
            text,
            ignore_file: RuleSet::default(),
        }
    }
}

fn summarize_text(t: &TextResult, config: &Config) -> TextSummary {
    let minhash = if config.enabled(near_duplicates::NearDuplicates.info()) {
        near_duplicates::signature(&t.output, config.near_duplicates.shingle)
    } else {
        None
    };
    TextSummary {
        encoding: t.decoded.encoding,
        method: t.decoded.method.as_str(),
        ascii: t.decoded.text.is_ascii() && t.decoded.bom.is_none(),
        hash: xxhash_rust::xxh3::xxh3_128(t.output.as_bytes()),
        len: t.output.len(),
        minhash,
    }
}

/// A finding about a file that only the whole collection shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorpusFinding {
    pub path: String,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The other files involved (the duplicate, the colliding name…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// The file's `fettle: ignore-file` markers, for the policy.
    #[serde(skip)]
    pub ignore_file: RuleSet,
}

impl CorpusFinding {
    /// A warning about `file`.
    pub fn warning(
        file: &FileSummary,
        rule: &'static RuleInfo,
        message: String,
        related: Vec<String>,
    ) -> Self {
        CorpusFinding {
            path: file.path.clone(),
            rule: rule.id,
            severity: Severity::Warning,
            message,
            related,
            ignore_file: file.ignore_file.clone(),
        }
    }

    /// Apply `policy` (and the file's `ignore-file` markers): `false` drops
    /// the finding, else its severity is the policy's.
    pub fn judge(&mut self, policy: &Policy) -> bool {
        let markers = policy::Markers::file_only(std::mem::take(&mut self.ignore_file));
        match policy::judge(
            &policy.for_path(&self.path),
            &markers,
            self.rule,
            self.severity,
            None,
        ) {
            Some(s) => {
                self.severity = s;
                true
            }
            None => false,
        }
    }
}

/// A rule that runs once on every file's summary.
pub trait CorpusRule: crate::rule::Declared + Send + Sync {
    /// `files` are in path order; the rule's memory must not grow with
    /// their number (read them in passes, group with `files.sorter()`) nor
    /// with the number of its findings (push each to `out` when found).
    fn run(&self, files: &Files, config: &Config, out: &mut FindingCollector) -> io::Result<()>;
}

/// Corpus rules, in the order their findings are listed.
pub static RULES: &[&dyn CorpusRule] = &[
    &duplicate_files::DuplicateFiles,
    &near_duplicates::NearDuplicates,
    &encoding_outlier::EncodingOutlier,
    &file_names::FileNames,
    &case_collision::CaseCollision,
];

/// Does any corpus rule run under this config?
pub fn any_enabled(config: &Config) -> bool {
    RULES.iter().any(|r| config.enabled(r.info()))
}

/// Run every enabled corpus rule; the findings `judge` keeps (it may change
/// their severity), sorted by path, then rule order, then emission order.
/// They are sorted under the memory budget of `files`.
pub fn run(
    files: &Files,
    config: &Config,
    judge: &mut dyn FnMut(&mut CorpusFinding) -> bool,
) -> io::Result<CorpusFindings> {
    let mut out = FindingCollector::new(files.budget(), judge);
    for rule in RULES {
        if config.enabled(rule.info()) {
            rule.run(files, config, &mut out)?;
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text of `n` pseudo-random words, drawn from `seed`.
    fn words(seed: u64, n: usize) -> String {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                format!("w{} ", x >> 54)
            })
            .collect()
    }

    fn summary(path: &str, text: Option<(&str, &'static str)>) -> FileSummary {
        FileSummary {
            path: path.to_string(),
            path_is_utf8: !path.contains('\u{FFFD}'),
            text: text.map(|(text, encoding)| TextSummary {
                encoding,
                method: if encoding == "UTF-8" {
                    "utf-8"
                } else {
                    "guess"
                },
                ascii: encoding == "UTF-8" && text.is_ascii(),
                hash: xxhash_rust::xxh3::xxh3_128(text.as_bytes()),
                len: text.len(),
                minhash: near_duplicates::signature(text, 5),
            }),
            ignore_file: RuleSet::default(),
        }
    }

    /// A corpus where every rule finds something, pushed out of path order.
    fn corpus() -> Vec<FileSummary> {
        let story = words(1, 600);
        let other = words(2, 600);
        let mut files = Vec::new();
        // 300 drafts of one story: a few LSH buckets of 300 files.
        for k in (0..300).rev() {
            let text = format!("{story} draft {k} {}", words(k + 10, 3));
            files.push(summary(
                &format!("drafts/{k:03}.txt"),
                Some((&text, "UTF-8")),
            ));
        }
        // Exact copies, some of a draft.
        for k in 0..20 {
            let text = format!("{other} é");
            files.push(summary(&format!("copies/{k}.txt"), Some((&text, "UTF-8"))));
            let draft = format!("{story} draft {k} {}", words(k + 10, 3));
            files.push(summary(
                &format!("copies/d{k}.txt"),
                Some((&draft, "UTF-8")),
            ));
        }
        // Encoding outliers, bad names, collisions, unreadable files, the
        // same path twice, markers.
        for k in 0..5 {
            let text = format!("{} ü", words(100 + k, 50));
            files.push(summary(
                &format!("legacy/{k}.txt"),
                Some((&text, "windows-1252")),
            ));
        }
        // A file with findings of three rules.
        let text = format!("{} ü", words(100, 50));
        files.push(summary("legacy/copy?.txt", Some((&text, "windows-1252"))));
        files.push(summary("names/what?.txt", Some(("x", "UTF-8"))));
        files.push(summary("names/Story.txt", Some(("y", "UTF-8"))));
        files.push(summary("names/story.txt", Some(("z", "UTF-8"))));
        files.push(summary("names/story.txt", Some(("z", "UTF-8"))));
        files.push(summary("names/caf\u{e9}.txt", None));
        files.push(summary("names/cafe\u{301}.txt", None));
        files.push(summary("names/bad\u{FFFD}.txt", Some(("", "UTF-8"))));
        let mut marked = summary("copies/marked.txt", Some((&format!("{other} é"), "UTF-8")));
        marked.ignore_file.rules.push("duplicate-files".into());
        files.push(marked);
        files
    }

    /// The findings of every rule on [`corpus`] under `policy`, streamed
    /// through a sink of `budget` bytes; and, for comparison, the findings
    /// as the rules emitted them, before the policy.
    fn findings(budget: usize, policy: &Policy) -> (Vec<CorpusFinding>, Vec<CorpusFinding>) {
        let mut spool = Spool::with_budget(budget);
        for f in corpus() {
            spool.push(f).unwrap();
        }
        let files = spool.finish().unwrap();
        assert_eq!(files.len(), 354);
        let mut emitted = Vec::new();
        let mut judge = |f: &mut CorpusFinding| {
            emitted.push(f.clone());
            f.judge(policy)
        };
        let found = run(&files, &Config::default(), &mut judge).unwrap();
        let counts = found.counts().clone();
        let found = found.into_vec().unwrap();
        assert_eq!(&counts, CorpusFindings::from_vec(found.clone()).counts());
        (found, emitted)
    }

    /// What the findings were before they were streamed: every emitted
    /// finding judged, then a stable sort by path.
    fn judged_and_sorted(emitted: &[CorpusFinding], policy: &Policy) -> Vec<CorpusFinding> {
        let mut out: Vec<CorpusFinding> = emitted
            .iter()
            .cloned()
            .filter_map(|mut f| f.judge(policy).then_some(f))
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }

    /// With a budget of one byte every record of every sort (the findings'
    /// too) goes through a run on disk and several levels of merges; with
    /// 8 KiB, a few runs; the findings are those of the all-in-memory path.
    #[test]
    fn spilled_sorts_find_the_same() {
        let policy = Policy::new(&Config::default()).unwrap();
        let (in_memory, emitted) = findings(usize::MAX, &policy);
        for rule in RULES {
            let n = in_memory
                .iter()
                .filter(|f| f.rule == rule.info().id)
                .count();
            assert!(n > 0, "{} finds something", rule.info().id);
        }
        let near = in_memory.iter().filter(|f| f.rule == "near-duplicates");
        assert_eq!(near.count(), 299, "each draft but the first, once");
        // The file's marker silences its duplicate-files finding.
        let marked = |f: &CorpusFinding| f.path == "copies/marked.txt";
        assert!(emitted.iter().any(marked));
        assert!(!in_memory.iter().any(marked));
        assert_eq!(in_memory, judged_and_sorted(&emitted, &policy));
        assert_eq!(findings(1, &policy).0, in_memory);
        assert_eq!(findings(8 << 10, &policy).0, in_memory);
    }

    /// The policy is applied as findings are emitted, before the sort: the
    /// findings it drops never reach the sort, the others carry their new
    /// severity, and the order is that of judging everything in memory
    /// and sorting by path, stably (for one path: rule order, then the
    /// order the rule emitted them).
    #[test]
    fn policy_applies_before_the_spilled_sort() {
        let config = Config::parse(
            "[severity]\nencoding-outlier = \"error\"\n\
             [[overrides]]\npaths = [\"names/**\"]\nignore = [\"case-collision\"]\n",
        )
        .unwrap();
        let policy = Policy::new(&config).unwrap();
        let (in_memory, emitted) = findings(usize::MAX, &policy);
        let expected = judged_and_sorted(&emitted, &policy);
        assert_eq!(in_memory, expected);
        assert!(emitted.iter().any(|f| f.rule == "case-collision"));
        assert!(!expected.iter().any(|f| f.rule == "case-collision"));
        let outliers: Vec<_> = expected
            .iter()
            .filter(|f| f.rule == "encoding-outlier")
            .collect();
        assert!(!outliers.is_empty());
        assert!(outliers.iter().all(|f| f.severity == Severity::Error));
        // A path with findings of several rules: in rule order.
        let copy: Vec<_> = expected
            .iter()
            .filter(|f| f.path == "legacy/copy?.txt")
            .map(|f| (f.rule, f.severity))
            .collect();
        assert_eq!(
            copy,
            [
                ("duplicate-files", Severity::Warning),
                ("encoding-outlier", Severity::Error),
                ("file-names", Severity::Warning)
            ]
        );
        for budget in [1, 300, 8 << 10] {
            assert_eq!(findings(budget, &policy).0, expected, "budget {budget}");
        }
    }
}
