//! Edits: what a rule proposes, and the log that records every applied change
//! in coordinates of the decoded input.
//!
//! Rules run one after another, each on the text the previous rules left. A
//! rule proposes [`Fix`]es in the coordinates of the text it saw; the
//! [`EditLog`] applies them and translates them back to the decoded input, so
//! the final report can say "bytes 120..123 of the input became `’`" even when
//! several rules touched the same place. Overlapping edits are resolved here,
//! in one place: when a later fix touches text an earlier fix produced, the two
//! are merged into one [`Edit`] that names both rules.
//!
//! This file holds the types; [`log`] the log and its merging, [`buffers`]
//! the buffers logs hand on from file to file.

use compact_str::CompactString;
use serde::Serialize;
use std::ops::Range;

/// How sure a rule is that its change restores what the author wrote.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Context leaves a real doubt; the fix is the most likely reading.
    Guess,
    /// Strong evidence, but a legitimate reading exists in principle.
    Likely,
    /// Certainly damage or noise; the fix cannot lose information the author meant.
    Certain,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Certain => "certain",
            Confidence::Likely => "likely",
            Confidence::Guess => "guess",
        }
    }
}

/// A change proposed by one rule, in coordinates of the text the rule saw.
///
/// Replacements and the texts of [`Edit`]s are [`CompactString`]s: most are
/// a few bytes (`\n`, `’`), held inline without an allocation each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub range: Range<usize>,
    pub replacement: CompactString,
    pub confidence: Confidence,
}

impl Fix {
    pub fn new(
        range: Range<usize>,
        replacement: impl Into<CompactString>,
        confidence: Confidence,
    ) -> Self {
        Fix {
            range,
            replacement: replacement.into(),
            confidence,
        }
    }
    pub fn delete(range: Range<usize>, confidence: Confidence) -> Self {
        Fix::new(range, CompactString::default(), confidence)
    }
}

/// A recorded change, in byte coordinates of the decoded input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// The rule that made the change (the last one, when several were merged).
    pub rule: &'static str,
    /// Earlier rules whose changes at this place were merged into this edit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<&'static str>,
    /// Byte offsets `start..end` in the decoded input.
    pub start: usize,
    pub end: usize,
    pub before: CompactString,
    pub after: CompactString,
    /// The lowest confidence of the merged changes.
    pub confidence: Confidence,
}

impl Edit {
    /// The edit a lone fix makes to `original[span]` (the span the fix covers,
    /// in input offsets), taking its replacement; `None` when the fix gives
    /// back what the input had there.
    #[inline]
    fn of_fix(
        rule: &'static str,
        original: &str,
        span: Range<usize>,
        fix: &mut Fix,
    ) -> Option<Edit> {
        let before = &original[span.clone()];
        (before != fix.replacement).then(|| Edit {
            rule,
            merged: Vec::new(),
            start: span.start,
            end: span.end,
            before: before.into(),
            after: std::mem::take(&mut fix.replacement),
            confidence: fix.confidence,
        })
    }
}

mod buffers;
mod log;

pub use buffers::recycle_edits;
pub use log::EditLog;

/// Apply recorded edits to the decoded input: the inverse check of the log.
pub fn apply_edits(original: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(original.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&original[at..e.start]);
        out.push_str(&e.after);
        at = e.end;
    }
    out.push_str(&original[at..]);
    out
}
