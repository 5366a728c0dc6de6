//! ## What it does
//! Turns every line ending into LF: CRLF, a lone CR, NEL (U+0085), LINE
//! SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029).
//!
//! ## Why
//! Mixed endings break line-based tools and make diffs noisy; LF is what every
//! text-processing tool expects.
//!
//! ## Example
//! `one\r\ntwo\rthree` → `one\ntwo\nthree`
//!
//! ## Fix safety
//! Certain: only the representation of a line break changes.

use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule, RuleInfo, Stage};

pub struct LineEndings;

static INFO: RuleInfo = RuleInfo {
    id: "line-endings",
    stage: Stage::Normalize,
    summary: "CRLF, CR, NEL, U+2028 and U+2029 become LF",
    default_enabled: true,
};

impl Rule for LineEndings {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn run(&self, text: &str, _ctx: &Context, out: &mut Outcome) {
        let bytes = text.as_bytes();
        for i in memchr::memchr_iter(b'\r', bytes) {
            let end = if bytes.get(i + 1) == Some(&b'\n') {
                i + 2
            } else {
                i + 1
            };
            out.fixes.push(Fix::new(i..end, "\n", Confidence::Certain));
        }
        if !text.is_ascii() {
            for (i, c) in text.char_indices() {
                if matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') {
                    out.fixes
                        .push(Fix::new(i..i + c.len_utf8(), "\n", Confidence::Certain));
                }
            }
        }
    }
}
