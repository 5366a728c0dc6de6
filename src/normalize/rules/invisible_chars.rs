use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Removes invisible characters that carry no meaning in running text: a
    /// stray BOM (U+FEFF), zero-width space (U+200B), soft hyphen (U+00AD), word
    /// joiner (U+2060), C0 control characters other than tab and newline, DEL,
    /// and LRM/RLM (U+200E/U+200F) on lines without right-to-left script. ZWJ and
    /// ZWNJ (U+200D/U+200C) are kept where they join two letters or emoji, as in
    /// Persian words and emoji sequences, and removed elsewhere.
    ///
    /// ## Why
    /// They are left by copy-paste from web pages and word processors, break
    /// search and tokenisation (`w\u{200b}ord` is not `word`), and cannot be seen
    /// when reviewing.
    ///
    /// ## Example
    /// `zero\u{200b}width` → `zerowidth`; `👩\u{200d}💻` is unchanged.
    ///
    /// ## Fix safety
    /// Certain for controls, BOMs and word joiners; likely for zero-width spaces,
    /// soft hyphens and direction marks, which a typesetter may have meant.
    pub struct InvisibleChars {
        id: "invisible-chars",
        stage: Normalize,
        summary: "zero-width, soft hyphen, stray BOM, direction marks and C0 controls removed",
        default_enabled: true,
    }
}

impl Rule for InvisibleChars {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        if !ctx.facts.controls && !ctx.facts.invisible {
            return;
        }
        let bytes = text.as_bytes();
        let mut i = 0;
        // Only the bytes in CANDIDATE can start a character this rule removes;
        // everything else is skipped without decoding. Without C0 controls
        // and DEL (the facts rule them out) those are C2, E2 and EF, which
        // memchr finds a vector at a time.
        let only_lead = !ctx.facts.controls;
        let next = |from: &[u8]| {
            if only_lead {
                memchr::memchr3(0xC2, 0xE2, 0xEF, from)
            } else {
                from.iter().position(|&b| CANDIDATE[b as usize])
            }
        };
        while let Some(found) = next(&bytes[i..]) {
            let at = i + found;
            let c = text[at..]
                .chars()
                .next()
                .expect("a candidate starts a char");
            i = at + c.len_utf8();
            let confidence = match c {
                '\u{feff}' | '\u{2060}' | '\u{7f}' => Some(Confidence::Certain),
                '\0'..='\u{1f}' if !matches!(c, '\t' | '\n' | '\r') => Some(Confidence::Certain),
                '\u{200b}' | '\u{ad}' => Some(Confidence::Likely),
                '\u{200e}' | '\u{200f}' if !line_has_rtl(text, at) => Some(Confidence::Likely),
                '\u{200c}' | '\u{200d}'
                    if !(kept_before(text, at, &out.fixes).is_some_and(joins)
                        && text[i..].chars().next().is_some_and(joins)) =>
                {
                    Some(Confidence::Likely)
                }
                _ => None,
            };
            if let Some(conf) = confidence {
                out.fixes.push(Fix::delete(at..i, conf));
            }
        }
    }
}

/// Bytes that start a character this rule may remove: C0 controls but tab,
/// LF and CR; DEL; and the lead bytes of U+00AD (C2), U+200B..U+200F and
/// U+2060 (E2), and U+FEFF (EF).
static CANDIDATE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = !matches!(b as u8, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    table[0x7f] = true;
    table[0xc2] = true;
    table[0xe2] = true;
    table[0xef] = true;
    table
};

/// The last character before `at` that this rule keeps, skipping the ones it
/// already removed (its fixes so far, in text order).
fn kept_before(text: &str, at: usize, removed: &[Fix]) -> Option<char> {
    let mut end = at;
    for f in removed.iter().rev() {
        if f.range.end != end {
            break;
        }
        end = f.range.start;
    }
    text[..end].chars().next_back()
}

/// Can a joiner legitimately stand next to this character? Letters, marks and
/// emoji (including their modifiers and variation selectors) can.
fn joins(c: char) -> bool {
    c.is_alphanumeric()
        || (!c.is_ascii() && !c.is_whitespace() && !('\u{2000}'..='\u{206f}').contains(&c))
}

/// Does the line around `at` contain Hebrew, Arabic or another RTL script?
fn line_has_rtl(text: &str, at: usize) -> bool {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    text[start..end].chars().any(
        |c| matches!(c, '\u{590}'..='\u{8ff}' | '\u{fb1d}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}'),
    )
}
