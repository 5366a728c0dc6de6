use super::charmap::Page;
use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Restores characters that were already replaced by U+FFFD before fettle saw
    /// the text, when the context shows which character it was: an apostrophe in
    /// a contraction or possessive (`didn�t`, `the Summers� basement` → `’`),
    /// opening and closing double and single quotes (tracking which quotes are
    /// open through the paragraph, so a quote inside an open double quote is a
    /// single one), an em dash between words (`alive�well`), an ellipsis between
    /// spaces, a no-break space after a title (`Mr.�Holmes`), a pound sign before
    /// an amount. Every restoration records how sure it is; where the context
    /// does not decide, the U+FFFD stays and `replacement-char` reports it.
    ///
    /// ## Why
    /// Windows-1252 text read as UTF-8 with replacement loses every curly quote,
    /// apostrophe and dash. The bytes are gone, but the typography of prose is
    /// regular enough that the lost character can nearly always be told.
    ///
    /// ## Example
    /// `�You really love her don�t you?� Buffy said` →
    /// `“You really love her don’t you?” Buffy said`
    ///
    /// ## Fix safety
    /// Likely where one reading is clearly best (contractions, balanced quotes),
    /// guess where it is only the more probable one. Never certain: the original
    /// character is lost. Every U+FFFD is judged on its context alone, whether it
    /// was in the input or `mojibake` wrote it for an ambiguous sequence, so
    /// cleaning cleaned text changes nothing; a U+FFFD touching a letter, mark or
    /// symbol outside ASCII (`Ру�кий`, a lost letter), or one whose restoration
    /// would complete a UTF-8 sequence in Windows-1252 bytes with the character
    /// before (`Ã�`), is left. A lost character between two words becomes a dash
    /// only in English prose. A paragraph is restored to a fixed point: the
    /// U+FFFD one round leaves are judged again with its restorations as context.
    ///
    /// How it decides: each U+FFFD gets candidate characters with a score from
    /// its neighbours; a paragraph's candidates are then chosen together by
    /// dynamic programming over which quotes are open (an opening quote needs a
    /// closing one, a closing quote needs an open one). The margin between the
    /// best reading and the best reading with another character at that place
    /// gives the confidence.
    pub struct ReplacementRestore {
        id: "replacement-restore",
        stage: Repair,
        summary: "U+FFFD restored from context: apostrophes, quotes (tracking open quotes), dashes, ellipses",
        default_enabled: true,
    }
}

const FFFD: char = '\u{FFFD}';

/// Below this margin the U+FFFD is left for `replacement-char` to report.
const MIN_MARGIN: f32 = 0.4;
/// From this margin on, the restoration is `likely` rather than a `guess`.
const LIKELY_MARGIN: f32 = 2.0;

impl Rule for ReplacementRestore {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        let bytes = text.as_bytes();
        if !ctx.facts.replacement {
            return;
        }
        // Every U+FFFD is judged on its context alone, whether it was in the
        // input or `mojibake` wrote it for an ambiguous sequence: the
        // decision must be the same when the cleaned text is cleaned again.
        let lost: Vec<usize> = memchr::memmem::find_iter(bytes, "\u{FFFD}".as_bytes()).collect();
        if lost.is_empty() {
            return;
        }
        // Whether the text is English is only asked about a U+FFFD between
        // two words.
        let english = std::cell::OnceCell::new();
        let english = || *english.get_or_init(|| looks_english(text));
        for (start, end) in paragraphs(text, ctx.facts.unicode_newlines) {
            let first = lost.partition_point(|&p| p < start);
            let last = lost.partition_point(|&p| p < end);
            if first < last {
                restore_to_fixpoint(text, start, end, &lost[first..last], &english, out);
            }
        }
    }
}

/// Restore the U+FFFD of the paragraph `text[start..end]` (at `lost`), and
/// again in the paragraph with those restorations made, until nothing more
/// is restored. A restored character is context for the U+FFFD around it
/// (a quote mark, a neighbour), so one round could leave a U+FFFD that a
/// second round, on the cleaned text, would restore: the rounds make the
/// result a fixed point, and cleaning cleaned text changes nothing.
///
/// A later round's restorations rest on the earlier ones: their confidence
/// is at most the lowest of those.
fn restore_to_fixpoint(
    text: &str,
    start: usize,
    end: usize,
    lost: &[usize],
    english: &dyn Fn() -> bool,
    out: &mut Outcome,
) {
    let mut decided = decide_paragraph(text, start, end, lost, english);
    if decided.is_empty() {
        return;
    }
    if decided.len() == lost.len() {
        for (at, c, confidence) in decided {
            out.fixes.push(Fix::new(
                at..at + FFFD.len_utf8(),
                &*c.encode_utf8(&mut [0; 4]),
                confidence,
            ));
        }
        return;
    }
    // The paragraph with its line breaks on either side (the context the
    // rules read), restored round by round; `origin[k]` is the position in
    // `text` of the k-th U+FFFD still in it.
    let lo = text[..start]
        .char_indices()
        .next_back()
        .map_or(start, |(i, _)| i);
    let hi = text[end..]
        .chars()
        .next()
        .map_or(end, |c| end + c.len_utf8());
    let mut local = text[lo..hi].to_string();
    let mut origin: Vec<usize> = lost.to_vec();
    let mut floor = Confidence::Likely;
    for d in &mut decided {
        d.0 -= lo;
    }
    let para_start = start - lo;
    let mut para_end = end - lo;
    loop {
        let here: Vec<usize> = memchr::memmem::find_iter(local.as_bytes(), "\u{FFFD}".as_bytes())
            .filter(|&i| (para_start..para_end).contains(&i))
            .collect();
        debug_assert_eq!(here.len(), origin.len());
        let mut next = String::with_capacity(local.len());
        let mut copied = 0;
        let mut kept = Vec::new();
        let mut round_floor = floor;
        let mut d = decided.iter().peekable();
        for (k, &i) in here.iter().enumerate() {
            match d.peek() {
                Some(&&(at, c, confidence)) if at == i => {
                    d.next();
                    out.fixes.push(Fix::new(
                        origin[k]..origin[k] + FFFD.len_utf8(),
                        &*c.encode_utf8(&mut [0; 4]),
                        confidence.min(floor),
                    ));
                    round_floor = round_floor.min(confidence);
                    next.push_str(&local[copied..i]);
                    next.push(c);
                    copied = i + FFFD.len_utf8();
                }
                _ => kept.push(origin[k]),
            }
        }
        next.push_str(&local[copied..]);
        if kept.is_empty() || kept.len() == origin.len() {
            return;
        }
        floor = round_floor;
        para_end -= local.len() - next.len();
        local = next;
        origin = kept;
        let here: Vec<usize> = memchr::memmem::find_iter(local.as_bytes(), "\u{FFFD}".as_bytes())
            .filter(|&i| (para_start..para_end).contains(&i))
            .collect();
        decided = decide_paragraph(&local, para_start, para_end, &here, english);
        if decided.is_empty() {
            return;
        }
    }
}

