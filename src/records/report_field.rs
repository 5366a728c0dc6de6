//! The field added to each record (`--report-key`, default `fettle`): what
//! was changed and found in its text, positioned in code points so that
//! Python's `text[start:end]` (and every language that indexes by
//! character) finds the place.
//!
//! ```json
//! {"changed": true,
//!  "edits_per_rule": {"mojibake": 1}, "findings_per_rule": {"long-lines": 1},
//!  "findings": [{"rule": "long-lines", "severity": "warning",
//!                "start": 0, "end": 30001, "message": "..."}],
//!  "edits": [{"rule": "mojibake", "before": "Ã©", "after": "é",
//!             "confidence": "certain", "start": 4, "end": 6,
//!             "cleaned_start": 4, "cleaned_end": 5}]}
//! ```
//! `start`/`end` are offsets in the original text, `cleaned_start` /
//! `cleaned_end` in the cleaned one; `edits` is there with `--edits` only.

use crate::edit::{Confidence, Edit};
use crate::finding::{Finding, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// What happened to one record's text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordReport {
    pub changed: bool,
    /// Rule id → edits it made (an edit several rules merged counts for
    /// the last of them, the one named in its `rule`).
    pub edits_per_rule: BTreeMap<&'static str, usize>,
    /// Rule id → findings it reported.
    pub findings_per_rule: BTreeMap<&'static str, usize>,
    pub findings: Vec<FindingAt>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edits: Option<Vec<EditAt>>,
}

/// A finding, in code points of the original text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingAt {
    pub rule: &'static str,
    pub severity: Severity,
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// An edit, in code points of the original and of the cleaned text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditAt {
    pub rule: &'static str,
    /// Earlier rules whose changes at this place were merged into this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<&'static str>,
    pub before: String,
    pub after: String,
    pub confidence: Confidence,
    pub start: usize,
    pub end: usize,
    pub cleaned_start: usize,
    pub cleaned_end: usize,
}

impl RecordReport {
    /// The report of `original` cleaned with `edits` into `cleaned`;
    /// `edits` and `findings` in byte offsets of `original` (as the pipeline
    /// gives them), `edits` sorted and apart.
    pub fn new(
        original: &str,
        cleaned: &str,
        edits: &[Edit],
        findings: &[Finding],
        with_edits: bool,
    ) -> RecordReport {
        let mut edits_per_rule = BTreeMap::new();
        for e in edits {
            *edits_per_rule.entry(e.rule()).or_insert(0) += 1;
        }
        let mut findings_per_rule = BTreeMap::new();
        for f in findings {
            *findings_per_rule.entry(f.rule).or_insert(0) += 1;
        }
        let in_original = CodePoints::of(
            original,
            findings
                .iter()
                .flat_map(|f| [f.start, f.end])
                .chain(edits.iter().flat_map(|e| [e.start, e.end])),
        );
        let findings = findings
            .iter()
            .map(|f| FindingAt {
                rule: f.rule,
                severity: f.severity,
                start: in_original.at(f.start),
                end: in_original.at(f.end),
                message: f.message.clone(),
            })
            .collect();
        let edits = with_edits.then(|| edits_at(original, cleaned, edits, &in_original));
        RecordReport {
            changed: !edits_per_rule.is_empty(),
            edits_per_rule,
            findings_per_rule,
            findings,
            edits,
        }
    }

    pub fn edit_count(&self) -> usize {
        self.edits_per_rule.values().sum()
    }
}

