use crate::edit::{Confidence, Fix};
use crate::finding::{Finding, Severity};
use crate::repair::charclass::{badness, class, Class, Classes, CONTRACTION_ENDS};
use crate::repair::charmap::{cp1252_of_c1, Masks, Page};
use crate::rule::{Context, Outcome, Rule};
use rustc_hash::FxHashMap;
use std::ops::Range;

crate::declare_rule! {
    /// ## What it does
    /// Undoes mojibake: UTF-8 text that was decoded with a single-byte code page
    /// (Windows-1252 or Latin-1 above all; also Windows-1251, Windows-1250,
    /// Windows-1257, ISO-8859-2, Mac Roman and IBM 437), up to three times,
    /// including the common lossy forms where a byte Windows-1252 leaves
    /// undefined was lost or replaced (`â€` + a lost 0x9D is `”`), and `Ã`/`Â`
    /// whose second byte (0xA0) became a space.
    ///
    /// Each word is considered on its own: its characters are encoded back with
    /// a code page, the valid UTF-8 sequences in the bytes are decoded, and the
    /// result is kept only if it reads better than the original by a score of
    /// implausible characters and combinations (see `charclass`). Accented names,
    /// `Ã` in Portuguese, math, symbols and other scripts score as good text and
    /// are left alone. A single candidate in a text that otherwise holds
    /// correctly decoded non-ASCII characters is left alone and reported.
    ///
    /// ## Why
    /// Mojibake is the most common damage in scraped and converted corpora, and
    /// it is reversible: the bytes are still there, only read wrongly.
    ///
    /// ## Example
    /// `donâ€™t` → `don’t`; `Ã¢â‚¬Å“` → `“`; `rÃ©gime` → `régime`;
    /// `â€œbb+â€?` → `“bb+”`; `voilÃ le` → `voilà le`
    ///
    /// ## Fix safety
    /// Certain for three- and four-byte sequences (`â€™`), which do not occur in
    /// real text; likely for two-byte sequences and lossy forms. An ambiguous
    /// lost byte (`Ã` + U+FFFD could be Á, Í, Ï, Ð or Ý) becomes one U+FFFD,
    /// which `replacement-restore` judges like any other (it leaves those that
    /// touch letters) and `replacement-char` reports. C1 controls are scored as
    /// the characters `c1-controls` makes of them, so a word reads the same
    /// before and after that rule ran: cleaning cleaned text changes nothing.
    pub struct Mojibake {
        id: "mojibake",
        stage: Repair,
        summary: "UTF-8 read as Windows-1252/Latin-1 (or 1250, 1251, 1257, ISO-8859-2, Mac Roman, CP437) is decoded back, up to three layers",
        default_enabled: true,
    }
}

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
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        if !ctx.facts.non_ascii {
            return;
        }
        let words = words(text);
        if words.is_empty() && !has_lossy_space_candidate(text) {
            return;
        }
        let mut order = Page::ALL.to_vec();
        // The code page most words were read through is the text's: it goes
        // first where several pages read a word equally well.
        let (mut fixes, counts) = fix_words(text, &words, &order);
        let top = (0..counts.len())
            .max_by_key(|&i| (counts[i], usize::MAX - i))
            .unwrap();
        if counts[top] > 0 && Page::ALL[top] != order[0] {
            let top = Page::ALL[top];
            order.retain(|p| *p != top);
            order.insert(0, top);
            fixes = fix_words(text, &words, &order).0;
        }
        fixes.sort_by_key(|f| f.range.start);
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

/// The spans of the words that may hold mojibake: a character some code
/// page encodes to a UTF-8 lead byte, followed by one it encodes to a
/// continuation byte (or a U+FFFD or a space standing for one); with their
/// `sequence_pages`.
fn words(text: &str) -> Vec<(usize, usize, u8)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut hit: Option<usize> = None;
    while pos < bytes.len() {
        // Words without two non-ASCII characters in a row (or one before a
        // space) hold no sequence: skip to the word of the next place where
        // they are. No word before it is read across a space (a join needs
        // a non-ASCII character before the space), so every word boundary
        // stays where it was.
        let hit = match hit {
            Some(h) if h >= pos => h,
            _ => match next_adjacent_non_ascii(bytes, pos) {
                Some(h) => *hit.insert(h),
                None => break,
            },
        };
        if let Some(w) = bytes[pos..hit]
            .iter()
            .rposition(|b| b.is_ascii_whitespace())
        {
            pos += w;
        }
        let Some(hi) = first_non_ascii(&bytes[pos..]) else {
            break;
        };
        let (start, end, pages) = word_around(text, pos, pos + hi);
        if pages != 0 {
            out.push((start, end, pages));
        }
        pos = end;
    }
    out
}

/// The word holding the non-ASCII character at `at`, starting no earlier
/// than `pos`, with its `sequence_pages`.
fn word_around(text: &str, pos: usize, at: usize) -> (usize, usize, u8) {
    let bytes = text.as_bytes();
    let start = bytes[..at]
        .iter()
        .rposition(|b| b.is_ascii_whitespace())
        .map_or(0, |i| i + 1)
        .max(pos);
    let mut end = word_end(bytes, at);
    // A space may be a lost 0xA0 byte inside a sequence (`â €` is
    // U+2800, `Å veices` is `Šveices`): read across it.
    while end < bytes.len() && end - start < 200 && joins_across(text, end) {
        end = word_end(bytes, end + 1);
    }
    (start, end, sequence_pages(text[start..end].chars()))
}