/// Is the text English prose? Then a lost character between two words is a
/// dash. Judged by the share of very common English words among the first
/// 20,000 (runs of letters).
fn looks_english(text: &str) -> bool {
    let mut words = 0usize;
    let mut common = 0usize;
    // The current word: its length in bytes and, while it is ASCII and at
    // most four letters long, its lowercase key.
    let mut len = 0usize;
    let mut k = 0u32;
    let mut ascii = true;
    let bytes = text.as_bytes();
    let mut i = 0;
    // Blocks starting before this offset hold a byte outside ASCII (one that
    // an earlier block found): they are not tried.
    let mut blocks_from = 0;
    'scan: while i <= bytes.len() {
        // Past 3,334 common words the answer is yes whatever follows: at
        // most 20,000 words are counted.
        if common * 6 >= 20_000 {
            return true;
        }
        // Sixty-four ASCII bytes at a time between words: the words that end
        // in them are found in a bit mask of their letters (one pass over
        // the bytes, where byte by byte most time went to the branches).
        let letters = match bytes.get(i..i + 64) {
            Some(block) if len == 0 && i >= blocks_from => {
                let letters = ascii_letters(block);
                if letters.is_none() {
                    let last = block.iter().rposition(|&b| b >= 0x80).expect("non-ASCII");
                    blocks_from = i + last + 1;
                }
                letters
            }
            _ => None,
        };
        if let Some(letters) = letters {
            // A letter followed by a non-letter, within the block.
            let mut ends = letters & !(letters >> 1) & !(1 << 63);
            if words + ends.count_ones() as usize >= 20_000 {
                // The last words to count end in this block: one at a time.
                while words < 20_000 && ends != 0 {
                    let j = ends.trailing_zeros() as usize;
                    ends &= ends - 1;
                    words += 1;
                    common += usize::from(common_word_ending_at(bytes, letters, i, j));
                }
                break 'scan;
            }
            words += ends.count_ones() as usize;
            while ends != 0 {
                let j = ends.trailing_zeros() as usize;
                ends &= ends - 1;
                common += usize::from(common_word_ending_at(bytes, letters, i, j));
            }
            // The word at the block's end, if any, is read from its start.
            let tail = letters.leading_ones() as usize;
            if tail < 64 {
                i += 64 - tail;
                continue;
            }
        }
        let b = bytes.get(i).copied().unwrap_or(b' ');
        let letter = if b < 0x80 {
            if b.is_ascii_alphabetic() {
                // The whole run of ASCII letters at once. The key matters
                // only for a word of one run of at most four letters.
                let start = i;
                i += 1;
                while bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
                    i += 1;
                }
                len += i - start;
                if i - start <= 4 {
                    for &c in &bytes[start..i] {
                        k = (k << 8) | u32::from(c | 0x20);
                    }
                }
                continue;
            }
            i += 1;
            false
        } else {
            let c = text[i..].chars().next().expect("a character");
            i += c.len_utf8();
            c.is_alphabetic()
        };
        if letter {
            len += 2;
            ascii = false;
        } else if len > 0 {
            words += 1;
            if ascii && len <= 4 && is_common_word(k) {
                common += 1;
            }
            if words == 20_000 {
                break;
            }
            (len, k, ascii) = (0, 0, true);
        }
    }
    words >= 3 && common * 6 >= words
}

/// Is the word ending at byte `j` of the block at `i` (whose ASCII letters
/// are `letters`, no word running into the block) a common word? Without a
/// branch on its length, which is unpredictable.
fn common_word_ending_at(bytes: &[u8], letters: u64, i: usize, j: usize) -> bool {
    let n = (letters << (63 - j)).leading_ones();
    let end = i + j + 1;
    // The four bytes up to the word's end (the word and what is before it).
    let last4 = match bytes.get(end.wrapping_sub(4)..end) {
        Some(b) => u32::from_be_bytes(b.try_into().expect("4 bytes")),
        None => bytes[..end].iter().fold(0, |k, &c| (k << 8) | u32::from(c)),
    };
    // Its `word_key` if it has at most four letters (`n` is at least 1).
    let k = (last4 | 0x2020_2020) & (u32::MAX >> (32 - 8 * n.min(4)));
    (n <= 4) & is_common_word(k)
}

