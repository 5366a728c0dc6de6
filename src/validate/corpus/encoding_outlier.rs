//! ## What it does
//! Reports text files decoded with another encoding than most of the
//! collection: when more than half of the non-ASCII text files share one
//! encoding, every other non-ASCII file is listed with how its encoding was
//! decided. Pure-ASCII files read the same in every such encoding and are
//! never outliers; with fewer than three non-ASCII files nothing is said.
//!
//! ## Why
//! A lone Windows-1252 or Shift_JIS file in a UTF-8 collection was usually
//! saved by another tool; if its encoding was guessed, the guess is worth a
//! look (a wrong guess turns every accented letter into the wrong one).
//! `clean` converts it to UTF-8 either way.
//!
//! ## Example
//! 9 UTF-8 files and `old.txt` in windows-1252 → `old.txt: encoding-outlier:
//! decoded as windows-1252 (guess) while 9 of 10 non-ASCII files are UTF-8`.
//!
//! ## Fix safety
//! Reports only.

use super::{CorpusFinding, CorpusRule, FileSummary};
use crate::config::Config;
use crate::finding::Severity;
use crate::rule::{RuleInfo, Stage};
use std::collections::BTreeMap;

pub struct EncodingOutlier;

static INFO: RuleInfo = RuleInfo {
    id: "encoding-outlier",
    stage: Stage::Corpus,
    summary: "files whose encoding differs from most of the collection",
    default_enabled: true,
};

impl CorpusRule for EncodingOutlier {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn run(&self, files: &[FileSummary], _config: &Config, out: &mut Vec<CorpusFinding>) {
        let texts: Vec<(&FileSummary, &super::TextSummary)> = files
            .iter()
            .filter_map(|f| f.text.as_ref().map(|t| (f, t)))
            .filter(|(_, t)| !t.ascii)
            .collect();
        if texts.len() < 3 {
            return;
        }
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, t) in &texts {
            *counts.entry(t.encoding).or_insert(0) += 1;
        }
        let Some((&major, &n)) = counts.iter().max_by_key(|(_, n)| **n) else {
            return;
        };
        if n * 2 <= texts.len() {
            return;
        }
        for (f, t) in texts {
            if t.encoding != major {
                out.push(CorpusFinding {
                    path: f.path.clone(),
                    rule: INFO.id,
                    severity: Severity::Warning,
                    message: format!(
                        "decoded as {} ({}) while {n} of {} non-ASCII files are {major}",
                        t.encoding,
                        t.method,
                        counts.values().sum::<usize>()
                    ),
                    related: Vec::new(),
                });
            }
        }
    }
}