/// The first offset at or after `from` of a non-ASCII byte followed by the
/// first byte of a non-ASCII character or by a space: where a word may hold
/// a lead followed by a continuation (see `sequence_pages`).
fn next_adjacent_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    // Thirty-two bytes at a time: most blocks are all ASCII and hold no
    // pair; in the others, eight pairs at a time as bit masks, so a lone
    // `’` between ASCII letters costs a few operations.
    let mut i = from;
    while i + 33 <= bytes.len() {
        let lanes = [word(i), word(i + 8), word(i + 16), word(i + 24)];
        if (lanes[0] | lanes[1] | lanes[2] | lanes[3]) & HIGH != 0 {
            for (k, a) in lanes.into_iter().enumerate() {
                let at = i + 8 * k;
                if a & HIGH == 0 {
                    continue;
                }
                // Byte by byte: `a` at or above 0x80, and the byte after it
                // at or above 0xC0 (its two top bits) or a space (zero once
                // xored with spaces).
                let b = word(at + 1);
                let lead = b & (b << 1);
                let x = b ^ 0x2020_2020_2020_2020;
                let space = !(((x & LOW) + LOW) | x);
                let pairs = a & (lead | space) & HIGH;
                if pairs != 0 {
                    return Some(at + pairs.trailing_zeros() as usize / 8);
                }
            }
        }
        i += 32;
    }
    let hit = |a: u8, b: u8| (a >= 0x80) & ((b >= 0xC0) | (b == b' '));
    (i..bytes.len().saturating_sub(1)).find(|&j| hit(bytes[j], bytes[j + 1]))
}

/// The offset of the first byte at or above 0x80, eight bytes at a time.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    let word = |chunk: &[u8]| u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
    let mut at = 0;
    for chunk in bytes.chunks_exact(32) {
        let w = word(&chunk[..8]) | word(&chunk[8..16]) | word(&chunk[16..24]) | word(&chunk[24..]);
        if w & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        at += 32;
    }
    for chunk in bytes[at..].chunks_exact(8) {
        if word(chunk) & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| b >= 0x80).map(|i| at + i)
}

/// The code pages (bit `Page as usize`) in which `chars` hold a lead byte
/// followed by a continuation byte, a U+FFFD or a space (see
/// `decode_through`). ASCII characters other than the space end a sequence.
fn sequence_pages(chars: impl Iterator<Item = char>) -> u8 {
    let masks = Masks::get();
    let mut prev_lead = 0u8;
    let mut found = 0u8;
    for c in chars {
        if c.is_ascii() {
            if c == ' ' {
                found |= prev_lead;
            }
            prev_lead = 0;
            continue;
        }
        let (lead, cont) = masks.of(c);
        found |= prev_lead & if c == '\u{FFFD}' { 0xFF } else { cont };
        prev_lead = lead;
    }
    found
}

/// Fixes for every word, and how many repaired words each code page (by
/// `Page as usize`) read best as the outer layer.
fn fix_words(
    text: &str,
    words: &[(usize, usize, u8)],
    order: &[Page],
) -> (Vec<Fix>, [usize; Page::ALL.len()]) {
    // Sized for every word once: growing them cost more than the room.
    let mut fixes = Vec::with_capacity(words.len());
    let mut tentative = Vec::new();
    let mut counts = [0usize; Page::ALL.len()];
    let mut pool = Pool::default();
    let mut key = String::new();
    MEMOS.with_borrow_mut(|memos| {
        let memo = Memo::for_order(memos, order);
        for &(start, end, pages) in words {
            let start = start + memo_key(&text[start..end], &mut key);
            let w = match memo.seen.get(key.as_str()) {
                Some(w) => w,
                None => {
                    let w = fix_word(&key, pages, order, &mut pool, &mut memo.found);
                    memo.seen.entry(key.as_str().into()).or_insert(w)
                }
            };
            if let Some(w) = w {
                let moved = memo.found[w.fixes.clone()].iter().map(|f| {
                    let mut buf = [0; 4];
                    let c: &str = f.c.encode_utf8(&mut buf);
                    Fix::new(f.start + start..f.end + start, c, f.confidence)
                });
                if w.tentative {
                    tentative.extend(moved);
                } else {
                    fixes.extend(moved);
                    for (i, count) in counts.iter_mut().enumerate() {
                        *count += usize::from(w.votes & (1 << i) != 0);
                    }
                }
            }
        }
    });
    if fixes.len() >= 2 {
        fixes.append(&mut tentative);
    }
    (fixes, counts)
}

