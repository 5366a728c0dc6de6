//! Applicability: which of the fixes a rule proposes are applied.
//!
//! As with ruff's fix applicability, a fix is applied only when its rule is
//! at least as sure as the run asks (`--min-confidence`, `[fix]
//! min-confidence`; `likely` by default). The others are withheld here, in
//! one place for every rule, and reported as findings that carry the text
//! they would have written. The pipeline withholds before it applies, so
//! `clean`, `fix` and `check --diff` all see the same text, and every edit
//! recorded (merged ones included, whose confidence is the lowest of their
//! parts) is at least as sure as asked.

use crate::edit::{Confidence, Fix};
use crate::finding::{Finding, Proposal, Severity};

/// Move the fixes of `rule` below `min` out of `fixes` and into `findings`,
/// as findings in coordinates of `text` (the text the rule saw). A fix that
/// gives back what the text has is dropped, as applying it would.
pub fn withhold(
    rule: &'static str,
    text: &str,
    fixes: &mut Vec<Fix>,
    min: Confidence,
    findings: &mut Vec<Finding>,
) {
    if fixes.iter().all(|f| f.confidence >= min) {
        return;
    }
    fixes.retain_mut(|f| {
        if f.confidence >= min {
            return true;
        }
        let before = &text[f.range.clone()];
        if before != f.replacement {
            findings.push(withheld(rule, f, before));
        }
        false
    });
}

/// The finding of one withheld fix, whose range holds `before`.
fn withheld(rule: &'static str, fix: &Fix, before: &str) -> Finding {
    let message = format!(
        "{}: probably {} ({}, not applied)",
        shown(before),
        if fix.replacement.is_empty() {
            "removed".to_string()
        } else {
            shown(&fix.replacement)
        },
        fix.confidence.as_str()
    );
    let mut finding = Finding::new(rule, Severity::Warning, fix.range.clone(), message);
    finding.proposed = Some(Box::new(Proposal {
        before: before.into(),
        after: fix.replacement.clone(),
        confidence: fix.confidence,
    }));
    finding
}

/// Text for a message: a lone character a reader could not see or tell
/// apart (U+FFFD, a no-break space, a control) by its code point, anything
/// else with invisible characters escaped.
fn shown(s: &str) -> String {
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c == ' ' {
            return "a space".to_string();
        }
        let v = crate::report::visible(s);
        if v != s {
            return format!("U+{:04X}", c as u32);
        }
    }
    crate::report::visible(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withholds_below_the_threshold_only() {
        let text = "a\u{fffd}b c";
        let mut fixes = vec![
            Fix::new(1..4, "\u{2019}", Confidence::Guess),
            Fix::new(4..5, "B", Confidence::Likely),
            Fix::new(6..7, "c", Confidence::Guess), // gives back what is there
        ];
        let mut findings = Vec::new();
        withhold("r", text, &mut fixes, Confidence::Likely, &mut findings);
        assert_eq!(fixes, vec![Fix::new(4..5, "B", Confidence::Likely)]);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!((f.rule, f.start, f.end), ("r", 1, 4));
        assert_eq!(f.message, "U+FFFD: probably \u{2019} (guess, not applied)");
        let p = f.proposed.as_deref().unwrap();
        assert_eq!(
            (p.before.as_str(), p.after.as_str()),
            ("\u{fffd}", "\u{2019}")
        );
        assert_eq!(p.confidence, Confidence::Guess);
    }

    #[test]
    fn guess_keeps_everything() {
        let mut fixes = vec![Fix::new(0..1, "x", Confidence::Guess)];
        let mut findings = Vec::new();
        withhold("r", "a", &mut fixes, Confidence::Guess, &mut findings);
        assert_eq!(fixes.len(), 1);
        assert!(findings.is_empty());
    }

    #[test]
    fn messages_name_what_cannot_be_seen() {
        let mut fixes = vec![
            Fix::delete(0..3, Confidence::Likely),
            Fix::new(3..7, "\u{e9}", Confidence::Likely),
        ];
        let mut findings = Vec::new();
        let text = "\u{200b}\u{c3}\u{a9}";
        withhold("r", text, &mut fixes, Confidence::Certain, &mut findings);
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "U+200B: probably removed (likely, not applied)",
                "\u{c3}\u{a9}: probably \u{e9} (likely, not applied)"
            ]
        );
    }
}
