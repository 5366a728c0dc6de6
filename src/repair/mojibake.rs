//! ## What it does
//! Undoes mojibake: UTF-8 text that was decoded with a single-byte code page
//! (Windows-1252 or Latin-1 above all; also Windows-1251, Windows-1250, Mac
//! Roman and IBM 437), once or twice, including the common lossy forms where
//! a byte Windows-1252 leaves undefined was lost or replaced (`â€` + a lost
//! 0x9D is `”`), and `Ã`/`Â` whose second byte (0xA0) became a space.
//!
//! Each word is considered on its own: its characters are encoded back with
//! a code page, the valid UTF-8 sequences in the bytes are decoded, and the
//! result is kept only if it reads better than the original by a score of
//! implausible characters and combinations (see `charclass`). Accented names,
//! `Ã` in Portuguese, math, symbols and other scripts score as good text and
//! are left alone. A single candidate in a text that otherwise holds
//! correctly decoded non-ASCII characters is left alone and reported.
//!
//! ## Why
//! Mojibake is the most common damage in scraped and converted corpora, and
//! it is reversible: the bytes are still there, only read wrongly.
//!
//! ## Example
//! `donâ€™t` → `don’t`; `Ã¢â‚¬Å“` → `“`; `rÃ©gime` → `régime`;
//! `â€œbb+â€?` → `“bb+”`; `voilÃ le` → `voilà le`
//!
//! ## Fix safety
//! Certain for three- and four-byte sequences (`â€™`), which do not occur in
//! real text; likely for two-byte sequences and lossy forms. An ambiguous
//! lost byte (`Ã` + U+FFFD could be Á, Í, Ï, Ð or Ý) becomes one U+FFFD,
//! which `replacement-char` reports.

use super::charclass::{badness, class, Class};
use super::charmap::Page;
use crate::edit::{Confidence, Fix};
use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule, RuleInfo, Stage};

pub struct Mojibake;

static INFO: RuleInfo = RuleInfo {
    id: "mojibake",
    stage: Stage::Repair,
    summary: "UTF-8 read as Windows-1252/Latin-1 (or 1250, 1251, Mac Roman, CP437) is decoded back, one or two layers",
    default_enabled: true,
};

/// One character of a word under repair, with the input bytes it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    c: char,
    start: usize,
    end: usize,
}

/// How many layers of mojibake are undone at most.
const MAX_LAYERS: usize = 3;

impl Rule for Mojibake {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        if text.is_ascii() {
            return;
        }
        let mut fixes: Vec<Fix> = Vec::new();
        let bytes = text.as_bytes();
        let mut pos = 0;
        while pos < bytes.len() {
            // Skip to the next word holding a non-ASCII character.
            let Some(hi) = bytes[pos..].iter().position(|&b| b >= 0x80) else {
                break;
            };
            let at = pos + hi;
            let start = bytes[..at]
                .iter()
                .rposition(|b| b.is_ascii_whitespace())
                .map_or(0, |i| i + 1)
                .max(pos);
            let end = bytes[at..]
                .iter()
                .position(|b| b.is_ascii_whitespace())
                .map_or(bytes.len(), |i| at + i);
            fix_word(text, start, end, &mut fixes);
            pos = end;
        }
        lossy_space(text, &mut fixes);
        if fixes.is_empty() {
            return;
        }
        fixes.sort_by_key(|f| f.range.start);
        // One candidate in a text whose other non-ASCII characters were read
        // correctly is more likely legitimate (a band name, a pun) than damage.
        if fixes.len() == 1 && has_other_non_ascii(text, ctx, &fixes[0]) {
            let f = &fixes[0];
            out.findings.push(Finding::new(
                INFO.id,
                Severity::Info,
                f.range.clone(),
                format!(
                    "possible mojibake `{}` (would be `{}`), left unchanged: the rest of the text is decoded correctly",
                    &text[f.range.clone()],
                    f.replacement
                ),
            ));
            return;
        }
        out.fixes.append(&mut fixes);
    }
}

/// Does the text hold non-ASCII characters outside `fix` that no earlier rule
/// produced?
fn has_other_non_ascii(text: &str, ctx: &Context, fix: &Fix) -> bool {
    // Spans of the current text that earlier repair rules wrote.
    let mut written = Vec::new();
    let mut delta: isize = 0;
    for e in ctx.log.edits() {
        let s = (e.start as isize + delta) as usize;
        written.push(s..s + e.after.len());
        delta += e.after.len() as isize - (e.end - e.start) as isize;
    }
    text.char_indices().any(|(i, c)| {
        !c.is_ascii()
            && !c.is_whitespace()
            && !fix.range.contains(&i)
            && !written.iter().any(|r| r.contains(&i))
    })
}