/// The text `fix_word` repairs `word` as, written to `key`, and the offset
/// in `word` of the key's start. Outside its non-ASCII part, a word counts
/// only through the characters next to it: the class of the two before it
/// (`Kingâ€™s` and `Tomâ€™s` share `aaâ€™s`), and the three after it (four
/// after an `'`: a contraction such as `’ll` reads up to three letters),
/// their letters only if they end a contraction (`Ã©tait` is `Ã©aaa`).
/// Words with ASCII controls there are kept whole.
fn memo_key(word: &str, key: &mut String) -> usize {
    key.clear();
    let bytes = word.as_bytes();
    let (Some(first), Some(last)) = (
        bytes.iter().position(|b| !b.is_ascii()),
        bytes.iter().rposition(|b| !b.is_ascii()),
    ) else {
        key.push_str(word);
        return 0;
    };
    let (before, middle, after) = (&word[..first], &word[first..=last], &word[last + 1..]);
    if before
        .bytes()
        .chain(after.bytes())
        .any(|b| b.is_ascii_control())
    {
        key.push_str(word);
        return 0;
    }
    let skip = before.len().saturating_sub(2);
    // `before` and `after` are ASCII: pushed byte by byte (a `String`
    // extended from an iterator of `char`s costs more than the few bytes).
    for b in before[skip..].bytes() {
        key.push(by_class(b));
    }
    key.push_str(middle);
    let kept = &after[..after.len().min(if after.starts_with('\'') { 4 } else { 3 })];
    // Past the apostrophe that may end the middle (once decoded) or begin
    // `after`, the letters count only in a contraction; elsewhere only
    // their case does.
    let letters = after.strip_prefix('\'').unwrap_or(after);
    let run = &letters[..letters.bytes().take_while(u8::is_ascii_alphabetic).count()];
    if CONTRACTION_ENDS.contains(&run) {
        key.push_str(kept);
    } else {
        for b in kept.bytes() {
            key.push(by_class(b));
        }
    }
    skip
}

/// An ASCII letter or digit as the first of its class (`a`, `A`, `0`).
fn by_class(b: u8) -> char {
    char::from(match b {
        b'a'..=b'z' => b'a',
        b'A'..=b'Z' => b'A',
        b'0'..=b'9' => b'0',
        _ => b,
    })
}

thread_local! {
    /// The repairs worked out on this thread, one memo per order of pages.
    static MEMOS: std::cell::RefCell<Vec<Memo>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A word's repair depends only on its text and the order the pages are
/// tried in: repeated words (`â€™s`, `Ã¢â‚¬Å“I`), within a text and from
/// text to text, are worked out once. The fixes are kept in offsets from
/// the word's start.
struct Memo {
    order: Vec<Page>,
    seen: FxHashMap<Box<str>, Option<WordFix>>,
    /// The changes the `WordFix`es of `seen` point into.
    found: Vec<Found>,
}

impl Memo {
    /// Words kept at most; the memo starts afresh beyond (bounds its memory).
    const MAX_WORDS: usize = 1 << 16;

    /// The memo of `order`, made empty if it grew too large.
    fn for_order<'a>(memos: &'a mut Vec<Memo>, order: &[Page]) -> &'a mut Memo {
        let i = match memos.iter().position(|m| m.order == order) {
            Some(i) => i,
            None => {
                memos.push(Memo {
                    order: order.to_vec(),
                    seen: FxHashMap::default(),
                    found: Vec::new(),
                });
                memos.len() - 1
            }
        };
        let memo = &mut memos[i];
        if memo.seen.len() >= Self::MAX_WORDS {
            memo.seen.clear();
            memo.found.clear();
        }
        memo
    }
}

/// Vectors of pieces, reused from word to word instead of allocated anew.
#[derive(Default)]
struct Pool(Vec<Vec<Piece>>);

impl Pool {
    fn take(&mut self) -> Vec<Piece> {
        let mut v = self.0.pop().unwrap_or_default();
        v.clear();
        v
    }

    fn give(&mut self, v: Vec<Piece>) {
        self.0.push(v);
    }
}

fn word_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .map_or(bytes.len(), |i| from + i)
}

/// Should the word before the space at `at` be read together with the word
/// after it? Only when the space could be a 0xA0 byte that was replaced: it
/// follows a non-ASCII character and precedes one, or follows a lead byte.
fn joins_across(text: &str, at: usize) -> bool {
    if text.as_bytes()[at] != b' ' {
        return false;
    }
    let Some(prev) = text[..at].chars().next_back() else {
        return false;
    };
    let next = text[at + 1..].chars().next();
    if prev.is_ascii() || next.is_none_or(|n| n.is_whitespace()) {
        return false;
    }
    let t = Page::Windows1252.table();
    let lead = matches!(t.encode(prev), Some(0xC4..=0xF4));
    lead || next.is_some_and(|n| !n.is_ascii())
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
    // U+FFFD, controls and the invisible characters normalizing removes are
    // not evidence of a correct decoding.
    text.char_indices().any(|(i, c)| {
        !c.is_ascii()
            && !c.is_whitespace()
            && !matches!(
                c,
                '\u{80}'..='\u{9f}'
                    | '\u{ad}'
                    | '\u{200b}'..='\u{200f}'
                    | '\u{2060}'..='\u{2064}'
                    | '\u{feff}'
                    | '\u{fffd}'
            )
            && !fix.range.contains(&i)
            && !written.iter().any(|r| r.contains(&i))
    })
}

/// What undoing mojibake in one word would do.
struct WordFix {
    /// Where its changes are in the list of found changes.
    fixes: Range<usize>,
    /// The decoding reads only as well as the original (no gain); taken only
    /// in a text with mojibake elsewhere.
    tentative: bool,
    /// The code pages (bit `Page as usize`) of the outer layer that read the
    /// word best.
    votes: u8,
}

