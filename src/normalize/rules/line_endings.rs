use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Turns every line ending into LF: CRLF, a lone CR, NEL (U+0085), LINE
    /// SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029).
    ///
    /// ## Why
    /// Mixed endings break line-based tools and make diffs noisy; LF is what every
    /// text-processing tool expects.
    ///
    /// ## Example
    /// `one\r\ntwo\rthree` → `one\ntwo\nthree`
    ///
    /// ## Fix safety
    /// Certain: only the representation of a line break changes.
    pub struct LineEndings {
        id: "line-endings",
        stage: Normalize,
        summary: "CRLF, CR, NEL, U+2028 and U+2029 become LF",
        default_enabled: true,
    }
}

impl Rule for LineEndings {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        let bytes = text.as_bytes();
        if !ctx.facts.cr && !ctx.facts.unicode_newlines {
            return;
        }
        for i in memchr::memchr_iter(b'\r', bytes) {
            let end = if bytes.get(i + 1) == Some(&b'\n') {
                i + 2
            } else {
                i + 1
            };
            out.fixes.push(Fix::new(i..end, "\n", Confidence::Certain));
        }
        // U+0085 is C2 85 in UTF-8, U+2028 and U+2029 are E2 80 A8 and A9.
        if ctx.facts.unicode_newlines {
            for i in memchr::memchr2_iter(0xc2, 0xe2, bytes) {
                let len = match &bytes[i..] {
                    [0xc2, 0x85, ..] => 2,
                    [0xe2, 0x80, 0xa8 | 0xa9, ..] => 3,
                    _ => continue,
                };
                out.fixes
                    .push(Fix::new(i..i + len, "\n", Confidence::Certain));
            }
        }
    }
}
