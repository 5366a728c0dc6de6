//! ## What it does
//! Reports mojibake signatures left in the final text: a run of characters
//! that, written back as Windows-1252 (or Latin-1) bytes, forms valid UTF-8,
//! such as `Ã©` (→ `é`), `â€™` (→ `’`) or `Â`+U+00A0 (→ U+00A0); and `Â`
//! alone before a space, the remains of a no-break space. Each finding
//! says what the run would read as and why it is still there: the repair
//! stage is off, or it left the run (it judged the text legitimate or could
//! not decide, e.g. in a file that mixes damaged and intact text). Readings
//! in Thaana or N'Ko (`ß»` in German text) are not signatures.
//!
//! ## Why
//! Mojibake is the commonest damage in scraped text, and what repair leaves
//! behind is exactly what a person has to look at before publishing.
//!
//! ## Example
//! `didnâ€™t` → finding `residual-mojibake` at 1:5: `"â€™" looks like UTF-8
//! read as Windows-1252 (it would read "’")`.
//!
//! ## Fix safety
//! Reports only; the repair stage does the fixing.

use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule, RuleInfo, Stage};
use std::collections::HashMap;
use std::sync::LazyLock;

pub struct ResidualMojibake;

static INFO: RuleInfo = RuleInfo {
    id: "residual-mojibake",
    stage: Stage::Validate,
    summary: "mojibake signatures (Ã©, â€™, Â ) left after repair, with their likely reading",
    default_enabled: true,
};

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

fn byte(c: char) -> Option<u8> {
    BYTE_OF.get(&c).copied()
}

/// Length in characters and UTF-8 reading of a signature starting at `chars[0]`.
fn signature(chars: &[(usize, char)]) -> Option<(usize, String)> {
    let lead = byte(chars[0].1)?;
    let n = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    if chars.len() >= n {
        let mut bytes = vec![lead];
        for &(_, c) in &chars[1..n] {
            match byte(c) {
                Some(b @ 0x80..=0xBF) => bytes.push(b),
                _ => break,
            }
        }
        if bytes.len() == n {
            if let Ok(s) = std::str::from_utf8(&bytes) {
                // Thaana and N'Ko are what `ß»` or `ß’` (German text with
                // quotes) would read as: never the likely reading.
                if !s.chars().any(|c| ('\u{780}'..='\u{7ff}').contains(&c)) {
                    return Some((n, s.to_string()));
                }
            }
        }
    }
    // `Â` before a plain space: a no-break space whose second byte was
    // turned into a space.
    if chars[0].1 == 'Â' && chars.get(1).is_some_and(|&(_, c)| c == ' ') {
        return Some((1, "\u{a0}".to_string()));
    }
    None
}

impl Rule for ResidualMojibake {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        if text.is_ascii() {
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
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].1 < '\u{80}' {
                i += 1;
                continue;
            }
            // A run of adjacent signatures is one finding.
            let start = i;
            let mut reading = String::new();
            while let Some((n, s)) = (i < chars.len()).then(|| signature(&chars[i..])).flatten() {
                reading.push_str(&s);
                i += n;
            }
            if i == start {
                i += 1;
                continue;
            }
            let from = chars[start].0;
            let to = chars.get(i).map_or(text.len(), |&(at, _)| at);
            out.findings.push(Finding::new(
                INFO.id,
                Severity::Warning,
                from..to,
                format!(
                    "\"{}\" looks like UTF-8 read as Windows-1252 (it would read \"{}\"); {why}",
                    crate::report::visible(&text[from..to]),
                    crate::report::visible(&reading)
                ),
            ));
        }
    }
}