/// One change in a word: the bytes `start..end` of the word become `c`.
struct Found {
    start: usize,
    end: usize,
    c: char,
    confidence: Confidence,
}

/// Repair one word (words may span a space, see `joins_across`) whose
/// `sequence_pages` are `pages`; the fixes are in offsets of `word`, added to
/// `found`.
fn fix_word(
    word: &str,
    pages: u8,
    order: &[Page],
    pool: &mut Pool,
    found: &mut Vec<Found>,
) -> Option<WordFix> {
    let text = word;
    debug_assert_eq!(pages, sequence_pages(word.chars()));
    if pages == 0 {
        return None;
    }
    let mut pieces = pool.take();
    pieces.extend(word.char_indices().map(|(i, c)| Piece {
        c,
        start: i,
        end: i + c.len_utf8(),
    }));
    let base = score(&pieces);
    // The outer layer is tried here so that every page reaching the best
    // score is known: they all get a vote for the text's code page.
    let mut best: (i32, Option<Vec<Piece>>, usize, Option<Page>) = (base, None, 0, None);
    let mut residual = base;
    let mut scores = [(Page::Windows1252, 0); Page::ALL.len()];
    let mut tried = 0;
    if base > 0 {
        for &page in order {
            let prior = i32::from(page != Page::Windows1252);
            if prior > best.0 {
                // Scores are never negative: this page can neither read
                // better nor tie (and so vote).
                continue;
            }
            let Some(decoded) = decode_through(&pieces, page, pages, pool) else {
                continue;
            };
            let (score, result, layers, _) = search(decoded, 1, order, pool);
            if adds_rare(&pieces, &result) {
                pool.give(result);
                continue;
            }
            scores[tried] = (page, score + prior);
            tried += 1;
            let current = best.1.as_deref().unwrap_or(&pieces);
            if better(score + prior, &result, best.0, current, best.2 > 0) {
                if let Some(old) = best.1.replace(result) {
                    pool.give(old);
                }
                (best.0, best.2, best.3) = (score + prior, layers + 1, Some(page));
                residual = score;
            } else {
                pool.give(result);
            }
        }
    }
    let (score, best, mut layers, _) = best;
    let votes = if layers > 0 {
        scores[..tried]
            .iter()
            .filter(|(_, s)| *s == score)
            .fold(0, |votes, (p, _)| votes | 1 << *p as usize)
    } else {
        0
    };
    let mut tentative = false;
    if layers > 0 && residual > 2 && residual * 3 > base {
        // Still reads badly: a wrong decoding of something else.
        return None;
    }
    let mut best = match best {
        Some(best) => {
            pool.give(pieces);
            best
        }
        None => pieces,
    };
    if layers > 0 {
        best = keep_better_originals(text, best, pool);
    }
    if layers == 0 {
        // A decoding that reads as well as the original, made only of long
        // sequences (`â €` → U+2800), is kept as a candidate.
        let decoded = decode_through(&best, Page::Windows1252, pages, pool)?;
        let long = decoded
            .iter()
            .filter(|p| text[p.start..p.end].chars().count() > 1)
            .all(|p| text[p.start..p.end].chars().count() >= 3);
        if !long || self::score(&decoded) != 0 {
            return None;
        }
        pool.give(std::mem::replace(&mut best, decoded));
        layers = 1;
        tentative = true;
    }
    let first = found.len();
    for p in &best {
        let before = &text[p.start..p.end];
        let mut buf = [0u8; 4];
        let after = p.c.encode_utf8(&mut buf);
        if before != after {
            let confidence = if tentative {
                Confidence::Guess
            } else if before.chars().count() >= 3 || layers > 1 {
                Confidence::Certain
            } else {
                Confidence::Likely
            };
            found.push(Found {
                start: p.start,
                end: p.end,
                c: p.c,
                confidence,
            });
        }
    }
    pool.give(best);
    Some(WordFix {
        fixes: first..found.len(),
        tentative,
        votes,
    })
}

/// The best reading of `pieces` reachable by undoing up to `MAX_LAYERS -
/// depth` layers: (score, pieces, layers undone, outer page). Each code page
/// other than Windows-1252 costs one point, so it must read clearly better;
/// among equals the first in `order` wins.
fn search(
    pieces: Vec<Piece>,
    depth: usize,
    order: &[Page],
    pool: &mut Pool,
) -> (i32, Vec<Piece>, usize, Option<Page>) {
    let base = score(&pieces);
    if depth == MAX_LAYERS || base == 0 {
        return (base, pieces, 0, None);
    }
    let mut best: (i32, Option<Vec<Piece>>, usize, Option<Page>) = (base, None, 0, None);
    let pages = sequence_pages(pieces.iter().map(|p| p.c));
    for &page in order {
        let prior = if page == Page::Windows1252 { 0 } else { 1 };
        if prior > best.0 {
            // Scores are never negative: this page cannot read better.
            continue;
        }
        let Some(decoded) = decode_through(&pieces, page, pages, pool) else {
            continue;
        };
        let (score, result, layers, _) = search(decoded, depth + 1, order, pool);
        let current = best.1.as_deref().unwrap_or(&pieces);
        if better(score + prior, &result, best.0, current, best.2 > 0)
            && !adds_rare(&pieces, &result)
        {
            if let Some(old) = best.1.replace(result) {
                pool.give(old);
            }
            (best.0, best.2, best.3) = (score + prior, layers + 1, Some(page));
        } else {
            pool.give(result);
        }
    }
    match best {
        (score, Some(result), layers, page) => {
            pool.give(pieces);
            (score, result, layers, page)
        }
        (score, None, layers, page) => (score, pieces, layers, page),
    }
}