/// The edits with their places in both texts: an edit starts in the
/// cleaned text where it starts in the original, moved by what the edits
/// before it added or removed.
fn edits_at(
    original: &str,
    cleaned: &str,
    edits: &[Edit],
    in_original: &CodePoints,
) -> Vec<EditAt> {
    let mut shift: isize = 0;
    let cleaned_bytes: Vec<(usize, usize)> = edits
        .iter()
        .map(|e| {
            let start = e
                .start
                .checked_add_signed(shift)
                .expect("edits are sorted and apart");
            shift += e.after.len() as isize - (e.end - e.start) as isize;
            (start, start + e.after.len())
        })
        .collect();
    let in_cleaned = CodePoints::of(cleaned, cleaned_bytes.iter().flat_map(|&(s, e)| [s, e]));
    edits
        .iter()
        .zip(&cleaned_bytes)
        .map(|(e, &(start, end))| EditAt {
            rule: e.rule(),
            merged: e.merged().to_vec(),
            before: e.before(original).to_string(),
            after: e.after.to_string(),
            confidence: e.confidence(),
            start: in_original.at(e.start),
            end: in_original.at(e.end),
            cleaned_start: in_cleaned.at(start),
            cleaned_end: in_cleaned.at(end),
        })
        .collect()
}

/// Byte offsets of one text and their code-point offsets, found in one walk
/// over the text however many offsets are asked for.
struct CodePoints {
    /// (byte offset, code-point offset), sorted by byte offset.
    known: Vec<(usize, usize)>,
}

impl CodePoints {
    fn of(text: &str, offsets: impl Iterator<Item = usize>) -> CodePoints {
        let mut bytes: Vec<usize> = offsets.collect();
        bytes.sort_unstable();
        bytes.dedup();
        let mut known = Vec::with_capacity(bytes.len());
        let (mut at_byte, mut at_char) = (0, 0);
        for b in bytes {
            at_char += char_count(&text.as_bytes()[at_byte..b]);
            at_byte = b;
            known.push((b, at_char));
        }
        CodePoints { known }
    }

    fn at(&self, byte: usize) -> usize {
        let i = self
            .known
            .binary_search_by_key(&byte, |&(b, _)| b)
            .expect("every offset asked for was given to CodePoints::of");
        self.known[i].1
    }
}

/// Code points in UTF-8 bytes: the bytes that are not continuation bytes.
fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::EditLog;
    use crate::edit::Fix;

    fn chars(text: &str, start: usize, end: usize) -> String {
        text.chars().skip(start).take(end - start).collect()
    }

    #[test]
    fn offsets_are_code_points_in_both_texts() {
        let original = "Ã© café — “x”  Ã©";
        let mut log = EditLog::new(original.to_string());
        let first = original.find("Ã©").unwrap();
        let last = original.rfind("Ã©").unwrap();
        log.apply(
            "mojibake",
            vec![
                Fix::new(first..first + 4, "é", Confidence::Certain),
                Fix::new(last..last + 4, "é", Confidence::Likely),
            ],
        );
        let dash = log.current().find('—').unwrap();
        log.apply(
            "dashes",
            vec![Fix::new(
                dash..dash + '—'.len_utf8(),
                "--",
                Confidence::Guess,
            )],
        );
        let (cleaned, edits) = log.into_output();
        let report = RecordReport::new(original, &cleaned, &edits, &[], true);
        let edits = report.edits.as_ref().unwrap();
        assert_eq!(edits.len(), 3);
        for e in edits {
            assert_eq!(chars(original, e.start, e.end), e.before, "{e:?}");
            assert_eq!(
                chars(&cleaned, e.cleaned_start, e.cleaned_end),
                e.after,
                "{e:?}"
            );
        }
        assert_eq!(report.edits_per_rule.get("mojibake"), Some(&2));
        assert_eq!(report.edit_count(), 3);
        assert!(report.changed);
    }

    #[test]
    fn findings_are_counted_and_placed_in_code_points() {
        let original = "ééé x";
        let finding = Finding::new("long-lines", Severity::Warning, 7..8, "x");
        let report = RecordReport::new(original, original, &[], &[finding], false);
        assert!(!report.changed);
        assert_eq!((report.findings[0].start, report.findings[0].end), (4, 5));
        assert_eq!(report.findings_per_rule.get("long-lines"), Some(&1));
        let json = serde_json::to_string(&report).unwrap();
        assert!(!json.contains("\"edits\":"), "{json}");
    }
}
