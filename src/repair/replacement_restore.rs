//! ## What it does
//! Restores characters that were already replaced by U+FFFD before fettle saw
//! the text, when the context shows which character it was: an apostrophe in
//! a contraction or possessive (`didn�t`, `the Summers� basement` → `’`),
//! opening and closing double and single quotes (tracking which quotes are
//! open through the paragraph, so a quote inside an open double quote is a
//! single one), an em dash between words (`alive�well`), an ellipsis between
//! spaces, a no-break space after a title (`Mr.�Holmes`), a pound sign before
//! an amount. Every restoration records how sure it is; where the context
//! does not decide, the U+FFFD stays and `replacement-char` reports it.
//!
//! ## Why
//! Windows-1252 text read as UTF-8 with replacement loses every curly quote,
//! apostrophe and dash. The bytes are gone, but the typography of prose is
//! regular enough that the lost character can nearly always be told.
//!
//! ## Example
//! `�You really love her don�t you?� Buffy said` →
//! `“You really love her don’t you?” Buffy said`
//!
//! ## Fix safety
//! Likely where one reading is clearly best (contractions, balanced quotes),
//! guess where it is only the more probable one. Never certain: the original
//! character is lost. U+FFFD that an earlier rule wrote (for an ambiguous
//! mojibake sequence, a lost letter) are left alone. A lost character between
//! two words becomes a dash only in English prose.
//!
//! How it decides: each U+FFFD gets candidate characters with a score from
//! its neighbours; a paragraph's candidates are then chosen together by
//! dynamic programming over which quotes are open (an opening quote needs a
//! closing one, a closing quote needs an open one). The margin between the
//! best reading and the best reading with another character at that place
//! gives the confidence.

use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule, RuleInfo, Stage};

pub struct ReplacementRestore;

static INFO: RuleInfo = RuleInfo {
    id: "replacement-restore",
    stage: Stage::Repair,
    summary:
        "U+FFFD restored from context: apostrophes, quotes (tracking open quotes), dashes, ellipses",
    default_enabled: true,
};

const FFFD: char = '\u{FFFD}';

/// Below this margin the U+FFFD is left for `replacement-char` to report.
const MIN_MARGIN: f32 = 0.4;
/// From this margin on, the restoration is `likely` rather than a `guess`.
const LIKELY_MARGIN: f32 = 2.0;

impl Rule for ReplacementRestore {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        let bytes = text.as_bytes();
        if memchr::memmem::find(bytes, "\u{FFFD}".as_bytes()).is_none() {
            return;
        }
        // U+FFFD of the input (including undecodable bytes no earlier rule
        // could read), not those an earlier rule wrote for an ambiguous
        // mojibake sequence: those stand for a lost letter, not punctuation.
        let here: Vec<usize> = memchr::memmem::find_iter(bytes, "\u{FFFD}".as_bytes()).collect();
        let mut original = here.clone();
        ctx.log.to_original_many(&mut original);
        let lost: Vec<usize> = here
            .into_iter()
            .zip(original)
            .filter(|&(_, o)| ctx.log.original()[o..].starts_with(FFFD))
            .map(|(h, _)| h)
            .collect();
        if lost.is_empty() {
            return;
        }
        // Whether the text is English is only asked about a U+FFFD between
        // two words.
        let english = std::cell::OnceCell::new();
        let english = || *english.get_or_init(|| looks_english(text));
        for (start, end) in paragraphs(text) {
            let first = lost.partition_point(|&p| p < start);
            let last = lost.partition_point(|&p| p < end);
            if first < last {
                restore_paragraph(text, start, end, &lost[first..last], &english, out);
            }
        }
    }
}

