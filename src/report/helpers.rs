//! Helpers shared by the CI printers (GitHub annotations, SARIF, Markdown,
//! HTML): edit groups, end positions, and which findings mean damage.

use super::{EditRecord, FindingRecord};
use crate::edit::Confidence;
use crate::finding::Severity;
use crate::line_col::advance;

/// Consecutive edits of one rule on the same or adjacent lines: one
/// annotation, one SARIF result, one row of a summary.
#[derive(Debug, Clone, Copy)]
pub struct EditGroup<'a> {
    pub rule: &'static str,
    pub edits: &'a [EditRecord<'a>],
}

impl EditGroup<'_> {
    pub fn first(&self) -> &EditRecord<'_> {
        &self.edits[0]
    }
    pub fn last(&self) -> &EditRecord<'_> {
        &self.edits[self.edits.len() - 1]
    }
    /// The lowest confidence in the group.
    pub fn confidence(&self) -> Confidence {
        self.edits
            .iter()
            .map(|e| e.confidence)
            .min()
            .unwrap_or(Confidence::Certain)
    }
    /// 1-based (line, column) just after the last edit's `before` text.
    pub fn end(&self) -> (usize, usize) {
        end_of(self.last())
    }
}

/// Group a file's edits (sorted by position, as reports hold them).
pub fn group_edits<'a>(edits: &'a [EditRecord<'a>]) -> Vec<EditGroup<'a>> {
    let mut groups = Vec::new();
    let mut from = 0;
    for i in 1..=edits.len() {
        let split = i == edits.len() || {
            let (prev, next) = (&edits[i - 1], &edits[i]);
            next.rule != prev.rule || next.line > end_of(prev).0 + 1
        };
        if split && from < i {
            groups.push(EditGroup {
                rule: edits[from].rule,
                edits: &edits[from..i],
            });
            from = i;
        }
    }
    groups
}

/// 1-based (line, column) of the end of an edit's `before` text in the input,
/// counting lines at `\n` and columns in characters, like [`EditRecord`]'s
/// start. An insertion ends where it starts.
pub fn end_of(e: &EditRecord) -> (usize, usize) {
    advance(e.line, e.column, e.before)
}

/// Rule id of the finding that marks lost characters (U+FFFD).
pub const LOST_CHARACTERS: &str = "replacement-char";

/// Is this finding damage fettle cannot undo? Severity `error`, and U+FFFD
/// (a character was lost: no rule can bring it back), reported as such or
/// as a restoration too unsure to apply.
pub fn is_damage(f: &FindingRecord) -> bool {
    f.severity == Severity::Error
        || f.rule == LOST_CHARACTERS
        || f.proposed
            .as_ref()
            .is_some_and(|p| p.before.contains('\u{FFFD}'))
}

/// Shorten `s` to at most `max` characters, marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// `before`/`after` text for a one-line message: invisible characters
/// escaped ([`super::visible`]), spaces at either end shown as `␠`, cut to
/// `max` characters.
pub fn quote(s: &str, max: usize) -> String {
    let v = super::visible(s);
    let body = v.trim_matches(' ');
    let lead = v.len() - v.trim_start_matches(' ').len();
    let trail = if body.is_empty() {
        0
    } else {
        v.len() - v.trim_end_matches(' ').len()
    };
    let shown = format!("{}{body}{}", "␠".repeat(lead), "␠".repeat(trail));
    truncate(&shown, max)
}

/// Why a file would change besides its edits: re-encoding, a BOM.
pub fn encoding_change(r: &super::FileReport) -> Option<String> {
    let e = r.encoding.as_ref()?;
    let mut parts = Vec::new();
    if e.name != "UTF-8" {
        parts.push(format!("re-encoded from {} to UTF-8", e.name));
    }
    if let Some(bom) = e.bom {
        parts.push(format!("{bom} byte-order mark removed"));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(
        rule: &'static str,
        line: usize,
        column: usize,
        before: &'static str,
    ) -> EditRecord<'static> {
        EditRecord {
            rule,
            merged: &[],
            start: 0,
            end: 0,
            line,
            column,
            before,
            after: "",
            confidence: Confidence::Certain,
        }
    }

    #[test]
    fn groups_by_rule_and_adjacent_lines() {
        let edits = vec![
            edit("a", 1, 3, " "),
            edit("a", 2, 3, " "),
            edit("b", 2, 9, "x"),
            edit("a", 3, 1, " "),
            edit("a", 9, 1, " "),
        ];
        let groups = group_edits(&edits);
        let sizes: Vec<(&str, usize)> = groups.iter().map(|g| (g.rule, g.edits.len())).collect();
        assert_eq!(sizes, [("a", 2), ("b", 1), ("a", 1), ("a", 1)]);
    }
}