/// A word's decoding undoes every sequence found in it; one of them may
/// read better as it was (`é` before two restored dashes, which Windows-1252
/// bytes would read as one CJK character). Each decoded sequence is put back
/// when the word then reads strictly better.
fn keep_better_originals(word: &str, mut best: Vec<Piece>, pool: &mut Pool) -> Vec<Piece> {
    let decoded = |p: &Piece| word[p.start..p.end].chars().nth(1).is_some();
    if best.iter().filter(|p| decoded(p)).count() < 2 {
        return best;
    }
    let mut current = score(&best);
    let mut k = best.len();
    while k > 0 {
        k -= 1;
        let p = best[k];
        if !decoded(&p) {
            continue;
        }
        let original = word[p.start..p.end].char_indices().map(|(i, c)| Piece {
            c,
            start: p.start + i,
            end: p.start + i + c.len_utf8(),
        });
        let mut trial = pool.take();
        trial.extend_from_slice(&best[..k]);
        trial.extend(original);
        trial.extend_from_slice(&best[k + 1..]);
        let s = score(&trial);
        if s < current {
            current = s;
            pool.give(std::mem::replace(&mut best, trial));
        } else {
            pool.give(trial);
        }
    }
    best
}

/// `badness` of the characters of `pieces`, C1 controls read as `view`.
fn score(pieces: &[Piece]) -> i32 {
    let mut buf = ['\0'; 64];
    if pieces.len() <= buf.len() {
        for (slot, p) in buf.iter_mut().zip(pieces) {
            *slot = view(p.c);
        }
        badness(&buf[..pieces.len()])
    } else {
        badness(&pieces.iter().map(|p| view(p.c)).collect::<Vec<_>>())
    }
}

/// A C1 control that Windows-1252 maps to a character, read as that
/// character, as `c1-controls` will leave it: scores read it so, and a word
/// scores the same whether or not its controls were already replaced. (It
/// still encodes as itself: Windows-1252 gives both the same byte, and other
/// pages encode only the controls standing for their undefined bytes.)
fn view(c: char) -> char {
    if matches!(c, '\u{80}'..='\u{9f}') {
        cp1252_of_c1(c).unwrap_or(c)
    } else {
        c
    }
}

/// Is reading `a` (scored `sa`) better than `b`? A lower score wins; at
/// equal scores between two decodings (`b_decoded`), the one that leaves
/// fewer non-ASCII characters (that explains more of the word) does.
fn better(sa: i32, a: &[Piece], sb: i32, b: &[Piece], b_decoded: bool) -> bool {
    let rest = |ps: &[Piece]| ps.iter().filter(|p| !p.c.is_ascii()).count();
    sa < sb || (b_decoded && sa == sb && rest(a) < rest(b))
}

/// Does the decoding bring in characters that real text almost never holds
/// (phonetic letters, controls)? Then it is a wrong reading.
fn adds_rare(before: &[Piece], after: &[Piece]) -> bool {
    let classes = Classes::get();
    let rare = |ps: &[Piece]| {
        ps.iter()
            .filter(|p| matches!(classes.of(p.c), Class::Rare | Class::Control))
            .count()
    };
    rare(after) > rare(before)
}

fn is_cont(b: Option<u8>) -> bool {
    matches!(b, Some(0x80..=0xBF))
}

/// Encode `pieces` with `page` and decode the UTF-8 sequences found in the
/// bytes; `None` if there are none. `pages` are the `sequence_pages` of
/// `pieces`: there is nothing to decode without one.
fn decode_through(pieces: &[Piece], page: Page, pages: u8, pool: &mut Pool) -> Option<Vec<Piece>> {
    if pages & (1 << page as usize) == 0 {
        return None;
    }
    let t = page.table();
    let mut buf = [None; 64];
    let heap: Vec<Option<u8>>;
    let bytes: &[Option<u8>] = if pieces.len() <= buf.len() {
        for (slot, p) in buf.iter_mut().zip(pieces) {
            *slot = t.encode(p.c);
        }
        &buf[..pieces.len()]
    } else {
        heap = pieces.iter().map(|p| t.encode(p.c)).collect();
        &heap
    };
    let undefined = &t.undefined[..];
    let mut out = pool.take();
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
        // In Windows-1252 mojibake a space may stand for a lost 0xA0: inside
        // a longer sequence (`â €` is U+2800), or after a two-byte lead
        // before more of the word (`Å veices`). Not after `Â` and `Ã`: see
        // `lossy_space`.
        let space_ok = |d: usize| {
            page == Page::Windows1252
                && lead >= 0xC4
                && (need > 1
                    || pieces
                        .get(i + d + 1)
                        .is_some_and(|p| p.c.is_ascii_lowercase() || !p.c.is_ascii()))
        };
        // Up to `need` continuation bytes; one may be a wildcard, a U+FFFD
        // (or in Windows-1252 a `?`) that replaced a byte the page leaves
        // undefined.
        let mut seq = Seq::default();
        let mut wild = None;
        for d in 1..=need {
            let Some(p) = pieces.get(i + d) else { break };
            match bytes[i + d] {
                Some(b' ') if space_ok(d) => seq.push(Some(0xA0)),
                b if is_cont(b) => seq.push(b),
                _ if wild.is_none()
                    && !undefined.is_empty()
                    && (p.c == '\u{FFFD}' || (p.c == '?' && page == Page::Windows1252)) =>
                {
                    wild = Some(seq.len());
                    seq.push(None);
                }
                _ => break,
            }
        }
        if seq.len() == need {
            if let Some((ch, used)) = complete(lead, seq.get(), wild, undefined, &bytes[i..]) {
                out.push(span(i, i + used - 1, ch));
                found += 1;
                i += used;
                continue;
            }
        } else if page == Page::Windows1252
            && lead == 0xE2
            && seq.get() == [Some(0x80)]
            && pieces.get(i + 2).is_none_or(|p| !p.c.is_alphanumeric())
        {
            // `â€` with its third byte lost: by far most often `”` (0x9D).
            out.push(span(i, i + 1, '”'));
            found += 1;
            i += 2;
            continue;
        }
        out.push(pieces[i]);
        i += 1;
    }
    if found == 0 {
        pool.give(out);
        return None;
    }
    Some(out)
}

