use crate::edit::{Confidence, Fix};
use crate::repair::charmap::{cp1252_undefined, Page};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// In a file decoded as UTF-8 that contains bytes which are not valid UTF-8,
    /// decodes those bytes as Windows-1252 instead of leaving U+FFFD for them.
    ///
    /// ## Why
    /// Files assembled from pieces saved in different encodings (chapters
    /// written on different machines, a UTF-8 file edited in a legacy editor)
    /// are valid UTF-8 except for single bytes such as `0x92` (’) or `0xE9` (é).
    /// The decode stage keeps those bytes; Windows-1252 is by far the most common
    /// legacy encoding of such pieces.
    ///
    /// ## Example
    /// bytes `don\x92t caf\xe9` in a UTF-8 file → `don’t café`
    ///
    /// ## Fix safety
    /// Likely: the bytes are certainly not UTF-8, and Windows-1252 is the most
    /// probable reading. Bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F,
    /// 0x90, 0x9D) stay U+FFFD and are reported by `replacement-char`.
    pub struct MixedEncoding {
        id: "mixed-encoding",
        stage: Repair,
        summary: "bytes that are not UTF-8 inside a UTF-8 file are read as Windows-1252",
        default_enabled: true,
    }
}

impl Rule for MixedEncoding {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        if ctx.decoded.invalid.is_empty() || ctx.decoded.encoding != "UTF-8" {
            return;
        }
        let table = Page::Windows1252.table();
        for bad in &ctx.decoded.invalid {
            // Offsets are in the decoded input; map them if an earlier rule edited.
            let at = if ctx.log.edits().is_empty() {
                bad.offset
            } else {
                match current_offset(ctx, bad.offset) {
                    Some(at) => at,
                    None => continue,
                }
            };
            if text.get(at..at + 3) != Some("\u{FFFD}") {
                continue;
            }
            if bad.bytes.iter().any(|&b| cp1252_undefined(b)) {
                continue;
            }
            let decoded: String = bad.bytes.iter().map(|&b| table.decode(b)).collect();
            out.fixes
                .push(Fix::new(at..at + 3, decoded, Confidence::Likely));
        }
    }
}

/// The offset in the current text of an untouched input offset.
fn current_offset(ctx: &Context, original: usize) -> Option<usize> {
    let mut delta: isize = 0;
    for e in ctx.log.edits() {
        if e.end <= original {
            delta += e.after.len() as isize - (e.end - e.start) as isize;
        } else if e.start <= original {
            return None;
        } else {
            break;
        }
    }
    Some((original as isize + delta) as usize)
}
