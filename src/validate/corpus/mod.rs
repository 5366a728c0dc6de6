//! Corpus-level validate rules: findings that need the whole collection
//! (duplicates, encoding outliers, file names).
//!
//! The runner keeps no texts. For each file it makes a small [`FileSummary`]
//! (path, encoding, a 128-bit hash of the cleaned text, a MinHash signature
//! of 64 × 4 bytes when `near-duplicates` is on, the file's `fettle:
//! ignore-file` markers) and pushes it to a [`Spool`], which keeps it on
//! disk, not in memory. After the last file, every enabled [`CorpusRule`]
//! runs on the spooled summaries ([`Files`], in path order) and returns
//! [`CorpusFinding`]s, which go through the same policy (severity,
//! overrides, markers) as per-file findings and are printed by
//! `Printer::corpus` (a `corpus` array in the JSON report).
//!
//! Memory does not grow with the number of files: every rule is one or two
//! passes over the files plus group-bys done by an external sort
//! ([`sort::Sorter`]), each keeping at most [`spool::BUDGET`] bytes in
//! memory; see [`spool`].

pub mod case_collision;
pub mod duplicate_files;
pub mod encoding_outlier;
pub mod file_names;
pub mod near_duplicates;
pub mod sort;
pub mod spool;

use crate::config::Config;
use crate::finding::Severity;
use crate::pipeline::{Processed, TextResult};
use crate::rule::RuleInfo;
use crate::validate::policy::RuleSet;
use serde::Serialize;
use std::io;
use std::path::Path;

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
}

/// A rule that runs once on every file's summary.
pub trait CorpusRule: Send + Sync {
    fn info(&self) -> &'static RuleInfo;
    /// `files` are in path order; the rule's memory must not grow with
    /// their number (read them in passes, group with `files.sorter()`).
    fn run(&self, files: &Files, config: &Config, out: &mut Vec<CorpusFinding>) -> io::Result<()>;
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

/// Run every enabled corpus rule; findings sorted by path, then rule order.
pub fn run(files: &Files, config: &Config) -> io::Result<Vec<CorpusFinding>> {
    let mut out = Vec::new();
    for rule in RULES {
        if config.enabled(rule.info()) {
            rule.run(files, config, &mut out)?;
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
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

    fn findings(budget: usize) -> Vec<CorpusFinding> {
        let mut spool = Spool::with_budget(budget);
        for f in corpus() {
            spool.push(f).unwrap();
        }
        let files = spool.finish().unwrap();
        assert_eq!(files.len(), 353);
        run(&files, &Config::default()).unwrap()
    }

    /// With a budget of one byte every record of every sort goes through a
    /// run on disk and several levels of merges; with 8 KiB, a few runs;
    /// the findings are those of the all-in-memory path.
    #[test]
    fn spilled_sorts_find_the_same() {
        let in_memory = findings(usize::MAX);
        for rule in RULES {
            let n = in_memory
                .iter()
                .filter(|f| f.rule == rule.info().id)
                .count();
            assert!(n > 0, "{} finds something", rule.info().id);
        }
        let near = in_memory.iter().filter(|f| f.rule == "near-duplicates");
        assert_eq!(near.count(), 299, "each draft but the first, once");
        let marked = in_memory
            .iter()
            .find(|f| f.path == "copies/marked.txt")
            .unwrap();
        assert_eq!(marked.ignore_file.rules, ["duplicate-files"]);
        assert_eq!(findings(1), in_memory);
        assert_eq!(findings(8 << 10), in_memory);
    }
}