/// Up to three continuation bytes (`None`: a wildcard).
#[derive(Default)]
struct Seq {
    bytes: [Option<u8>; 3],
    len: usize,
}

impl Seq {
    fn push(&mut self, b: Option<u8>) {
        self.bytes[self.len] = b;
        self.len += 1;
    }

    fn len(&self) -> usize {
        self.len
    }

    fn get(&self) -> &[Option<u8>] {
        &self.bytes[..self.len]
    }
}

/// The character a complete sequence (`lead` + `seq`) stands for and how
/// many pieces it covers. A wildcard position is tried with every undefined
/// byte: one plausible character is taken; several become one U+FFFD.
fn complete(
    lead: u8,
    seq: &[Option<u8>],
    wild: Option<usize>,
    undefined: &[u8],
    rest: &[Option<u8>],
) -> Option<(char, usize)> {
    let need = seq.len();
    let Some(w) = wild else {
        let cp = valid(lead, seq)?;
        if (0xD800..0xDC00).contains(&cp) {
            // CESU-8 / "UTF-8" of a surrogate pair.
            let low = match rest.get(3..6)? {
                [Some(0xED), b, c] => valid(0xED, &[*b, *c])?,
                _ => return None,
            };
            if !(0xDC00..0xE000).contains(&low) {
                return None;
            }
            let full = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            return char::from_u32(full).map(|c| (c, 6));
        }
        return char::from_u32(cp).map(|c| (c, need + 1));
    };
    let mut fits: Vec<char> = undefined
        .iter()
        .filter_map(|&b| {
            let mut s = [None; 3];
            s[..need].copy_from_slice(seq);
            s[w] = Some(b);
            valid(lead, &s[..need]).and_then(char::from_u32)
        })
        .filter(|&c| !matches!(class(c), Class::Rare | Class::Control | Class::Mark))
        .collect();
    fits.dedup();
    match fits.as_slice() {
        [] => None,
        [c] => Some((*c, need + 1)),
        _ => Some(('\u{FFFD}', need + 1)),
    }
}

/// The code point of a well-formed sequence (surrogates allowed, for CESU-8).
fn valid(lead: u8, seq: &[Option<u8>]) -> Option<u32> {
    let (lo, hi) = match lead {
        0xE0 => (0xA0, 0xBF),
        0xF0 => (0x90, 0xBF),
        0xF4 => (0x80, 0x8F),
        _ => (0x80, 0xBF),
    };
    if !(lo..=hi).contains(&(*seq.first()?)?) || seq.iter().any(|b| !is_cont(*b)) {
        return None;
    }
    let mask = match seq.len() {
        1 => 0x1F,
        2 => 0x0F,
        _ => 0x07,
    };
    Some(seq.iter().fold(u32::from(lead & mask), |acc, b| {
        (acc << 6) | u32::from(b.unwrap() & 0x3F)
    }))
}

