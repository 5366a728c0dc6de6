//! ## What it does
//! Puts the text in Unicode Normalization Form C: a letter and its combining
//! accent become the single precomposed character.
//!
//! ## Why
//! `é` typed as `e` + U+0301 and `é` typed as U+00E9 look the same but compare,
//! count and tokenise differently; NFC is the form the web and most tools use.
//!
//! ## Example
//! `cafe\u{301}` → `café`
//!
//! ## Fix safety
//! Certain: NFC is canonically equivalent text.

use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule, RuleInfo, Stage};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

pub struct Nfc;

static INFO: RuleInfo = RuleInfo {
    id: "nfc",
    stage: Stage::Normalize,
    summary: "Unicode normalization form C",
    default_enabled: true,
};

impl Rule for Nfc {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        if !ctx.facts.maybe_unnormalized || is_nfc_quick(text.chars()) == IsNormalized::Yes {
            return;
        }
        // An ASCII character never composes with what precedes it, so NFC
        // can be applied to each run of non-ASCII characters together with
        // the one character before it, giving small, local edits.
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let Some(first) = bytes[i..].iter().position(|&b| b >= 0x80) else {
                break;
            };
            let run_start = i + first;
            let run_end = bytes[run_start..]
                .iter()
                .position(|&b| b < 0x80)
                .map_or(bytes.len(), |n| run_start + n);
            let start = text[..run_start]
                .char_indices()
                .next_back()
                .map_or(run_start, |(p, _)| p);
            let segment = &text[start..run_end];
            if is_nfc_quick(segment.chars()) != IsNormalized::Yes {
                let normalized: String = segment.nfc().collect();
                if normalized != segment {
                    out.fixes
                        .push(Fix::new(start..run_end, normalized, Confidence::Certain));
                }
            }
            i = run_end;
        }
    }
}