/// Is the text English prose? Then a lost character between two words is a
/// dash. Judged by the share of very common English words among the first
/// 20,000 (runs of letters).
fn looks_english(text: &str) -> bool {
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
    /// Sorted, for binary search.
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
            i += 1;
            if b.is_ascii_alphabetic() {
                len += 1;
                k = (k << 8) | u32::from(b | 0x20);
                continue;
            }
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
            if ascii && len <= 4 && COMMON.binary_search(&k).is_ok() {
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

/// Paragraph spans: blocks between blank lines; in a block of long lines
/// (one paragraph per line), each line.
fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let flush = |lines: &mut Vec<(usize, usize)>, out: &mut Vec<(usize, usize)>| {
        if lines.is_empty() {
            return;
        }
        let total: usize = lines.iter().map(|(s, e)| e - s).sum();
        if lines.len() > 1 && total / lines.len() > 100 {
            out.append(lines);
        } else {
            out.push((lines[0].0, lines[lines.len() - 1].1));
            lines.clear();
        }
    };
    let mut pos = 0;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]) {
        let line = (pos, nl);
        if text[pos..nl].trim().is_empty() {
            flush(&mut lines, &mut out);
        } else {
            lines.push(line);
        }
        pos = nl + 1;
    }
    flush(&mut lines, &mut out);
    out
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

/// An item of the paragraph's quote sequence: a U+FFFD to decide, or an
/// intact quote mark that fixes the state.
enum Item {
    Lost(usize, Vec<Cand>),
    Intact(Kind),
}

/// Quote state: (double open, single open) as an index 0..4.
fn state(d: bool, s: bool) -> usize {
    usize::from(d) * 2 + usize::from(s)
}

