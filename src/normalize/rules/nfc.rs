use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

crate::declare_rule! {
    /// ## What it does
    /// Puts the text in Unicode Normalization Form C: a letter and its combining
    /// accent become the single precomposed character.
    ///
    /// ## Why
    /// `é` typed as `e` + U+0301 and `é` typed as U+00E9 look the same but compare,
    /// count and tokenise differently; NFC is the form the web and most tools use.
    ///
    /// ## Example
    /// `cafe\u{301}` → `café`
    ///
    /// ## Fix safety
    /// Certain: NFC is canonically equivalent text.
    pub struct Nfc {
        id: "nfc",
        stage: Normalize,
        summary: "Unicode normalization form C",
        default_enabled: true,
    }
}

impl Rule for Nfc {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        if !ctx.facts.maybe_unnormalized {
            return;
        }
        // An ASCII character never composes with what precedes it, so NFC
        // can be applied to each run of non-ASCII characters together with
        // the one character before it, giving small, local edits. For the
        // same reason the text is quick-checked run by run, not whole (an
        // ASCII character resets the check: combining class 0, always NFC),
        // and the ASCII between runs is skipped eight bytes at a time.
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let Some(first) = first_non_ascii(&bytes[i..]) else {
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

/// The offset of the first byte at or above 0x80, eight bytes at a time.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let high = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) & 0x8080_8080_8080_8080;
        if high != 0 {
            return Some(at + high.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b >= 0x80)
        .map(|i| at + i)
}