/// Repair one whitespace-delimited word `text[start..end]`.
fn fix_word(text: &str, start: usize, end: usize, fixes: &mut Vec<Fix>) {
    let word = &text[start..end];
    let pieces: Vec<Piece> = word
        .char_indices()
        .map(|(i, c)| Piece {
            c,
            start: start + i,
            end: start + i + c.len_utf8(),
        })
        .collect();
    if !Page::ALL.iter().any(|p| has_sequence(&pieces, *p)) {
        return;
    }
    let (_, best, layers) = search(&pieces, 0);
    if layers == 0 {
        return;
    }
    for p in best {
        let before = &text[p.start..p.end];
        let mut buf = [0u8; 4];
        let after = p.c.encode_utf8(&mut buf);
        if before != after {
            let confidence = if p.end - p.start >= 3 || layers > 1 {
                Confidence::Certain
            } else {
                Confidence::Likely
            };
            fixes.push(Fix::new(p.start..p.end, after.to_string(), confidence));
        }
    }
}

/// The best reading of `pieces` reachable by undoing up to `MAX_LAYERS -
/// depth` layers: (score, pieces, layers undone). Each code page other than
/// Windows-1252 costs one point, so it must read clearly better.
fn search(pieces: &[Piece], depth: usize) -> (i32, Vec<Piece>, usize) {
    let chars: Vec<char> = pieces.iter().map(|p| p.c).collect();
    let base = badness(&chars);
    let mut best = (base, pieces.to_vec(), 0);
    if depth == MAX_LAYERS || base == 0 {
        return best;
    }
    for page in Page::ALL {
        let Some(decoded) = decode_through(pieces, page) else {
            continue;
        };
        let prior = if page == Page::Windows1252 { 0 } else { 1 };
        let (score, result, layers) = search(&decoded, depth + 1);
        if score + prior < best.0 {
            best = (score + prior, result, layers + 1);
        }
    }
    best
}

fn is_cont(b: Option<u8>) -> bool {
    matches!(b, Some(0x80..=0xBF))
}

/// Quick test: is there a lead byte followed by a continuation byte?
fn has_sequence(pieces: &[Piece], page: Page) -> bool {
    let t = page.table();
    let mut prev_lead = false;
    for p in pieces {
        if p.c.is_ascii() {
            prev_lead = false;
            continue;
        }
        let b = t.encode(p.c);
        if prev_lead && (is_cont(b) || p.c == '\u{FFFD}') {
            return true;
        }
        prev_lead = matches!(b, Some(0xC2..=0xF4));
    }
    false
}

/// Encode `pieces` with `page` and decode the UTF-8 sequences found in the
/// bytes; `None` if there are none.
fn decode_through(pieces: &[Piece], page: Page) -> Option<Vec<Piece>> {
    if !has_sequence(pieces, page) {
        return None;
    }
    let t = page.table();
    let bytes: Vec<Option<u8>> = pieces.iter().map(|p| t.encode(p.c)).collect();
    let mut out = Vec::with_capacity(pieces.len());
    let mut found = 0;
    let mut i = 0;
    let span = |a: usize, b: usize, c: char| Piece {
        c,
        start: pieces[a].start,
        end: pieces[b].end,
    };
    while i < pieces.len() {
        let Some(lead @ 0xC2..=0xF4) = bytes[i] else {
            out.push(pieces[i]);
            i += 1;
            continue;
        };
        let need = match lead {
            0xC2..=0xDF => 1,
            0xE0..=0xEF => 2,
            _ => 3,
        };
        let (lo, hi) = match lead {
            0xE0 => (0xA0, 0xBF),
            0xF0 => (0x90, 0xBF),
            0xF4 => (0x80, 0x8F),
            _ => (0x80, 0xBF),
        };
        let mut k = 0;
        while k < need && is_cont(bytes.get(i + 1 + k).copied().flatten()) {
            k += 1;
        }
        let second_ok = k == 0 || (lo..=hi).contains(&bytes[i + 1].unwrap());
        if k == need && second_ok {
            let cp = utf8_value(lead, &bytes[i + 1..=i + need]);
            if (0xD800..0xDC00).contains(&cp) {
                // CESU-8 / "UTF-8" of a surrogate pair.
                if let (Some(0xED), Some(b @ 0xB0..=0xBF), Some(c @ 0x80..=0xBF)) = (
                    bytes.get(i + 3).copied().flatten(),
                    bytes.get(i + 4).copied().flatten(),
                    bytes.get(i + 5).copied().flatten(),
                ) {
                    let low = utf8_value(0xED, &[Some(b), Some(c)]);
                    let full = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    if let Some(ch) = char::from_u32(full) {
                        out.push(span(i, i + 5, ch));
                        found += 1;
                        i += 6;
                        continue;
                    }
                }
            } else if let Some(ch) = char::from_u32(cp) {
                out.push(span(i, i + need, ch));
                found += 1;
                i += need + 1;
                continue;
            }
        } else if k + 1 == need && second_ok {
            if let Some((ch, used)) = lossy(pieces, &bytes, i, k, page) {
                out.push(span(i, i + used - 1, ch));
                found += 1;
                i += used;
                continue;
            }
        }
        out.push(pieces[i]);
        i += 1;
    }
    (found > 0).then_some(out)
}

