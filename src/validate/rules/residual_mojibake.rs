use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule};
use std::collections::HashMap;
use std::sync::LazyLock;

crate::declare_rule! {
    /// ## What it does
    /// Reports mojibake signatures left in the final text: a run of characters
    /// that, written back as Windows-1252 (or Latin-1) bytes, forms valid UTF-8,
    /// such as `Ã©` (→ `é`), `â€™` (→ `’`) or `Â`+U+00A0 (→ U+00A0); and `Â`
    /// alone before a space, the remains of a no-break space. Each finding
    /// says what the run would read as and why it is still there: the repair
    /// stage is off, or it left the run (it judged the text legitimate or could
    /// not decide, e.g. in a file that mixes damaged and intact text). Readings
    /// in Thaana or N'Ko (`ß»` in German text) are not signatures, and a lone
    /// signature counts only with one of the common leads `Ã Â â ï` (a run of
    /// two or more, such as Cyrillic `ÐŸÑ€`, counts with any lead): `4288×…`
    /// or `VOCÊ…` is legitimate text far more often than damage. Of ftfy's 31
    /// hard negative cases (legitimate text) this flags one, `DrÃ¥ber`; of its
    /// 70 in-the-wild and 30 synthetic mojibake cases it flags 39 and 12 (the
    /// rest are other encodings' mojibake, C1 controls, or lone rare leads).
    ///
    /// ## Why
    /// Mojibake is the commonest damage in scraped text, and what repair leaves
    /// behind is exactly what a person has to look at before publishing.
    ///
    /// ## Example
    /// `didnâ€™t` → finding `residual-mojibake` at 1:5: `"â€™" looks like UTF-8
    /// read as Windows-1252 (it would read "’")`.
    ///
    /// ## Fix safety
    /// Reports only; the repair stage does the fixing.
    pub struct ResidualMojibake {
        id: "residual-mojibake",
        stage: Validate,
        summary: "mojibake signatures (Ã©, â€™, Â ) left after repair, with their likely reading",
        default_enabled: true,
    }
}

/// Characters that Windows-1252 (or Latin-1, for the C1 controls) decodes
/// the bytes 0x80–0xFF to, mapped back to the byte.
static BYTE_OF: LazyLock<HashMap<char, u8>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for b in 0x80u8..=0xFF {
        map.insert(char::from(b), b); // Latin-1 reading, C1 controls included
        let bytes = [b];
        let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
        if let Some(c) = s.chars().next() {
            map.insert(c, b);
        }
    }
    map
});

/// Leads of the mojibake of Latin-1 letters (`Ã`), no-break space and
/// symbols (`Â`), punctuation (`â`) and the BOM (`ï»¿`): the bulk of real
/// damage, reported even alone.
const COMMON_LEADS: [char; 4] = ['Ã', 'Â', 'â', 'ï'];

fn byte(c: char) -> Option<u8> {
    BYTE_OF.get(&c).copied()
}

/// Length in bytes and UTF-8 reading of a signature at the start of `text`.
fn signature(text: &str) -> Option<(usize, String)> {
    let mut chars = text.char_indices();
    let (_, first) = chars.next()?;
    let lead = byte(first)?;
    let n = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut bytes = vec![lead];
    let mut end = first.len_utf8();
    for (at, c) in chars.by_ref().take(n - 1) {
        match byte(c) {
            Some(b @ 0x80..=0xBF) => {
                bytes.push(b);
                end = at + c.len_utf8();
            }
            _ => break,
        }
    }
    if bytes.len() == n {
        if let Ok(s) = std::str::from_utf8(&bytes) {
            // Thaana and N'Ko are what `ß»` or `ß’` (German text with
            // quotes) would read as: never the likely reading.
            if !s.chars().any(|c| ('\u{780}'..='\u{7ff}').contains(&c)) {
                return Some((end, s.to_string()));
            }
        }
    }
    // `Â` before a plain space: a no-break space whose second byte was
    // turned into a space.
    if first == 'Â' && text[first.len_utf8()..].starts_with(' ') {
        return Some((first.len_utf8(), "\u{a0}".to_string()));
    }
    None
}

impl Rule for ResidualMojibake {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        if !ctx.facts.non_ascii {
            return;
        }
        let repair_on = crate::repair::RULES
            .iter()
            .any(|r| ctx.config.enabled(r.info()));
        let why = if repair_on {
            "repair left it: it judged the text legitimate or could not decide"
        } else {
            "the repair stage is off"
        };
        let mut i = 0;
        while i < text.len() {
            // A signature starts with a lead byte 0xC2..0xF4 read as
            // Windows-1252: a character U+00C2..U+00F4, which is C3 82..C3 B4
            // in UTF-8. Jump from one byte C3 to the next.
            let Some(skip) = memchr::memchr(0xC3, &text.as_bytes()[i..]) else {
                break;
            };
            i += skip;
            // A run of adjacent signatures is one finding.
            let from = i;
            let mut reading = String::new();
            let mut count = 0;
            while let Some((len, s)) = text.get(i..).and_then(signature) {
                reading.push_str(&s);
                i += len;
                count += 1;
            }
            if i == from {
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            // A lone signature with a rarer lead (`×”` in `“×” curves`,
            // `VOCÊ…`) is too often legitimate text.
            if count == 1 && !text[from..].starts_with(COMMON_LEADS) {
                continue;
            }
            out.findings.push(Finding::new(
                INFO.id,
                Severity::Warning,
                from..i,
                format!(
                    "\"{}\" looks like UTF-8 read as Windows-1252 (it would read \"{}\"); {why}",
                    crate::report::visible(&text[from..i]),
                    crate::report::visible(&reading)
                ),
            ));
        }
    }
}
