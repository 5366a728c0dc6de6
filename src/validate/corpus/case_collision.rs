//! ## What it does
//! Reports paths that differ only in letter case or in Unicode normalization
//! (`é` as one code point or as `e` + U+0301) from another path in the run.
//! The first path (in sorted order) is kept; the others are reported naming it.
//!
//! ## Why
//! Windows and macOS file systems treat such names as the same file by
//! default: unpacking the corpus there silently overwrites one of them.
//!
//! ## Example
//! `Story.txt` and `story.txt` → `story.txt: case-collision: differs only in
//! letter case from Story.txt`.
//!
//! ## Fix safety
//! Reports only.

use super::{CorpusFinding, CorpusRule, FileSummary};
use crate::config::Config;
use crate::finding::Severity;
use crate::rule::{RuleInfo, Stage};
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

pub struct CaseCollision;

static INFO: RuleInfo = RuleInfo {
    id: "case-collision",
    stage: Stage::Corpus,
    summary: "paths that differ only in letter case or Unicode normalization",
    default_enabled: true,
};

impl CorpusRule for CaseCollision {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn run(&self, files: &[FileSummary], _config: &Config, out: &mut Vec<CorpusFinding>) {
        let mut first: HashMap<String, usize> = HashMap::new();
        for (i, f) in files.iter().enumerate() {
            let nfc: String = f.path.nfc().collect();
            let key = nfc.to_lowercase();
            match first.get(&key) {
                None => {
                    first.insert(key, i);
                }
                Some(&j) if files[j].path != f.path => {
                    let other = &files[j].path;
                    let how = if nfc == other.nfc().collect::<String>() {
                        "Unicode normalization"
                    } else {
                        "letter case"
                    };
                    out.push(CorpusFinding {
                        path: f.path.clone(),
                        rule: INFO.id,
                        severity: Severity::Warning,
                        message: format!(
                            "differs only in {how} from {other}: the two collide on Windows and macOS file systems"
                        ),
                        related: vec![other.clone()],
                    });
                }
                Some(_) => {} // the same path named twice on the command line
            }
        }
    }
}
