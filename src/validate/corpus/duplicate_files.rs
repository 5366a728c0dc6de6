//! ## What it does
//! Reports files whose cleaned text is identical to an earlier file's (in
//! path order); the first file of each group is the one kept, the others are
//! reported naming it.
//!
//! ## Why
//! A collection that ships the same text twice skews every count and model
//! trained on it; copies usually come from re-downloads or merged dumps.
//!
//! ## Example
//! `b/story.txt` with the same text as `a/story.txt` (even if one had CRLF
//! line endings or trailing blanks) → `b/story.txt: duplicate-files: identical
//! to a/story.txt after cleaning`.
//!
//! ## How and cost
//! Compares an xxh3-128 hash (and the length) of each cleaned text: one pass
//! over the text per file, 24 bytes kept per file, a hash map over all files.
//! A false match needs a 128-bit hash collision. Empty files are left to
//! `short-file`.
//!
//! ## Fix safety
//! Reports only.

use super::{CorpusFinding, CorpusRule, FileSummary};
use crate::config::Config;
use crate::finding::Severity;
use crate::rule::{RuleInfo, Stage};
use std::collections::HashMap;

pub struct DuplicateFiles;

static INFO: RuleInfo = RuleInfo {
    id: "duplicate-files",
    stage: Stage::Corpus,
    summary: "files whose cleaned text is identical to another file's",
    default_enabled: true,
};

impl CorpusRule for DuplicateFiles {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn run(&self, files: &[FileSummary], _config: &Config, out: &mut Vec<CorpusFinding>) {
        let mut first: HashMap<(u128, usize), usize> = HashMap::new();
        for (i, f) in files.iter().enumerate() {
            let Some(t) = &f.text else { continue };
            if t.len == 0 {
                continue;
            }
            match first.get(&(t.hash, t.len)) {
                None => {
                    first.insert((t.hash, t.len), i);
                }
                Some(&j) => out.push(CorpusFinding {
                    path: f.path.clone(),
                    rule: INFO.id,
                    severity: Severity::Warning,
                    message: format!("identical to {} after cleaning", files[j].path),
                    related: vec![files[j].path.clone()],
                }),
            }
        }
    }
}