/// Score and next state of a quote move from state `st`.
fn step(st: usize, kind: Kind) -> (f32, usize) {
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

fn restore_paragraph(
    text: &str,
    start: usize,
    end: usize,
    lost: &[usize],
    english: &dyn Fn() -> bool,
    out: &mut Outcome,
) {
    // Build the item sequence: lost characters and intact double quotes
    // (`"`, or `“` and `”`, whose UTF-8 starts with 0xE2), in text order.
    let mut items: Vec<Item> = Vec::new();
    let mut li = 0;
    let bytes = text.as_bytes();
    let quotes = memchr::memchr2_iter(b'"', 0xE2, &bytes[start..end]).map(|i| start + i);
    for at in quotes.chain([end]) {
        while li < lost.len() && lost[li] < at {
            items.push(Item::Lost(lost[li], candidates(text, lost[li], english)));
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
    // The moves each item allows: (score, quote move).
    let moves: Vec<Vec<(f32, Kind)>> = items
        .iter()
        .map(|item| match item {
            Item::Lost(_, cands) if !cands.is_empty() => {
                cands.iter().map(|c| (c.score, c.kind)).collect()
            }
            // A U+FFFD with no candidate stays and changes nothing.
            Item::Lost(..) => vec![(0.0, Kind::Neutral)],
            Item::Intact(k) => vec![(0.0, *k)],
        })
        .collect();
    // fwd[i][s]: best score of items[..i] ending in state s.
    let mut fwd = vec![[NEG; 4]; n + 1];
    fwd[0][0] = 0.0;
    for i in 0..n {
        for st in 0..4 {
            if fwd[i][st] <= NEG {
                continue;
            }
            for &(score, kind) in &moves[i] {
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
            for &(score, kind) in &moves[i] {
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
        let mut per_char: Vec<(char, f32)> = Vec::new();
        for c in cands {
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
        out.fixes.push(Fix::new(
            *at..*at + FFFD.len_utf8(),
            c.to_string(),
            confidence,
        ));
    }
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

/// Candidate characters for the U+FFFD at `at`, scored from its neighbours.
fn candidates(text: &str, at: usize, english: &dyn Fn() -> bool) -> Vec<Cand> {
    use Kind::*;
    let p = before(text, at);
    let n = after(text, at);
    let prev_adjacent = text[..at].chars().next_back();
    let next_adjacent = text[at + FFFD.len_utf8()..].chars().next();
    let mut out = Vec::new();
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
        return out;
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
        return out;
    }
    // Sentence punctuation glued to the next word: `Whither?—a word`.
    if p.is_some_and(|c| "?!;:,".contains(c))
        && n.is_some_and(char::is_alphabetic)
        && !run_before
        && !run_after
    {
        out.push(cand('—', 0.0, Neutral));
        out.push(cand('”', -1.0, CloseDouble));
        return out;
    }
    if p.is_some_and(|c| c.is_ascii_digit()) && n.is_some_and(|c| c.is_ascii_digit()) {
        out.push(cand('–', 0.0, Neutral));
        return out;
    }
    // A number and its unit: `27�yrs`, `730�BC`.
    if p.is_some_and(|c| c.is_ascii_digit()) && n.is_some_and(char::is_alphabetic) && !run_after {
        out.push(cand('\u{a0}', 0.0, Neutral));
        out.push(cand('—', -1.0, Neutral));
        return out;
    }
    // After a title's full stop, before a name: `Mr.�Holmes`.
    if p == Some('.') && n.is_some_and(char::is_alphabetic) && !run_before && !run_after {
        let pre = word_before(text, at - 1);
        let short_capital =
            (1..=6).contains(&pre.chars().count()) && pre.starts_with(char::is_uppercase);
        if TITLES.contains(&pre) || short_capital {
            out.push(cand('\u{a0}', 0.0, Neutral));
            out.push(cand('”', -3.0, CloseDouble));
            return out;
        }
    }
    let at_open = opens(prev_adjacent) || (run_before && opens(p));
    // A footnote number may follow a closing quote: `“Porridge”1519`.
    let footnote = next_adjacent.is_some_and(|c| c.is_ascii_digit())
        && p.is_some_and(|c| c.is_alphabetic() || ".,;:!?".contains(c));
    let at_close = closes(next_adjacent) || (run_after && closes(n)) || footnote;

    if at_open && !at_close && (nl || n.is_some_and(|c| "'\"‘“…(-*".contains(c)) || run_after)
    {
        // Opening a word: a quote, an elided start, or a currency sign. A
        // quote that opens a paragraph may run on to the next one; one that
        // opens mid-paragraph must close in it (see `end_cost`).
        let para_start = text[..at]
            .trim_end_matches([' ', '\t', FFFD])
            .ends_with('\n')
            || text[..at].trim_end_matches([' ', '\t', FFFD]).is_empty();
        let bonus = if para_start { 2.0 } else { 0.0 };
        out.push(cand('“', bonus, OpenDouble));
        out.push(cand('‘', bonus - 1.0, OpenSingle));
        let w = word_after(text, at);
        if !run_after && elided_start(w) {
            out.push(cand('’', 2.0, Neutral));
        } else if !run_after && nl {
            out.push(cand('’', -2.5, Neutral));
        }
        if n.is_some_and(|c| c.is_ascii_digit()) && !run_after {
            out.push(cand('£', 1.5, Neutral));
        }
        if prev_adjacent.is_some_and(char::is_whitespace) && !run_before && !run_after {
            out.push(cand('—', -3.0, Neutral));
            out.push(cand('…', -3.0, Neutral));
        }
        return out;
    }
    if at_close && !at_open && (pl || p.is_some_and(|c| ".,!?;:…—)*-".contains(c)) || run_before)
    {
        let punct_before = p.is_some_and(|c| ".,!?;:-".contains(c));
        out.push(cand('”', if punct_before { 0.5 } else { 0.0 }, CloseDouble));
        out.push(cand('’', -1.0, CloseSingle));
        if !run_before && pl {
            let pre = word_before(text, at);
            let line_end = next_adjacent.is_none_or(|c| c == '\n');
            let possessive = if line_end {
                -2.5
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
                    .trim_start_matches(' ')
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
        return out;
    }
    if at_open && at_close && !run_before && !run_after {
        // Between spaces: an ellipsis or a spaced dash.
        out.push(cand('…', 0.0, Neutral));
        out.push(cand('—', -1.0, Neutral));
        out.push(cand('–', -1.5, Neutral));
        return out;
    }
    if !run_before && !run_after && pl && p.is_some_and(|c| !c.is_ascii_digit()) && n == Some('.') {
        out.push(cand('…', -1.0, Neutral));
    }
    out
}