/// A lowercase ASCII word of up to four letters, packed into a `u32`.
const fn word_key(w: &str) -> u32 {
    let b = w.as_bytes();
    let mut k = 0u32;
    let mut i = 0;
    while i < b.len() {
        k = (k << 8) | b[i] as u32;
        i += 1;
    }
    k
}

/// The very common English words `looks_english` counts.
const COMMON_WORDS: [&str; 32] = [
    "the", "and", "of", "to", "a", "in", "is", "was", "he", "she", "it", "that", "i", "you", "his",
    "her", "for", "with", "not", "but", "be", "had", "have", "at", "on", "as", "my", "me", "this",
    "they", "we", "so",
];

/// Where a key goes in `COMMON_SLOTS`: the multiplier sends each common word
/// to a slot of its own (a perfect hash, checked when the table is built).
const fn common_slot(k: u32) -> usize {
    (k.wrapping_mul(0x1610_e359) >> 26) as usize
}

/// The keys of `COMMON_WORDS`, each in its `common_slot`; 0 (no word's key)
/// elsewhere.
const COMMON_SLOTS: [u32; 64] = {
    let mut slots = [0u32; 64];
    let mut i = 0;
    while i < COMMON_WORDS.len() {
        let k = word_key(COMMON_WORDS[i]);
        assert!(slots[common_slot(k)] == 0, "two common words share a slot");
        slots[common_slot(k)] = k;
        i += 1;
    }
    slots
};

/// Is `k` the `word_key` of one of `COMMON_WORDS`? (`k` is not 0.)
fn is_common_word(k: u32) -> bool {
    COMMON_SLOTS[common_slot(k)] == k
}

/// The ASCII letters of a block of 64 bytes as a bit mask (bit `j` for byte
/// `j`); `None` if the block holds a byte outside ASCII.
fn ascii_letters(block: &[u8]) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut any = 0u64;
    let mut letters = 0u64;
    for (n, chunk) in block.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        any |= x;
        // Per byte (each below 0x80 when the block is used, so no carry
        // crosses bytes): the high bit is set from 'a' on, and from '{' on;
        // ASCII letters are those in between once lowercased.
        let lower = x | (0x20 * ONES);
        let letter =
            lower.wrapping_add(0x1F * ONES) & !lower.wrapping_add(0x05 * ONES) & (0x80 * ONES);
        // Gather the eight high bits into a byte, byte 0 to bit 0.
        let bits = ((letter >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) & 0xFF;
        letters |= bits << (8 * n);
    }
    (any & (0x80 * ONES) == 0).then_some(letters)
}

/// Paragraph spans: blocks between blank lines of hard-wrapped lines (every
/// line at most 100 characters, as `unbalanced-quotes` reads them);
/// otherwise (one paragraph per line), each line. A line's width counts
/// each run of white space as one character and none at its ends: a measure
/// restoring and normalizing do not change, so the cleaned text is split the
/// same way. `unicode_breaks`: the text may hold Unicode line breaks.
fn paragraphs(text: &str, unicode_breaks: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let flush = |lines: &mut Vec<(usize, usize)>, out: &mut Vec<(usize, usize)>| {
        if lines.is_empty() {
            return;
        }
        if lines.len() > 1 && lines.iter().any(|&(s, e)| wider_than(&text[s..e], 100)) {
            out.append(lines);
        } else {
            out.push((lines[0].0, lines[lines.len() - 1].1));
            lines.clear();
        }
    };
    for (pos, end) in lines_of(text, unicode_breaks) {
        if text[pos..end].trim().is_empty() {
            flush(&mut lines, &mut out);
        } else {
            lines.push((pos, end));
        }
    }
    flush(&mut lines, &mut out);
    out
}

/// The lines of `text`, without their line breaks: LF, CRLF, CR and the
/// Unicode line breaks (U+0085 left by `c1-controls`, U+2028, U+2029), all
/// of which normalizing turns into LF. `unicode_breaks`: the text may hold
/// Unicode line breaks (when false, it certainly holds none).
fn lines_of(text: &str, unicode_breaks: bool) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    let unicode_breaks = unicode_breaks
        && (memchr::memmem::find(b, "\u{85}".as_bytes()).is_some()
            || memchr::memmem::find(b, "\u{2028}".as_bytes()).is_some()
            || memchr::memmem::find(b, "\u{2029}".as_bytes()).is_some());
    if !unicode_breaks {
        // LF, CR and CRLF only.
        for i in memchr::memchr2_iter(b'\n', b'\r', b) {
            if i < pos {
                // The LF of a CRLF.
                continue;
            }
            out.push((pos, i));
            pos = i + 1;
            if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                pos += 1;
            }
        }
    } else {
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if is_line_break(c) {
                out.push((pos, i));
                pos = i + c.len_utf8();
                if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
                    chars.next();
                    pos += 1;
                }
            }
        }
    }
    out.push((pos, text.len()));
    out
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Is `line` wider than `max` characters, with each run of white space
/// counted as one and none at the ends?
fn wider_than(line: &str, max: usize) -> bool {
    if line.len() <= max {
        return false;
    }
    let mut width = 0;
    let mut gap = false;
    for c in line.chars() {
        if c.is_whitespace() {
            gap = width > 0;
            continue;
        }
        width += 1 + usize::from(gap);
        gap = false;
        if width > max {
            return true;
        }
    }
    false
}