/// `Ã` and `Â` whose second byte, 0xA0 (a no-break space), became a space or
/// was dropped: `voilÃ le` → `voilà le`, `namedÂ „` → `named\u{a0}„`. `Г`
/// is the same `à` read as Windows-1251 (`Г l’ouest`).
/// `fixes` are sorted by start and do not overlap.
fn lossy_space(text: &str, fixes: &mut Vec<Fix>) {
    let mut lossy = Vec::new();
    for (i, found) in lossy_space_candidates(text) {
        let len = found.len();
        let which = if found == "Â" { '\u{a0}' } else { 'à' };
        let k = fixes.partition_point(|f| f.range.start <= i);
        if k > 0 && fixes[k - 1].range.contains(&i) {
            continue;
        }
        let prev = text[..i].chars().next_back();
        let rest = &text[i + len + 1..];
        // A no-break space with the space is one space once normalized: read
        // through it, so the cleaned text gets the same decision.
        let blank = |c: char| c == ' ' || c == '\u{a0}';
        let next_word: &str = rest
            .trim_start_matches(blank)
            .split(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("");
        let fix = if which == 'à' {
            let after_lower = prev.is_some_and(|p| p.is_lowercase() || matches!(p, '\'' | '’'));
            let alone = prev.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '"' | '“'));
            let lower_next = next_word
                .chars()
                .next()
                .is_some_and(|c| c.is_lowercase() && (c.is_ascii() || found != "Г"));
            if !(after_lower || (alone && lower_next)) {
                continue;
            }
            // The space was the lost byte when another follows, or before the
            // rest of a Portuguese contraction with `à` (`às`, `àquele`).
            let contracted = matches!(
                next_word.trim_end_matches(|c: char| !c.is_alphabetic()),
                "s" | "quele" | "quela" | "queles" | "quelas" | "quilo"
            );
            if rest.starts_with(blank) || contracted {
                Fix::new(i..i + len + 1, "à", Confidence::Likely)
            } else {
                Fix::new(i..i + len, "à", Confidence::Likely)
            }
        } else {
            let attached = prev.is_some_and(|p| !p.is_whitespace() && !matches!(p, 'Ã' | 'Â'));
            if !attached || rest.is_empty() || rest.starts_with(char::is_whitespace) {
                continue;
            }
            if prev.is_some_and(|p| p.is_uppercase())
                && next_word.chars().next().is_some_and(|c| c.is_uppercase())
            {
                continue;
            }
            Fix::new(i..i + 3, "\u{a0}", Confidence::Likely)
        };
        lossy.push(fix);
    }
    fixes.append(&mut lossy);
}

/// Does the text hold `Ã`, `Â` or `Г` before a space (see `lossy_space`)?
fn has_lossy_space_candidate(text: &str) -> bool {
    lossy_space_candidates(text).next().is_some()
}