fn utf8_value(lead: u8, rest: &[Option<u8>]) -> u32 {
    let mask = match rest.len() {
        1 => 0x1F,
        2 => 0x0F,
        _ => 0x07,
    };
    rest.iter().fold(u32::from(lead & mask), |acc, b| {
        (acc << 6) | u32::from(b.unwrap() & 0x3F)
    })
}

/// A sequence missing its last byte at `i` (with `k` continuation bytes
/// present). The byte was one the code page leaves undefined, and was lost
/// (`â€` at the end of a word: `”`) or replaced by U+FFFD or `?`. Returns the
/// character and how many pieces it covers.
fn lossy(pieces: &[Piece], bytes: &[Option<u8>], i: usize, k: usize, page: Page) -> Option<(char, usize)> {
    let t = page.table();
    let undefined: Vec<u8> = (0x80..=0xBFu8)
        .filter(|&b| matches!(t.decode(b) as u32, 0x80..=0x9F))
        .collect();
    let head: Vec<Option<u8>> = bytes[i..=i + k].to_vec();
    let plausible: Vec<char> = undefined
        .iter()
        .filter_map(|&b| {
            let mut seq = head[1..].to_vec();
            seq.push(Some(b));
            let cp = utf8_value(head[0].unwrap(), &seq);
            char::from_u32(cp)
        })
        .filter(|&c| {
            !matches!(class(c), Class::Rare | Class::Control | Class::Mark) && c != '\u{FFFD}'
        })
        .collect();
    let next = pieces.get(i + 1 + k).map(|p| p.c);
    match next {
        Some('\u{FFFD}') => match plausible.as_slice() {
            [c] => Some((*c, k + 2)),
            [] => None,
            // Several characters fit: keep one honest U+FFFD for the lot.
            _ => Some(('\u{FFFD}', k + 2)),
        },
        Some('?') => match plausible.as_slice() {
            [c] if next_is_boundary(pieces, i + 2 + k) => Some((*c, k + 2)),
            _ => None,
        },
        // `â€` with its third byte gone: by far most often `”`.
        _ if page == Page::Windows1252
            && bytes[i] == Some(0xE2)
            && bytes[i + 1] == Some(0x80)
            && next.is_none_or(|c| !c.is_alphanumeric()) =>
        {
            Some(('”', k + 1))
        }
        _ => None,
    }
}

fn next_is_boundary(pieces: &[Piece], j: usize) -> bool {
    pieces.get(j).is_none_or(|p| !p.c.is_alphanumeric())
}

/// `Ã` and `Â` whose second byte, 0xA0 (a no-break space), became a space or
/// was dropped: `voilÃ le` → `voilà le`, `namedÂ „` → `named\u{a0}„`.
fn lossy_space(text: &str, fixes: &mut Vec<Fix>) {
    let bytes = text.as_bytes();
    // `Ã` is C3 83, `Â` is C3 82.
    for i in memchr::memchr_iter(0xC3, bytes) {
        let which = match bytes.get(i + 1) {
            Some(0x83) => 'à',
            Some(0x82) => '\u{a0}',
            _ => continue,
        };
        if bytes.get(i + 2) != Some(&b' ') {
            continue;
        }
        if fixes.iter().any(|f| f.range.contains(&i)) {
            continue;
        }
        let prev = text[..i].chars().next_back();
        let rest = &text[i + 3..];
        let next_word: &str = rest.split(|c: char| c.is_whitespace()).next().unwrap_or("");
        let fix = if which == 'à' {
            let after_lower = prev.is_some_and(|p| p.is_lowercase() || matches!(p, '\'' | '’'));
            let alone = prev.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '"' | '“'));
            let lower_next = next_word.chars().next().is_some_and(|c| c.is_lowercase());
            if !(after_lower || (alone && lower_next)) {
                continue;
            }
            // `Ã s` where the space is the lost byte: `às`.
            let mut nw = next_word.chars();
            let single_consonant = matches!((nw.next(), nw.next()), (Some(c), None) if c.is_lowercase() && !"aeiouy".contains(c));
            if rest.starts_with(' ') || single_consonant {
                Fix::new(i..i + 3, "à", Confidence::Likely)
            } else {
                Fix::new(i..i + 2, "à", Confidence::Likely)
            }
        } else {
            let attached = prev.is_some_and(|p| !p.is_whitespace() && !matches!(p, 'Ã' | 'Â'));
            if !attached || rest.is_empty() || rest.starts_with(char::is_whitespace) {
                continue;
            }
            if prev.is_some_and(|p| p.is_uppercase()) && next_word.chars().next().is_some_and(|c| c.is_uppercase()) {
                continue;
            }
            Fix::new(i..i + 3, "\u{a0}", Confidence::Likely)
        };
        fixes.push(fix);
    }
}