/// What a candidate does to the open quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    OpenDouble,
    CloseDouble,
    OpenSingle,
    CloseSingle,
    Neutral,
}

#[derive(Debug, Clone, Copy)]
struct Cand {
    c: char,
    score: f32,
    kind: Kind,
}

fn cand(c: char, score: f32, kind: Kind) -> Cand {
    Cand { c, score, kind }
}

/// An item of the paragraph's quote sequence: a U+FFFD to decide (its
/// candidates are a range of the paragraph's list), or an intact quote mark
/// that fixes the state.
enum Item {
    Lost(usize, std::ops::Range<usize>),
    Intact(Kind),
}

/// Quote state: (double open, single open) as an index 0..4.
const fn state(d: bool, s: bool) -> usize {
    (d as usize) * 2 + s as usize
}

/// Score and next state of a quote move from state `st`: looked up in
/// `STEPS` (the dynamic programme in `decide_paragraph` asks it for every
/// state and move, and a table beats the branches of `step_of`).
fn step(st: usize, kind: Kind) -> (f32, usize) {
    STEPS[st][kind as usize]
}

/// `step_of` for every state and `Kind`.
const STEPS: [[(f32, usize); 5]; 4] = {
    const KINDS: [Kind; 5] = [
        Kind::OpenDouble,
        Kind::CloseDouble,
        Kind::OpenSingle,
        Kind::CloseSingle,
        Kind::Neutral,
    ];
    let mut table = [[(0.0, 0); 5]; 4];
    let mut st = 0;
    while st < 4 {
        let mut k = 0;
        while k < 5 {
            assert!(KINDS[k] as usize == k);
            table[st][k] = step_of(st, KINDS[k]);
            k += 1;
        }
        st += 1;
    }
    table
};

/// Score and next state of a quote move from state `st`, worked out.
const fn step_of(st: usize, kind: Kind) -> (f32, usize) {
    let (d, s) = (st >= 2, st % 2 == 1);
    match kind {
        Kind::Neutral => (0.0, st),
        Kind::OpenDouble if d => (-4.0, st),
        Kind::OpenDouble => (if s { -1.0 } else { 0.0 }, state(true, s)),
        Kind::CloseDouble if !d => (-5.0, st),
        Kind::CloseDouble => (if s { -2.0 } else { 0.0 }, state(false, false)),
        Kind::OpenSingle if s => (-4.0, st),
        Kind::OpenSingle => (if d { 0.5 } else { -1.0 }, state(d, true)),
        Kind::CloseSingle if !s => (-5.0, st),
        Kind::CloseSingle => (0.0, state(d, false)),
    }
}

/// Cost of ending a paragraph in a state: quotes left open.
fn end_cost(st: usize) -> f32 {
    let (d, s) = (st >= 2, st % 2 == 1);
    -(if d { 3.5 } else { 0.0 } + if s { 3.5 } else { 0.0 })
}

/// The restorations (position, character, confidence) of the U+FFFD at
/// `lost` in the paragraph `text[start..end]`, in text order.
fn decide_paragraph(
    text: &str,
    start: usize,
    end: usize,
    lost: &[usize],
    english: &dyn Fn() -> bool,
) -> Vec<(usize, char, Confidence)> {
    let mut decided = Vec::new();
    // Build the item sequence: lost characters and intact double quotes
    // (`"`, or `“` and `”`, whose UTF-8 starts with 0xE2), in text order.
    let mut items: Vec<Item> = Vec::new();
    let mut all: Vec<Cand> = Vec::new();
    let mut li = 0;
    let bytes = text.as_bytes();
    let quotes = memchr::memchr2_iter(b'"', 0xE2, &bytes[start..end]).map(|i| start + i);
    for at in quotes.chain([end]) {
        while li < lost.len() && lost[li] < at {
            let first = all.len();
            candidates(text, lost[li], english, &mut all);
            items.push(Item::Lost(lost[li], first..all.len()));
            li += 1;
        }
        if at == end {
            break;
        }
        match &bytes[at..(at + 3).min(end)] {
            [0xE2, 0x80, 0x9C] => items.push(Item::Intact(Kind::OpenDouble)),
            [0xE2, 0x80, 0x9D] => items.push(Item::Intact(Kind::CloseDouble)),
            [b'"', ..] => {
                let prev = text[..at].chars().next_back();
                let kind = if prev.is_none_or(|p| p.is_whitespace() || "([—".contains(p)) {
                    Kind::OpenDouble
                } else {
                    Kind::CloseDouble
                };
                items.push(Item::Intact(kind));
            }
            _ => {}
        }
    }
    const NEG: f32 = -1e9;
    let n = items.len();
    // The moves each item allows: (score, quote move), those of item `i` at
    // `moves[at[i]..at[i + 1]]`.
    let mut moves: Vec<(f32, Kind)> = Vec::with_capacity(all.len() + n);
    let mut at = Vec::with_capacity(n + 1);
    at.push(0);
    for item in &items {
        match item {
            Item::Lost(_, cands) if !cands.is_empty() => {
                moves.extend(all[cands.clone()].iter().map(|c| (c.score, c.kind)))
            }
            // A U+FFFD with no candidate stays and changes nothing.
            Item::Lost(..) => moves.push((0.0, Kind::Neutral)),
            Item::Intact(k) => moves.push((0.0, *k)),
        }
        at.push(moves.len());
    }
    let moves = |i: usize| &moves[at[i]..at[i + 1]];
    // fwd[i][s]: best score of items[..i] ending in state s.
    let mut fwd = vec![[NEG; 4]; n + 1];
    fwd[0][0] = 0.0;
    for i in 0..n {
        for st in 0..4 {
            if fwd[i][st] <= NEG {
                continue;
            }
            for &(score, kind) in moves(i) {
                let (s2, next) = step(st, kind);
                let v = fwd[i][st] + score + s2;
                if v > fwd[i + 1][next] {
                    fwd[i + 1][next] = v;
                }
            }
        }
    }
    // bwd[i][s]: best score of items[i..] starting in state s.
    let mut bwd = vec![[NEG; 4]; n + 1];
    for (st, slot) in bwd[n].iter_mut().enumerate() {
        *slot = end_cost(st);
    }
    for i in (0..n).rev() {
        for st in 0..4 {
            for &(score, kind) in moves(i) {
                let (s2, next) = step(st, kind);
                let v = score + s2 + bwd[i + 1][next];
                if v > bwd[i][st] {
                    bwd[i][st] = v;
                }
            }
        }
    }
    for (i, item) in items.iter().enumerate() {
        let Item::Lost(at, cands) = item else {
            continue;
        };
        // Best total score per character at this place.
        let mut per_char: Vec<(char, f32)> = Vec::with_capacity(cands.len());
        for c in &all[cands.clone()] {
            let mut best = NEG;
            for (st, &f) in fwd[i].iter().enumerate() {
                if f <= NEG {
                    continue;
                }
                let (s2, next) = step(st, c.kind);
                best = best.max(f + c.score + s2 + bwd[i + 1][next]);
            }
            match per_char.iter_mut().find(|(ch, _)| *ch == c.c) {
                Some(e) => e.1 = e.1.max(best),
                None => per_char.push((c.c, best)),
            }
        }
        per_char.sort_by(|a, b| b.1.total_cmp(&a.1));
        let Some(&(c, best)) = per_char.first() else {
            continue;
        };
        let margin = per_char.get(1).map_or(f32::INFINITY, |&(_, s)| best - s);
        if margin < MIN_MARGIN {
            continue;
        }
        let confidence = if margin >= LIKELY_MARGIN {
            Confidence::Likely
        } else {
            Confidence::Guess
        };
        decided.push((*at, c, confidence));
    }
    decided
}