/// Where the text holds `Ã`, `Â` or `Г` before a space, in order, and which.
fn lossy_space_candidates(text: &str) -> impl Iterator<Item = (usize, &'static str)> + '_ {
    let bytes = text.as_bytes();
    // `Ã` is C3 83, `Â` C3 82 and `Г` D0 93 in UTF-8.
    memchr::memchr2_iter(0xC3, 0xD0, bytes).filter_map(|i| {
        match (bytes[i], bytes.get(i + 1..i + 3)) {
            (0xC3, Some([0x83, b' '])) => Some((i, "Ã")),
            (0xC3, Some([0x82, b' '])) => Some((i, "Â")),
            (0xD0, Some([0x93, b' '])) => Some((i, "Г")),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `words` without skipping to the next adjacent non-ASCII characters:
    /// every word with a non-ASCII character is read.
    fn words_slow(text: &str) -> Vec<(usize, usize, u8)> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let Some(hi) = first_non_ascii(&bytes[pos..]) else {
                break;
            };
            let (start, end, pages) = word_around(text, pos, pos + hi);
            if pages != 0 {
                out.push((start, end, pages));
            }
            pos = end;
        }
        out
    }

    #[test]
    fn words_examples() {
        for text in [
            "don\u{e2}\u{20ac}\u{2122}t stop",
            "voil\u{c3} le caf\u{e9} \u{c3}\u{a9}t\u{e9}",
            "\u{e2} \u{20ac} x \u{c5} veices",
            "caf\u{e9} na\u{ef}ve don\u{2019}t",
            "\u{c3}\u{fffd}x\n\u{e9}\u{e9}",
        ] {
            assert_eq!(words(text), words_slow(text), "{text:?}");
        }
        // Long ASCII stretches (scanned in blocks) around a sequence.
        for at in 0..70 {
            let text = format!("{}r\u{c3}\u{a9}gime {}", "a".repeat(at), "b ".repeat(40));
            assert_eq!(words(&text), words_slow(&text), "{at}");
            assert_eq!(words(&text).len(), 1, "{at}");
        }
        assert!(words("na\u{ef}ve don\u{2019}t, \u{201c}yes\u{201d}").is_empty());
    }

    /// `fix_words` with a cold memo (a fresh thread), as a list of
    /// comparable tuples.
    fn fix_words_cold(text: &str, order: &[Page]) -> (Vec<(Range<usize>, String)>, Vec<usize>) {
        std::thread::scope(|s| s.spawn(|| fix_words_here(text, order)).join().unwrap())
    }

    fn fix_words_here(text: &str, order: &[Page]) -> (Vec<(Range<usize>, String)>, Vec<usize>) {
        let (fixes, counts) = fix_words(text, &words(text), order);
        let fixes = fixes
            .into_iter()
            .map(|f| (f.range, format!("{} {:?}", f.replacement, f.confidence)))
            .collect();
        (fixes, counts.to_vec())
    }

    #[test]
    fn memo_changes_nothing() {
        let texts = [
            "Kingâ€™s donâ€™t â€œyesâ€? rÃ©gime",
            "donâ€™t rÃ©gime Ã¢â‚¬Å“I Ð¿Ñ€Ð¸Ð²ÐµÑ‚ Kingâ€™s",
            "Ð¿Ñ€Ð¸Ð²ÐµÑ‚ Ð¼Ð¸Ñ€ rÃ©gime",
        ];
        let mut cyrillic_first = Page::ALL.to_vec();
        cyrillic_first.retain(|p| *p != Page::Windows1251);
        cyrillic_first.insert(0, Page::Windows1251);
        let orders = [Page::ALL.to_vec(), cyrillic_first];
        // One thread, its memo warmed by every text and order in turn.
        std::thread::scope(|s| {
            s.spawn(|| {
                for _ in 0..2 {
                    for text in texts {
                        for order in &orders {
                            assert_eq!(
                                fix_words_here(text, order),
                                fix_words_cold(text, order),
                                "{text} {order:?}"
                            );
                        }
                    }
                }
            })
            .join()
            .unwrap()
        });
    }

    /// A word's changes (start, end, character, confidence), tentative, votes.
    type Tuples = (Vec<(usize, usize, char, String)>, bool, u8);

    /// `fix_word`'s changes to `word`, as comparable tuples in offsets of
    /// `word` (`shift`: where `text` starts in it).
    fn fix_word_tuples(text: &str, shift: usize) -> Option<Tuples> {
        let pages = sequence_pages(text.chars());
        let mut found = Vec::new();
        let w = fix_word(text, pages, &Page::ALL, &mut Pool::default(), &mut found)?;
        let fixes = found[w.fixes]
            .iter()
            .map(|f| {
                (
                    f.start + shift,
                    f.end + shift,
                    f.c,
                    format!("{:?}", f.confidence),
                )
            })
            .collect();
        Some((fixes, w.tentative, w.votes))
    }

    #[test]
    fn memo_key_examples() {
        let mut key = String::new();
        assert_eq!(memo_key("Kingâ€™s", &mut key), 2);
        assert_eq!(key, "aaâ€™s");
        assert_eq!(memo_key("â€œHowâ€™s,", &mut key), 0);
        assert_eq!(key, "â€œHowâ€™s,");
        assert_eq!(memo_key("x.Ã©'ll'x", &mut key), 0);
        assert_eq!(key, "a.Ã©'ll'");
        assert_eq!(memo_key("rÃ©gime", &mut key), 0);
        assert_eq!(key, "aÃ©aaa");
        assert_eq!(memo_key("Ã©tait", &mut key), 0);
        assert_eq!(key, "Ã©aaa");
        assert_eq!(memo_key("ab\u{1}cÃ©", &mut key), 0);
        assert_eq!(key, "ab\u{1}cÃ©");
    }

    proptest! {
        /// A word is repaired as its memo key is, moved by the key's offset.
        #[test]
        fn memo_key_repairs_alike(
            before in proptest::collection::vec(proptest::sample::select(
                vec!['a', 'z', 'A', 'Q', '0', '9', '.', '\'', '?', '-', '(', '\u{1}']), 0..6),
            middle in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'S', 's', ' ', '?', '\'', '\u{c3}', '\u{c2}', '\u{e2}', '\u{20ac}', '\u{2122}',
                '\u{a9}', '\u{e9}', '\u{c5}', '\u{2019}', '\u{fffd}', '\u{9d}', '\u{a0}', '\u{153}',
                '\u{420}', '\u{421}', '\u{432}', '\u{2018}', '\u{201c}', '\u{f0}', '\u{178}']), 1..8),
            after in proptest::collection::vec(proptest::sample::select(
                vec!['s', 't', 'l', 'e', 'v', 'r', 'd', 'm', 'x', 'S', 'L', '1', '\'', '?', ' ', '.', ',', '\u{1}']), 0..7),
        ) {
            let word: String = before.iter().chain(&middle).chain(&after).collect();
            let word = word.trim_matches(' ');
            if word.contains("  ") || sequence_pages(word.chars()) == 0 {
                return Ok(());
            }
            let mut key = String::new();
            let shift = memo_key(word, &mut key);
            prop_assert_eq!(fix_word_tuples(word, 0), fix_word_tuples(&key, shift), "{:?} {:?}", word, key);
        }

        #[test]
        fn next_adjacent_agrees(
            bytes in proptest::collection::vec(prop_oneof![
                3 => proptest::sample::select(vec![b'a', b' ', 0x1F, 0x21, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xFF]),
                1 => any::<u8>(),
            ], 0..120),
            from in 0usize..40,
        ) {
            let from = from.min(bytes.len());
            let hit = |a: u8, b: u8| a >= 0x80 && (b >= 0xC0 || b == b' ');
            let slow = (from..bytes.len().saturating_sub(1)).find(|&j| hit(bytes[j], bytes[j + 1]));
            prop_assert_eq!(next_adjacent_non_ascii(&bytes, from), slow);
        }

        #[test]
        fn words_agree(chars in proptest::collection::vec(prop_oneof![
            3 => proptest::sample::select(vec!['a', 'b', ' ', ' ', '\n', '\t', '?', '.']),
            2 => proptest::sample::select(vec!['\u{c3}', '\u{c2}', '\u{e2}', '\u{20ac}', '\u{2122}',
                '\u{a9}', '\u{e9}', '\u{c5}', '\u{2019}', '\u{fffd}', '\u{93}', '\u{410}', '\u{1f600}']),
        ], 0..80)) {
            let text: String = chars.into_iter().collect();
            prop_assert_eq!(words(&text), words_slow(&text));
        }
    }
}