/// White space within a line. Normalizing removes it at line ends and turns
/// runs with no-break spaces into one space: where it matters, restoring
/// looks through it all, so the cleaned text reads the same.
fn blank(c: char) -> bool {
    c.is_whitespace() && !is_line_break(c)
}

/// The character before `at`, skipping other U+FFFD.
fn before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().rev().find(|&c| c != FFFD)
}

/// The character after the U+FFFD at `at`, skipping other U+FFFD.
fn after(text: &str, at: usize) -> Option<char> {
    text[at + FFFD.len_utf8()..].chars().find(|&c| c != FFFD)
}

/// The letters of the word ending just before `at` (skipping nothing).
fn word_before(text: &str, at: usize) -> &str {
    let s = &text[..at];
    let start = s
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    &s[start..]
}

/// The letters of the word starting just after the U+FFFD at `at`.
fn word_after(text: &str, at: usize) -> &str {
    let s = &text[at + FFFD.len_utf8()..];
    let end = s.find(|c: char| !c.is_alphabetic()).unwrap_or(s.len());
    &s[..end]
}

const TITLES: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "St", "Messrs", "Mme", "Mlle", "Wm", "Capt", "Col", "Gen", "Lt",
    "Sgt", "Rev", "Prof", "Sr", "Jr", "No", "Hon",
];

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (c.is_alphabetic() && (c as u32) < 0x250)
}

fn opens(c: Option<char>) -> bool {
    c.is_none_or(|c| c.is_whitespace() || "([{/".contains(c))
}

fn closes(c: Option<char>) -> bool {
    c.is_none_or(|c| c.is_whitespace() || ".,;:!?)]}—–-/*".contains(c))
}

/// Is the word after an apostrophe the rest of a contraction of `prefix`?
fn contraction(prefix: &str, suffix: &str) -> bool {
    let p = prefix.to_lowercase();
    let s = suffix.to_lowercase();
    match s.as_str() {
        "s" | "d" => true,
        "t" => p.ends_with('n') || p.is_empty(),
        "m" => p == "i",
        "ll" => !p.is_empty(),
        "ve" => matches!(
            p.as_str(),
            "i" | "you"
                | "we"
                | "they"
                | "could"
                | "would"
                | "should"
                | "might"
                | "must"
                | "who"
                | "what"
                | "where"
                | "there"
                | "how"
                | "may"
                | "y"
                | "ya"
        ),
        "re" => matches!(
            p.as_str(),
            "you"
                | "we"
                | "they"
                | "who"
                | "what"
                | "there"
                | "where"
                | "here"
                | "how"
                | "these"
                | "those"
                | "why"
                | "ya"
                | "y"
        ),
        "am" => p == "ma",
        "er" => p == "o" || p.ends_with('e'),
        "en" => p == "e",
        "lt" | "st" => matches!(p.as_str(), "thou" | "thee"),
        "clock" => p == "o",
        "n" => true, // rock’n’roll
        _ => false,
    }
}

/// Words that begin with an apostrophe in English prose.
fn elided_start(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "em" | "cause"
            | "til"
            | "tis"
            | "twas"
            | "twere"
            | "twill"
            | "twould"
            | "twixt"
            | "tween"
            | "neath"
            | "gainst"
            | "bout"
            | "round"
            | "n"
            | "s"
    )
}

/// Would restoring the U+FFFD at `at` complete a UTF-8 sequence in
/// Windows-1252 bytes, with a lead character before it (`Ã`, `é`) and
/// continuation characters (or other U+FFFD) between and after? Every
/// character restored here has a continuation byte in Windows-1252, so the
/// restored text would hold mojibake (`Ã—` reads `×`) that the next cleaning
/// would undo. And the U+FFFD is then most likely a lost byte of mojibake
/// (`Ã` + 0x81 is `Á`), not punctuation: it is left.
fn completes_mojibake(text: &str, at: usize) -> bool {
    let t = Page::Windows1252.table();
    let cont = |c: char| c == FFFD || (!c.is_ascii() && matches!(t.encode(c), Some(0x80..=0xBF)));
    let mut between = 0;
    for c in text[..at].chars().rev().take(3) {
        if cont(c) {
            between += 1;
            continue;
        }
        let need = match t.encode(c) {
            Some(0xC2..=0xDF) if !c.is_ascii() => 1,
            Some(0xE0..=0xEF) => 2,
            Some(0xF0..=0xF4) => 3,
            _ => return false,
        };
        let after = text[at + FFFD.len_utf8()..]
            .chars()
            .take(3)
            .take_while(|&c| cont(c))
            .count();
        return between < need && between + 1 + after >= need;
    }
    false
}

/// Does the U+FFFD touch a letter, mark or symbol outside ASCII (`Ру�кий`,
/// `தமிழ�`, `caf�`, `goodness�¢�`)? Then it is most likely a lost letter of
/// that word or part of a run of garbage, such as the U+FFFD `mojibake`
/// writes for a sequence that lost a byte, not the punctuation this rule
/// restores. (In Windows-1252 text read as UTF-8 the accented letters are
/// themselves U+FFFD, so this costs those texts nothing.)
fn touches_foreign_letter(prev: Option<char>, next: Option<char>) -> bool {
    use super::charclass::{class, Class};
    let foreign = |c: char| {
        !c.is_ascii()
            && (c.is_alphabetic()
                || matches!(
                    class(c),
                    Class::Mark | Class::Sym | Class::Box | Class::Control
                ))
    };
    prev.is_some_and(foreign) || next.is_some_and(foreign)
}

/// Candidate characters for the U+FFFD at `at`, scored from its neighbours.
fn candidates(text: &str, at: usize, english: &dyn Fn() -> bool, out: &mut Vec<Cand>) {
    use Kind::*;
    let p = before(text, at);
    let n = after(text, at);
    let prev_adjacent = text[..at].chars().next_back();
    let next_adjacent = text[at + FFFD.len_utf8()..].chars().next();
    if completes_mojibake(text, at) || touches_foreign_letter(p, n) {
        return;
    }
    let pl = p.is_some_and(|c| c.is_alphanumeric());
    let nl = n.is_some_and(|c| c.is_alphanumeric());
    // Runs of U+FFFD: a neighbour that is another U+FFFD counts as the far side.
    let run_before = prev_adjacent == Some(FFFD);
    let run_after = next_adjacent == Some(FFFD);

    if p.is_some_and(is_latin_letter) && n.is_some_and(is_latin_letter) && !run_before && !run_after
    {
        let pre = word_before(text, at);
        let suf = word_after(text, at);
        // A title or a nobiliary particle before a name: `Mr�Holmes`,
        // `De�Ruyter` take a no-break space.
        let particle = matches!(
            pre,
            "De" | "Du" | "Da" | "Le" | "La" | "Van" | "Von" | "Del" | "Di"
        );
        if (TITLES.contains(&pre) || particle) && n.is_some_and(char::is_uppercase) {
            out.push(cand('\u{a0}', 0.0, Neutral));
            out.push(cand('—', -3.0, Neutral));
        } else if contraction(pre, suf)
            || (pre.len() == 1 && "ODLodl".contains(pre) && n.is_some_and(char::is_uppercase))
        {
            out.push(cand('’', 0.0, Neutral));
            out.push(cand('—', -3.0, Neutral));
        } else if !pre.is_empty() && !suf.is_empty() && english() {
            // Between two words of English prose: a dash. (In other
            // languages the lost character is as likely a letter.)
            out.push(cand('—', 0.0, Neutral));
            out.push(cand('’', -2.0, Neutral));
            out.push(cand('–', -3.0, Neutral));
        }
        return;
    }
    // Two lost characters between letters: a closing quote and a dash
    // (`fonder”—of`), or a dash and an opening quote or elision (`do—’tis`).
    if p.is_some_and(char::is_alphanumeric) && n.is_some_and(char::is_alphanumeric) {
        if run_after && !run_before {
            out.push(cand('”', 0.0, CloseDouble));
            out.push(cand('’', -1.0, CloseSingle));
            out.push(cand('—', -0.5, Neutral));
        } else if run_before && !run_after {
            out.push(cand('—', 0.0, Neutral));
            out.push(cand('“', -0.5, OpenDouble));
            out.push(cand('‘', -1.5, OpenSingle));
            if elided_start(word_after(text, at)) {
                out.push(cand('’', 0.5, Neutral));
            }
        }
        return;
    }
    // Sentence punctuation glued to the next word: `Whither?—a word`.
    if p.is_some_and(|c| "?!;:,".contains(c))
        && n.is_some_and(char::is_alphabetic)
        && !run_before
        && !run_after
    {
        out.push(cand('—', 0.0, Neutral));
        out.push(cand('”', -1.0, CloseDouble));
        return;
    }
    if p.is_some_and(|c| c.is_ascii_digit()) && n.is_some_and(|c| c.is_ascii_digit()) {
        out.push(cand('–', 0.0, Neutral));
        return;
    }
    // A number and its unit: `27�yrs`, `730�BC`.
    if p.is_some_and(|c| c.is_ascii_digit()) && n.is_some_and(char::is_alphabetic) && !run_after {
        out.push(cand('\u{a0}', 0.0, Neutral));
        out.push(cand('—', -1.0, Neutral));
        return;
    }
    // After a title's full stop, before a name: `Mr.�Holmes`.
    if p == Some('.') && n.is_some_and(char::is_alphabetic) && !run_before && !run_after {
        let pre = word_before(text, at - 1);
        let short_capital =
            (1..=6).contains(&pre.chars().count()) && pre.starts_with(char::is_uppercase);
        if TITLES.contains(&pre) || short_capital {
            out.push(cand('\u{a0}', 0.0, Neutral));
            out.push(cand('”', -3.0, CloseDouble));
            return;
        }
    }
    let at_open = opens(prev_adjacent) || (run_before && opens(p));
    // A footnote number may follow a closing quote: `“Porridge”1519`.
    let footnote = next_adjacent.is_some_and(|c| c.is_ascii_digit())
        && p.is_some_and(|c| c.is_alphabetic() || ".,;:!?".contains(c));
    let at_close = closes(next_adjacent) || (run_after && closes(n)) || footnote;

    // Before a hyphen at the start of a word (`�-which`, speech resuming
    // after an interruption), a quote opens; elsewhere a hyphen closes.
    let at_close = at_close && !(at_open && next_adjacent == Some('-'));
    if at_open && !at_close && (nl || n.is_some_and(|c| "'\"‘“…(-*".contains(c)) || run_after)
    {
        // Opening a word: a quote, an elided start, or a currency sign. A
        // quote that opens a paragraph may run on to the next one; one that
        // opens mid-paragraph must close in it (see `end_cost`).
        let para_start = text[..at]
            .trim_end_matches(|c| blank(c) || c == FFFD)
            .ends_with(is_line_break)
            || text[..at]
                .trim_end_matches(|c| blank(c) || c == FFFD)
                .is_empty();
        let bonus = if para_start { 2.0 } else { 0.0 };
        out.push(cand('“', bonus, OpenDouble));
        let w = word_after(text, at);
        // Right after another lost opening character, before a lowercase
        // word (`��llo`): speech opens with a capital, an elided word
        // (`’llo`, `’bout`) with a lowercase letter.
        let elided_in_quote =
            run_before && !run_after && n.is_some_and(char::is_lowercase) && !w.is_empty();
        out.push(cand(
            '‘',
            bonus - if elided_in_quote { 2.5 } else { 1.0 },
            OpenSingle,
        ));
        if elided_in_quote {
            out.push(cand('’', 0.0, Neutral));
        }
        if !run_after && elided_start(w) {
            out.push(cand('’', 2.0, Neutral));
        } else if !run_after && nl {
            out.push(cand('’', -2.5, Neutral));
        }
        if n.is_some_and(|c| c.is_ascii_digit()) && !run_after {
            out.push(cand('£', 1.5, Neutral));
        }
        // A dash or an ellipsis is not followed by a hyphen (`�-which`).
        if prev_adjacent.is_some_and(char::is_whitespace)
            && !run_before
            && !run_after
            && n != Some('-')
        {
            out.push(cand('—', -3.0, Neutral));
            out.push(cand('…', -3.0, Neutral));
        }
        return;
    }
    if at_close && !at_open && (pl || p.is_some_and(|c| ".,!?;:…—)*-".contains(c)) || run_before)
    {
        let punct_before = p.is_some_and(|c| ".,!?;:-".contains(c));
        out.push(cand('”', if punct_before { 0.5 } else { 0.0 }, CloseDouble));
        out.push(cand('’', -1.0, CloseSingle));
        if !run_before && pl {
            let pre = word_before(text, at);
            // Blanks before the line break do not count: normalizing removes
            // them, and the cleaned text must read the same.
            let line_end = text[at + FFFD.len_utf8()..]
                .trim_start_matches(blank)
                .chars()
                .next()
                .is_none_or(is_line_break);
            // Function words ending in s (`it is’ hmm`) take no possessive.
            let function_word = matches!(
                pre.to_lowercase().as_str(),
                "is" | "was"
                    | "has"
                    | "his"
                    | "its"
                    | "this"
                    | "us"
                    | "as"
                    | "yes"
                    | "does"
                    | "thus"
                    | "hers"
                    | "ours"
                    | "yours"
                    | "theirs"
                    | "unless"
                    | "perhaps"
                    | "whereas"
                    | "always"
                    | "towards"
                    | "besides"
                    | "less"
                    | "plus"
            );
            let possessive = if line_end {
                -2.5
            } else if function_word {
                -3.0
            } else if pre.ends_with('s') {
                -0.5
            } else if pre.ends_with("in") {
                -1.5
            } else {
                -3.0
            };
            out.push(cand('’', possessive, Neutral));
            if next_adjacent.is_some_and(char::is_whitespace) || next_adjacent.is_none() {
                // A dash before a capital or the end of a line (`fish up—
                // Salmon`), else dash or ellipsis (`sister— no`).
                let capital = text[at + FFFD.len_utf8()..]
                    .trim_start_matches(blank)
                    .starts_with(|c: char| c.is_uppercase() || c == FFFD);
                out.push(cand(
                    '—',
                    if capital || line_end { -1.0 } else { -1.5 },
                    Neutral,
                ));
                out.push(cand('…', -1.5, Neutral));
            } else {
                out.push(cand('…', -2.0, Neutral));
            }
        }
        if !run_before && matches!(p, Some(':' | ';')) {
            out.push(cand('—', -0.5, Neutral));
        }
        return;
    }
    if at_open && at_close && !run_before && !run_after {
        // Between spaces: an ellipsis or a spaced dash.
        out.push(cand('…', 0.0, Neutral));
        out.push(cand('—', -1.0, Neutral));
        out.push(cand('–', -1.5, Neutral));
        return;
    }
    if !run_before && !run_after && pl && p.is_some_and(|c| !c.is_ascii_digit()) && n == Some('.') {
        out.push(cand('…', -1.0, Neutral));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `looks_english` as it was: byte by byte, with a linear search of the
    /// common words.
    fn looks_english_slow(text: &str) -> bool {
        /// A lowercase ASCII word of up to four letters, packed into a `u32`.
        const fn key(w: &str) -> u32 {
            let b = w.as_bytes();
            let mut k = 0u32;
            let mut i = 0;
            while i < b.len() {
                k = (k << 8) | b[i] as u32;
                i += 1;
            }
            k
        }
        /// Sorted (the order does not matter to the lookup).
        const COMMON: [u32; 32] = {
            let words = [
                "the", "and", "of", "to", "a", "in", "is", "was", "he", "she", "it", "that", "i",
                "you", "his", "her", "for", "with", "not", "but", "be", "had", "have", "at", "on",
                "as", "my", "me", "this", "they", "we", "so",
            ];
            let mut keys = [0u32; 32];
            let mut i = 0;
            while i < words.len() {
                keys[i] = key(words[i]);
                i += 1;
            }
            // Insertion sort (const).
            let mut i = 1;
            while i < keys.len() {
                let mut j = i;
                while j > 0 && keys[j - 1] > keys[j] {
                    let t = keys[j];
                    keys[j] = keys[j - 1];
                    keys[j - 1] = t;
                    j -= 1;
                }
                i += 1;
            }
            keys
        };
        let mut words = 0usize;
        let mut common = 0usize;
        // The current word: its length in bytes and, while it is ASCII and at
        // most four letters long, its lowercase key.
        let mut len = 0usize;
        let mut k = 0u32;
        let mut ascii = true;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i <= bytes.len() {
            let b = bytes.get(i).copied().unwrap_or(b' ');
            let letter = if b < 0x80 {
                if b.is_ascii_alphabetic() {
                    // The whole run of ASCII letters at once. The key matters
                    // only for a word of one run of at most four letters.
                    let start = i;
                    i += 1;
                    while bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
                        i += 1;
                    }
                    len += i - start;
                    if i - start <= 4 {
                        for &c in &bytes[start..i] {
                            k = (k << 8) | u32::from(c | 0x20);
                        }
                    }
                    continue;
                }
                i += 1;
                false
            } else {
                let c = text[i..].chars().next().expect("a character");
                i += c.len_utf8();
                c.is_alphabetic()
            };
            if letter {
                len += 2;
                ascii = false;
            } else if len > 0 {
                words += 1;
                // All 32 keys compared at once (vector compares): faster than
                // a binary search's unpredictable branches.
                if ascii && len <= 4 && COMMON.iter().fold(false, |any, &c| any | (c == k)) {
                    common += 1;
                }
                if words == 20_000 {
                    break;
                }
                (len, k, ascii) = (0, 0, true);
            }
        }
        words >= 3 && common * 6 >= words
    }

    #[test]
    fn common_words_are_found() {
        for w in COMMON_WORDS {
            assert!(is_common_word(word_key(w)), "{w}");
        }
        for w in ["thee", "an", "b", "zz", "with"] {
            assert_eq!(
                is_common_word(word_key(w)),
                COMMON_WORDS.contains(&w),
                "{w}"
            );
        }
    }

    #[test]
    fn looks_english_examples() {
        let english = "The cat sat on the mat, and it was happy. ";
        let french = "Le chat \u{e9}tait assis sur le tapis, heureux. ";
        for text in [english, french] {
            for n in [0, 1, 2, 3, 10, 600, 3000] {
                let t = text.repeat(n);
                assert_eq!(looks_english(&t), looks_english_slow(&t), "{n}");
            }
        }
        assert!(looks_english(&english.repeat(10)));
        assert!(!looks_english(&french.repeat(10)));
        // The 20,000-word limit falls inside a block: French after it does
        // not count.
        for pad in 0..70 {
            let t = format!(
                "{}{}{}",
                "x".repeat(pad),
                english.repeat(2000),
                french.repeat(9000)
            );
            assert_eq!(looks_english(&t), looks_english_slow(&t), "{pad}");
        }
        let long = format!("{} the a", "abc".repeat(50));
        assert_eq!(looks_english(&long), looks_english_slow(&long));
    }

    proptest! {
        #[test]
        fn looks_english_agrees(parts in proptest::collection::vec(prop_oneof![
            4 => proptest::sample::select(vec!["the", "The", "a", "of", "SO", "thee", "abcdefgh", "x"]),
            4 => proptest::sample::select(vec![" ", ", ", ".\n", "-", "'", "  "]),
            1 => proptest::sample::select(vec!["\u{e9}", "\u{2019}", "\u{fffd}", "\u{416}", "7"]),
        ], 0..200)) {
            let text: String = parts.concat();
            prop_assert_eq!(looks_english(&text), looks_english_slow(&text));
        }
    }
}
