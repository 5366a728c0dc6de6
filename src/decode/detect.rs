//! Encoding detection for files without a BOM.
//!
//! Layers around chardetng, in order:
//!
//! 1. pure ASCII: ISO-2022-JP if it has its escape sequences, else UTF-8;
//! 2. valid UTF-8 (certain), or mostly valid UTF-8 with a few stray legacy
//!    bytes (a mixed file, likely);
//! 3. chardetng on a window from the first non-ASCII byte, which picks the
//!    language family with real language models;
//! 4. refinement among the guess's *siblings* — code pages of the same script
//!    that chardetng confuses or never outputs (windows-1252 / ISO-8859-15 /
//!    macintosh; windows-1251 / KOI8 / x-mac-cyrillic / IBM866 / ISO-8859-5;
//!    …) — by the plausibility of the decoded text ([`super::plausible`]).
//!    Siblings that decode the window to the same text are one candidate.
//!
//! ## Scores, confidence, ambiguity
//!
//! Each candidate gets `S = −cost + bonus`, where cost is the plausibility
//! cost of its decoded window and chardetng's own guess gets [`CHARDET_BONUS`]
//! (its language evidence, which the class model cannot see). Costs are
//! log-likelihood-like, so `exp(S)` normalised over the distinct candidates is
//! a posterior: the winner's share is its `score`, the best candidate that
//! decodes to *different* text is the `runner_up` with its share. The score is
//! then scaled by how much non-ASCII evidence the file has at all
//! ([`evidence`]), because with three non-ASCII bytes even chardetng's choice
//! of family is a guess. A decision is `ambiguous` when a runner-up exists and
//! its share is at least [`AMBIGUOUS_SHARE`], or the evidence is thin and the
//! winner's score low.

use super::bom::BomKind;
use super::plausible::ByteClasses;
use super::Method;
use crate::edit::Confidence;
use encoding_rs::*;
use std::sync::OnceLock;

/// chardetng is shown a window from the first non-ASCII byte: at least
/// [`WINDOW_MIN`] bytes, extended up to [`WINDOW`] bytes while it holds fewer
/// than [`WINDOW_EVIDENCE`] non-ASCII bytes. chardetng spends its time on
/// every byte it is fed, and its verdict settles after a few thousand
/// non-ASCII bytes; mostly-ASCII markup gets the longer window.
pub const WINDOW: usize = 64 * 1024;
pub const WINDOW_MIN: usize = 16 * 1024;
pub const WINDOW_EVIDENCE: usize = 4096;

/// How many bytes are at or above 0x80.
pub fn count_non_ascii(bytes: &[u8]) -> usize {
    super::count_bytes(bytes, |b| b >= 0x80)
}

/// How many bytes are at or above 0xC0 (lead bytes of multi-byte UTF-8
/// sequences).
pub fn count_lead_bytes(bytes: &[u8]) -> usize {
    super::count_bytes(bytes, |b| b >= 0xc0)
}

/// The end of the detection window for bytes whose first non-ASCII byte is
/// at `first`.
pub fn window_end(bytes: &[u8], first: usize) -> usize {
    let max = bytes.len().min(first + WINDOW);
    let min = bytes.len().min(first + WINDOW_MIN);
    let mut seen = count_non_ascii(&bytes[first..min]);
    let mut end = min;
    while end < max && seen < WINDOW_EVIDENCE {
        let next = max.min(end + 4096);
        seen += count_non_ascii(&bytes[end..next]);
        end = next;
    }
    end
}

/// How many bytes of the window multi-byte candidates are decoded to compare.
const MULTIBYTE_SAMPLE: usize = 16 * 1024;

/// The credit chardetng's own guess gets, in cost units: about the cost of
/// one character no text contains. The class model overrides chardetng only
/// when the bytes clearly say so.
pub const CHARDET_BONUS: f32 = 3.0;

/// Prior cost of the rarer code pages chardetng never outputs: they are
/// taken to be about e² ≈ 7 times less common than its guess, so a tie in the
/// bytes goes to the guess without being ambiguous.
pub const RARE_PRIOR: f32 = 2.0;

/// A runner-up with at least this share of the posterior makes the decision
/// ambiguous.
pub const AMBIGUOUS_SHARE: f32 = 0.15;

/// A scored candidate.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub encoding: &'static Encoding,
    /// Plausibility cost of the decoded window (lower is better).
    pub cost: f32,
}

#[derive(Debug, Clone, Copy)]
pub struct Guess {
    pub encoding: &'static Encoding,
    pub method: Method,
    pub confidence: Confidence,
    /// 0..1: how sure the detector is (1 for BOMs and valid UTF-8).
    pub score: f32,
    /// The best candidate that decodes to different text, and its share.
    pub runner_up: Option<(&'static Encoding, f32)>,
    pub ambiguous: bool,
    /// The language whose model read the text best, when models decided.
    pub language: Option<&'static str>,
}

impl Guess {
    pub fn certain(encoding: &'static Encoding, method: Method) -> Self {
        Guess {
            encoding,
            method,
            confidence: Confidence::Certain,
            score: 1.0,
            runner_up: None,
            ambiguous: false,
            language: None,
        }
    }
}

/// Decide the encoding of BOM-less, non-binary bytes.
pub fn detect(bytes: &[u8]) -> Guess {
    match simdutf8::compat::from_utf8(bytes) {
        Ok(_) if is_iso2022_jp(bytes) => Guess::certain(ISO_2022_JP, Method::Escape),
        Ok(_) => Guess::certain(UTF_8, Method::Utf8),
        Err(e) => detect_invalid(bytes, e.valid_up_to()),
    }
}

/// [`detect`] for bytes that are not valid UTF-8, whose first `valid_up_to`
/// bytes are.
pub fn detect_invalid(bytes: &[u8], valid_up_to: usize) -> Guess {
    let first = next_non_ascii(bytes, 0).expect("invalid UTF-8 is not ASCII");
    let mixed = Guess {
        confidence: Confidence::Likely,
        score: 0.9,
        ..Guess::certain(UTF_8, Method::Utf8Mixed)
    };
    let (valid_multibyte, invalid) = utf8_counts(&bytes[valid_up_to..]);
    let valid_multibyte = valid_multibyte + count_lead_bytes(&bytes[..valid_up_to]);
    if valid_multibyte >= 4 && valid_multibyte >= 2 * invalid {
        return mixed;
    }
    let end = window_end(bytes, first);
    let window = &bytes[first..end];
    // Scoring looks one byte back for the pair ending at the first non-ASCII byte.
    let context = &bytes[first.saturating_sub(1)..end];
    // chardetng decides among the East Asian multi-byte encodings, where it
    // is strongest; it is asked only when one of them reads the window
    // without an error, and overruled for a single-byte page otherwise.
    // A multi-byte reading needs a few characters of evidence: a short text
    // in a single-byte page with three accented letters can read as GBK.
    let non_ascii = count_non_ascii(window);
    let enough = non_ascii >= 16 || non_ascii * 4 >= window.len();
    let chardet = (enough && CJK.iter().any(|&e| decodes_mostly(window, e)))
        .then(|| chardet_guess(window, end == bytes.len()))
        .filter(|(guess, _)| CJK.contains(guess));
    let (legacy, legacy_cost) = match chardet {
        Some((guess, assessed)) => refine(context, guess, assessed),
        None => {
            // The words from the start of the one the first non-ASCII byte
            // is in; the text around them for the language's evidence.
            let word_start = bytes[..first]
                .iter()
                .rposition(|b| b.is_ascii_whitespace())
                .map_or(0, |p| p + 1);
            let around = &bytes[first.saturating_sub(super::single_byte::CONTEXT / 2)..end];
            let guess =
                super::single_byte::choose(&non_ascii_words(&bytes[word_start..end]), around)
                    .guess();
            let cost = table(guess.encoding).map_or(0.0, |t| t.cost(context));
            (guess, cost)
        }
    };
    // A UTF-8 file with chapters in Windows-1252 has fewer valid sequences
    // than the rule above asks for; let the two readings compete on how
    // plausible the text they give is. (`legacy_cost` is what
    // `cost_in(bytes, legacy.encoding)` would work out again: the same
    // window, the same encoding.)
    if valid_multibyte >= 2 && mixed_cost(context) <= legacy_cost {
        return mixed;
    }
    legacy
}

/// chardetng's guess for a detection window (`last`: the window ends the
/// file), and whether it thinks the guess is sound.
///
/// chardetng is shown only the window's words (runs between white space) that
/// hold a non-ASCII byte, each with the white space after it. That tells it
/// what the whole window would: it does not score a pair of ASCII bytes, and
/// the state it carries from byte to byte (letter case, ordinal markers, the
/// run of non-ASCII bytes) starts afresh at white space, so a word of plain
/// ASCII between two white spaces changes no score. English with typographic
/// quotes has one non-ASCII byte in a hundred; skipping its ASCII words cuts
/// chardetng's time, most of a legacy file's detection, tenfold.
/// `examples/detect_bench.rs --chardet-compact` checks the verdicts are the
/// same as for the whole window. Windows holding ESC (ISO-2022 escapes) are
/// shown whole.
pub fn chardet_guess(window: &[u8], last: bool) -> (&'static Encoding, bool) {
    let mut detector = chardetng::EncodingDetector::new();
    if memchr::memchr(0x1b, window).is_some() {
        detector.feed(window, last);
    } else {
        detector.feed(&non_ascii_words(window), last);
    }
    detector.guess_assess(None, false)
}

/// The words of `bytes` that hold a non-ASCII byte, each followed by the
/// white-space byte that ended it (none at the end of `bytes`).
pub fn non_ascii_words(bytes: &[u8]) -> Vec<u8> {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let mut out = Vec::with_capacity(bytes.len() / 4);
    // `from`: where the next word can start (after the last one kept).
    let mut from = 0;
    while let Some(hit) = next_non_ascii(bytes, from) {
        let start = bytes[from..hit]
            .iter()
            .rposition(is_space)
            .map_or(from, |p| from + p + 1);
        let end = bytes[hit..]
            .iter()
            .position(is_space)
            .map_or(bytes.len(), |p| hit + p + 1);
        out.extend_from_slice(&bytes[start..end]);
        from = end;
    }
    out
}

/// The position of the first byte at or after `from` that is not ASCII,
/// sixteen bytes a test (two words), then eight.
pub(super) fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("8 bytes"));
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 16) {
        let (a, b) = (word(&chunk[..8]), word(&chunk[8..]));
        if (a | b) & HIGH != 0 {
            let (w, at) = if a & HIGH != 0 { (a, i) } else { (b, i + 8) };
            return Some(at + (w & HIGH).trailing_zeros() as usize / 8);
        }
        i += 16;
    }
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let high = x & 0x8080_8080_8080_8080;
        if high != 0 {
            return Some(i + high.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    bytes[i.min(bytes.len())..]
        .iter()
        .position(|&b| b >= 0x80)
        .map(|p| i + p)
}

/// Cost of reading `bytes` as UTF-8 whose invalid bytes are Windows-1252
/// (how the repair stage will read a mixed file): the `text_cost` of that
/// text, added up run by run without building it. Windows-1252 maps every
/// byte to one character, the one its class table holds.
fn mixed_cost(bytes: &[u8]) -> f32 {
    let cp1252 = table(WINDOWS_1252).expect("windows-1252 has a class table");
    let mut sum = super::plausible::CostSum::default();
    for (valid, bad) in super::utf8_runs(bytes) {
        sum.push_str(super::valid_str(valid));
        for &b in bad {
            sum.push(cp1252.chars[usize::from(b)]);
        }
    }
    sum.total()
}

/// Single-byte siblings: code pages of one script that differ only in how
/// some bytes map. Every list starts with the most common member, which wins
/// ties.
const CYRILLIC: &[&Encoding] = &[
    WINDOWS_1251,
    KOI8_U,
    KOI8_R,
    X_MAC_CYRILLIC,
    IBM866,
    ISO_8859_5,
];
/// x-mac-cyrillic is here because chardetng, which never outputs it, takes
/// it for windows-1252 (its capitals sit where windows-1252 has punctuation).
/// The Central European pages are here, and windows-1252 among them, because
/// short Latin-script texts are easily taken for either.
const WESTERN: &[&Encoding] = &[
    WINDOWS_1252,
    ISO_8859_15,
    MACINTOSH,
    X_MAC_CYRILLIC,
    WINDOWS_1250,
    ISO_8859_2,
];
const CENTRAL: &[&Encoding] = &[WINDOWS_1250, ISO_8859_2, ISO_8859_16, WINDOWS_1252];
const BALTIC: &[&Encoding] = &[WINDOWS_1257, ISO_8859_13, ISO_8859_4, ISO_8859_10];
const TURKISH: &[&Encoding] = &[WINDOWS_1254, ISO_8859_3];
const GREEK: &[&Encoding] = &[WINDOWS_1253, ISO_8859_7];
const HEBREW: &[&Encoding] = &[WINDOWS_1255, ISO_8859_8];
const ARABIC: &[&Encoding] = &[WINDOWS_1256, ISO_8859_6];
/// Siblings chardetng never outputs. It cannot have weighed them against its
/// guess, so its credit goes to them as well: between its guess and one of
/// these, the bytes decide, after a prior of [`RARE_PRIOR`] for being less
/// common in the wild (KOI8-R excepted: chardetng reports it as KOI8-U).
const NEVER_OUTPUT: &[&Encoding] = &[
    ISO_8859_15,
    ISO_8859_16,
    ISO_8859_3,
    ISO_8859_10,
    MACINTOSH,
    X_MAC_CYRILLIC,
    KOI8_R,
];
/// Multi-byte East Asian encodings: compared by decoding a sample.
const CJK: &[&Encoding] = &[GBK, BIG5, SHIFT_JIS, EUC_JP, EUC_KR];

/// The language an East Asian encoding is written in.
fn cjk_language(encoding: &'static Encoding) -> Option<&'static str> {
    match encoding.name() {
        "Shift_JIS" | "EUC-JP" | "ISO-2022-JP" => Some("ja"),
        "GBK" | "gb18030" => Some("zh-Hans"),
        "Big5" => Some("zh-Hant"),
        "EUC-KR" => Some("ko"),
        _ => None,
    }
}

/// Whether the first [`MULTIBYTE_SAMPLE`] bytes of `window` decode in
/// `encoding` with at most one error per 64 non-ASCII bytes (real files
/// hold a stray byte or two; text in a single-byte page breaks a
/// multi-byte reading at the end of most of its words).
fn decodes_mostly(window: &[u8], encoding: &'static Encoding) -> bool {
    let mut sample = &window[..window.len().min(MULTIBYTE_SAMPLE)];
    if sample.len() < window.len() {
        while sample.last().is_some_and(|&b| b >= 0x80) {
            sample = &sample[..sample.len() - 1];
        }
    }
    let allowed = count_non_ascii(sample) / 64;
    let mut errors = 0;
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut buffer = [0u8; 4096];
    let mut read = 0;
    loop {
        let (result, n, _) =
            decoder.decode_to_utf8_without_replacement(&sample[read..], &mut buffer, true);
        read += n;
        match result {
            DecoderResult::InputEmpty => return true,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(..) => {
                errors += 1;
                if errors > allowed {
                    return false;
                }
            }
        }
    }
}

/// UTF-16 without a BOM and with too few NUL bytes for [`nul_pattern`]
/// (CJK text, whose characters have no zero byte): the byte order whose
/// reading of the start of the file has no controls or broken surrogates
/// and reads as text of some language, at better than [`UTF16_FIT`] nats a
/// character. Only for bytes holding a NUL and no binary signature, which
/// would otherwise be called binary.
pub fn utf16_by_models(bytes: &[u8]) -> Option<BomKind> {
    if bytes.len() < 8
        || memchr::memchr(0, bytes).is_none()
        || super::binary::magic(bytes).is_some()
    {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let mut best: Option<(BomKind, f32)> = None;
    for kind in [BomKind::Utf16Le, BomKind::Utf16Be] {
        let units = sample.chunks_exact(2).map(|p| match kind {
            BomKind::Utf16Le => u16::from_le_bytes([p[0], p[1]]),
            _ => u16::from_be_bytes([p[0], p[1]]),
        });
        let mut text = String::with_capacity(sample.len());
        let mut bad = 0;
        for c in char::decode_utf16(units) {
            match c {
                Ok(c) if !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c') => {
                    text.push(c)
                }
                _ => bad += 1,
            }
        }
        // The sample may end inside a surrogate pair; tolerate one.
        if bad > 1 || text.is_empty() {
            continue;
        }
        let Some((_, score)) = super::language::models().best_language(&text) else {
            continue;
        };
        let per_char = score / text.chars().count() as f32;
        if per_char > UTF16_FIT && best.is_none_or(|(_, s)| per_char > s) {
            best = Some((kind, per_char));
        }
    }
    best.map(|(kind, _)| kind)
}

/// The worst average ln P per character a UTF-16 reading may have: text
/// in a modelled language averages above -8, characters no model has seen
/// cost about -20 each.
const UTF16_FIT: f32 = -12.0;

/// The siblings of chardetng's guess (the guess itself first).
pub fn family(guess: &'static Encoding) -> Vec<&'static Encoding> {
    let lists: [&[&'static Encoding]; 9] = [
        CYRILLIC, WESTERN, CENTRAL, BALTIC, TURKISH, GREEK, HEBREW, ARABIC, CJK,
    ];
    let mut out = vec![guess];
    if let Some(list) = lists.iter().find(|l| l.contains(&guess)) {
        out.extend(list.iter().copied().filter(|e| *e != guess));
    }
    // Visual and logical Hebrew decode alike.
    if guess == ISO_8859_8_I {
        out.extend(HEBREW.iter().copied().filter(|e| *e != ISO_8859_8));
    }
    out
}

/// The single-byte encodings with a class table: the families and the
/// siblings (some appear in two families; the first wins).
fn table_encodings() -> &'static [&'static Encoding] {
    static ENCODINGS: OnceLock<Vec<&'static Encoding>> = OnceLock::new();
    ENCODINGS.get_or_init(|| {
        [
            CYRILLIC, WESTERN, CENTRAL, BALTIC, TURKISH, GREEK, HEBREW, ARABIC,
        ]
        .iter()
        .flat_map(|l| l.iter().copied())
        .chain([ISO_8859_8_I, ISO_8859_14, WINDOWS_1258, WINDOWS_874])
        .collect()
    })
}

/// The class table of `encoding`, built the first time it is needed: a run
/// usually meets a few of these encodings, and building all of them costs
/// more than checking a small collection.
fn table(encoding: &'static Encoding) -> Option<&'static ByteClasses> {
    const MAX: usize = 40;
    static TABLES: [OnceLock<ByteClasses>; MAX] = [const { OnceLock::new() }; MAX];
    let encodings = table_encodings();
    debug_assert!(encodings.len() <= MAX);
    let i = encodings.iter().position(|e| *e == encoding)?;
    Some(TABLES[i].get_or_init(|| ByteClasses::new(encoding)))
}

/// Plausibility cost of `bytes` decoded with `encoding`, and the decoded text
/// for multi-byte encodings (single-byte ones are compared by table).
///
/// Multi-byte East Asian candidates are not scored by the class model: CJK
/// text has no spaces and mostly caseless letters, so the model has nothing to
/// say about which of two valid readings is right (that is chardetng's
/// language model's job). They only pay for undecodable sequences.
fn candidate_cost(bytes: &[u8], encoding: &'static Encoding) -> (f32, Option<String>) {
    match table(encoding) {
        Some(t) => (t.cost(bytes), None),
        None => {
            let mut sample = &bytes[..bytes.len().min(MULTIBYTE_SAMPLE)];
            if sample.len() < bytes.len() {
                // Do not cut a character in two at the end of the sample.
                while sample.last().is_some_and(|&b| b >= 0x80) {
                    sample = &sample[..sample.len() - 1];
                }
            }
            let mut decoder = encoding.new_decoder_without_bom_handling();
            let mut text = String::with_capacity(sample.len() * 2);
            let mut errors = 0usize;
            let mut read = 0;
            loop {
                let (result, n) =
                    decoder.decode_to_string_without_replacement(&sample[read..], &mut text, true);
                read += n;
                match result {
                    encoding_rs::DecoderResult::InputEmpty => break,
                    // Room for the rest of the sample and more: a character
                    // may take more UTF-8 bytes than the bytes it came from.
                    encoding_rs::DecoderResult::OutputFull => {
                        text.reserve(2 * (sample.len() - read) + 16)
                    }
                    encoding_rs::DecoderResult::Malformed(..) => errors += 1,
                }
            }
            (10.0 * errors as f32, Some(text))
        }
    }
}

/// How plausible `bytes` (from the first non-ASCII byte) are in `encoding`,
/// as a cost: what the corpus prior compares against the detector's choice.
pub fn cost_in(bytes: &[u8], encoding: &'static Encoding) -> f32 {
    let first = next_non_ascii(bytes, 0).unwrap_or(0);
    let end = window_end(bytes, first);
    candidate_cost(&bytes[first.saturating_sub(1)..end], encoding).0
}

/// Number of non-ASCII characters, roughly: non-ASCII bytes, halved for
/// multi-byte encodings.
fn non_ascii(bytes: &[u8], multibyte: bool) -> usize {
    let n = count_non_ascii(bytes);
    if multibyte {
        n / 2
    } else {
        n
    }
}

/// How much a decision can rest on `n` non-ASCII characters at all: one
/// non-ASCII character says little, a few dozen settle most cases.
pub fn evidence(n: usize) -> f32 {
    1.0 - (-(n as f32) / 6.0).exp()
}

/// How well the best reading fits text at all, from its average cost per
/// non-ASCII character: right decodings average well under 0.1 (letters cost
/// nothing); a reading that averages a quarter of an odd symbol (0.75) is
/// half believed, and text in an encoding no candidate covers (Johab read
/// as macintosh averages 1.4 and more) hardly at all.
fn fit(cost: f32, n: usize) -> f32 {
    let average = cost / n.max(1) as f32;
    1.0 / (1.0 + (average / 0.75).powi(4))
}

/// Pick among chardetng's guess and its siblings; with the winner's cost.
fn refine(bytes: &[u8], chardet: &'static Encoding, assessed: bool) -> (Guess, f32) {
    let members = family(chardet);
    let multibyte = table(chardet).is_none();
    // Distinct decodings only: a sibling that maps every byte present the
    // same way as an earlier one is the same candidate.
    let mut present = [false; 128];
    if !multibyte {
        // Every byte of a word that holds a non-ASCII one is marked, without
        // a branch per byte; the ASCII marks are not used.
        let mut seen = [false; 256];
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            if w & 0x8080_8080_8080_8080 != 0 {
                for &b in chunk {
                    seen[usize::from(b)] = true;
                }
            }
        }
        for &b in chunks.remainder() {
            seen[usize::from(b)] = true;
        }
        present.copy_from_slice(&seen[128..]);
    }
    let mut kept: Vec<(Candidate, Option<String>)> = Vec::new();
    let tables: Option<Vec<&ByteClasses>> = members.iter().map(|&e| table(e)).collect();
    if let Some(tables) = tables {
        // Single-byte siblings: told apart by table alone, then costed in
        // one walk over the bytes (what the loop below does one by one).
        let mut distinct: Vec<&ByteClasses> = Vec::new();
        for ta in tables {
            let same = distinct
                .iter()
                .any(|tb| (0..128).all(|i| !present[i] || ta.chars[i + 128] == tb.chars[i + 128]));
            if !same {
                distinct.push(ta);
            }
        }
        let costs = ByteClasses::costs(&distinct, bytes);
        for (t, cost) in distinct.iter().zip(costs) {
            let encoding = t.encoding;
            kept.push((Candidate { encoding, cost }, None));
        }
    } else {
        for &encoding in &members {
            // A single-byte sibling is compared by table before its cost is
            // worked out: a duplicate's cost would not be used.
            if let Some(ta) = table(encoding) {
                let same = kept.iter().any(|(k, _)| {
                    let tb = table(k.encoding).unwrap();
                    (0..128).all(|i| !present[i] || ta.chars[i + 128] == tb.chars[i + 128])
                });
                if same {
                    continue;
                }
            }
            let (cost, text) = candidate_cost(bytes, encoding);
            let same = kept.iter().any(|(k, ktext)| match (&text, ktext) {
                (Some(a), Some(b)) => a == b,
                _ => {
                    let (ta, tb) = (table(encoding).unwrap(), table(k.encoding).unwrap());
                    (0..128).all(|i| !present[i] || ta.chars[i + 128] == tb.chars[i + 128])
                }
            });
            if !same {
                kept.push((Candidate { encoding, cost }, text));
            }
        }
    }
    let n = non_ascii(bytes, multibyte);
    // chardetng's language evidence: a fixed credit for single-byte siblings,
    // which the class model can judge; for multi-byte ones, which it cannot,
    // a credit growing with the amount of text chardetng saw.
    let bonus = match (assessed, multibyte) {
        (false, _) => 0.0,
        (true, false) => CHARDET_BONUS,
        (true, true) => (1.0 + n as f32).ln(),
    };
    let s: Vec<f32> = kept
        .iter()
        .map(|(c, _)| {
            let never = NEVER_OUTPUT.contains(&c.encoding);
            let prior = if never && c.encoding != KOI8_R {
                -RARE_PRIOR
            } else {
                0.0
            };
            -c.cost
                + prior
                + if c.encoding == chardet || never {
                    bonus
                } else {
                    0.0
                }
        })
        .collect();
    let best = (0..kept.len())
        .max_by(|&a, &b| s[a].total_cmp(&s[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    let top = s[best];
    let total: f32 = s.iter().map(|x| (x - top).exp()).sum();
    let share = |i: usize| (s[i] - top).exp() / total;
    let runner = (0..kept.len())
        .filter(|&i| i != best)
        .max_by(|&a, &b| s[a].total_cmp(&s[b]).then(b.cmp(&a)));
    let evidence = evidence(n);
    let fit = fit(kept[best].0.cost, n);
    let doubt = if assessed { 1.0 } else { 0.5 };
    let score = share(best) * evidence * fit * doubt;
    let runner_up = runner.map(|i| (kept[i].0.encoding, share(i) * evidence * fit * doubt));
    // Ambiguous: a real contender, or no reading that looks like text at all.
    let ambiguous = runner.is_some_and(|i| share(i) >= AMBIGUOUS_SHARE || fit < 0.5);
    let confidence = if score >= 0.9 && !ambiguous {
        Confidence::Likely
    } else {
        Confidence::Guess
    };
    let guess = Guess {
        encoding: kept[best].0.encoding,
        method: Method::Guess,
        confidence,
        score,
        runner_up,
        ambiguous,
        language: cjk_language(kept[best].0.encoding),
    };
    (guess, kept[best].0.cost)
}

/// Pure ASCII with ISO-2022-JP escapes: the one valid UTF-8 that
/// [`detect`] does not call UTF-8.
pub fn is_iso2022_jp(bytes: &[u8]) -> bool {
    has_iso2022_escapes(bytes) && bytes.is_ascii()
}

/// ISO-2022-JP is 7-bit: its only mark is ESC `$ B`, `$ @`, `( B` or `( J`.
fn has_iso2022_escapes(bytes: &[u8]) -> bool {
    memchr::memchr_iter(0x1b, bytes).any(|i| {
        matches!(
            bytes.get(i + 1..i + 3),
            Some(b"$B") | Some(b"$@") | Some(b"(J") | Some(b"(I")
        )
    })
}

/// Valid multi-byte UTF-8 sequences and invalid stretches in `bytes`.
///
/// When valid sequences outnumber invalid ones two to one, the file is UTF-8
/// with pieces in a legacy encoding, not a legacy file. Legacy East Asian text
/// forms valid two- and three-byte UTF-8 sequences by chance (EUC
/// `A4 D5 A4 EB` holds `D5 A4` and `EB A4 B5`), but in it the invalid
/// stretches always outnumber the accidental valid ones; below that ratio the
/// mixed reading must also read better than the legacy guess.
///
/// The stretches are those of [`super::utf8_runs`] (and `utf8_chunks`); they
/// are found here by hopping from one non-ASCII byte to the next and reading
/// the sequence that starts there, which in a legacy file, whose runs are
/// short, costs a fraction of validating run after run.
fn utf8_counts(bytes: &[u8]) -> (usize, usize) {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    let mut i = 0;
    while let Some(at) = next_non_ascii(bytes, i) {
        match utf8_sequence(&bytes[at..]) {
            Ok(len) => {
                valid_multibyte += 1;
                i = at + len;
            }
            Err(len) => {
                invalid += 1;
                i = at + len;
            }
        }
    }
    (valid_multibyte, invalid)
}

/// The UTF-8 sequence at the start of `bytes` (whose first byte is not
/// ASCII): `Ok(length)` if it is valid, else `Err(length)` of the invalid
/// stretch, as `utf8_chunks` cuts it: the lead byte and the continuation
/// bytes that fit it (a maximal subpart), or everything if the sequence is
/// cut off by the end.
fn utf8_sequence(bytes: &[u8]) -> Result<usize, usize> {
    // The lead's length and the range its first continuation byte must be
    // in (narrower after E0, ED, F0 and F4: no overlong forms, surrogates
    // or code points above U+10FFFF).
    let (len, second) = match bytes[0] {
        0xc2..=0xdf => (2, 0x80..=0xbf),
        0xe0 => (3, 0xa0..=0xbf),
        0xe1..=0xec | 0xee..=0xef => (3, 0x80..=0xbf),
        0xed => (3, 0x80..=0x9f),
        0xf0 => (4, 0x90..=0xbf),
        0xf1..=0xf3 => (4, 0x80..=0xbf),
        0xf4 => (4, 0x80..=0x8f),
        _ => return Err(1),
    };
    for k in 1..len {
        let Some(&b) = bytes.get(k) else {
            return Err(bytes.len());
        };
        let fits = if k == 1 {
            second.contains(&b)
        } else {
            (0x80..=0xbf).contains(&b)
        };
        if !fits {
            return Err(k);
        }
    }
    Ok(len)
}

/// UTF-16 or UTF-32 without a BOM, told by where the NUL bytes fall.
///
/// Text in UTF-32 has NUL in the top two bytes of almost every unit. Text in
/// UTF-16 has NUL as the high byte of every ASCII character (spaces, digits,
/// punctuation, markup), so even Cyrillic or Greek text puts NULs at one
/// parity only, while binary data puts them anywhere. A UTF-16 verdict needs
/// NULs in at least a tenth of the units at one parity, none at the other,
/// and a sample that decodes without unpaired surrogates or controls.
pub fn nul_pattern(bytes: &[u8]) -> Option<BomKind> {
    let sample = &bytes[..bytes.len().min(4096) & !3];
    if sample.len() < 8 || memchr::memchr(0, sample).is_none() {
        return None;
    }
    let quads = sample.len() / 4;
    let mut zero_at = [0usize; 4];
    for quad in sample.chunks_exact(4) {
        for (i, b) in quad.iter().enumerate() {
            if *b == 0 {
                zero_at[i] += 1;
            }
        }
    }
    let most = |n: usize| n * 10 >= quads * 9;
    let none = |n: usize| n * 20 <= quads;
    if most(zero_at[2]) && most(zero_at[3]) && none(zero_at[0]) {
        return Some(BomKind::Utf32Le);
    }
    if most(zero_at[0]) && most(zero_at[1]) && none(zero_at[3]) {
        return Some(BomKind::Utf32Be);
    }
    let (even, odd) = (zero_at[0] + zero_at[2], zero_at[1] + zero_at[3]);
    let pairs = quads * 2;
    let some = |n: usize| n * 10 >= pairs;
    let hardly = |n: usize| n * 100 <= pairs;
    let kind = if some(odd) && hardly(even) {
        BomKind::Utf16Le
    } else if some(even) && hardly(odd) {
        BomKind::Utf16Be
    } else {
        return None;
    };
    let units = sample.chunks_exact(2).map(|p| match kind {
        BomKind::Utf16Le => u16::from_le_bytes([p[0], p[1]]),
        _ => u16::from_be_bytes([p[0], p[1]]),
    });
    let mut bad = 0;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) if !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c') => {}
            // The sample may end inside a surrogate pair; tolerate one.
            _ => bad += 1,
        }
    }
    (bad * 100 <= pairs).then_some(kind)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_multibyte_sample_shorter_than_its_decoding_is_costed() {
        // GBK 0x80 is the euro sign: three UTF-8 bytes from one byte.
        let (_, text) = super::candidate_cost(b"\x80", encoding_rs::GBK);
        assert_eq!(text.as_deref(), Some("\u{20ac}"));
    }

    use super::*;

    #[test]
    fn utf16_without_bom() {
        let le: Vec<u8> = "hello world, plain"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(nul_pattern(&le), Some(BomKind::Utf16Le));
        let be: Vec<u8> = "hello world, plain"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(nul_pattern(&be), Some(BomKind::Utf16Be));
        let cyrillic: Vec<u8> = "Съешь же ещё этих мягких французских булок, да выпей чаю."
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(nul_pattern(&cyrillic), Some(BomKind::Utf16Le));
        let utf32: Vec<u8> = "plain text, four bytes each"
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect();
        assert_eq!(nul_pattern(&utf32), Some(BomKind::Utf32Be));
        // NULs at both parities: binary, not UTF-16.
        assert_eq!(nul_pattern(b"ab\0\0cd\0e\0\0fg\0\0hi\0j\0k"), None);
    }

    #[test]
    fn lead_bytes_counted() {
        let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for start in 0..16 {
            let slice = &bytes[start..];
            let plain = slice.iter().filter(|&&b| b >= 0xC0).count();
            assert_eq!(count_lead_bytes(slice), plain);
        }
    }

    proptest::proptest! {
        /// `utf8_counts` counts what walking `utf8_runs` finds.
        #[test]
        fn utf8_counts_agree_with_runs(bytes in proptest::collection::vec(proptest::prop_oneof![
            3 => 0x20u8..0x7f,
            2 => 0x80u8..0xc0,
            2 => 0xc0u8..=0xff,
            1 => proptest::prelude::any::<u8>(),
        ], 0..80)) {
            let mut valid = 0;
            let mut invalid = 0;
            for (v, bad) in super::super::utf8_runs(&bytes) {
                valid += count_lead_bytes(v);
                invalid += usize::from(!bad.is_empty());
            }
            proptest::prop_assert_eq!(utf8_counts(&bytes), (valid, invalid));
        }
    }

    proptest::proptest! {
        /// `mixed_cost` is the cost of the text it stands for, to the last bit.
        #[test]
        fn mixed_cost_is_text_cost(bytes in proptest::collection::vec(proptest::prop_oneof![
            4 => 0x20u8..0x7f,
            1 => 0x80u8..0xc0,
            1 => 0xc0u8..=0xff,
            1 => proptest::prelude::any::<u8>(),
        ], 0..120)) {
            let mut text = String::new();
            for (valid, bad) in super::super::utf8_runs(&bytes) {
                text.push_str(super::super::valid_str(valid));
                text.push_str(&WINDOWS_1252.decode_without_bom_handling(bad).0);
            }
            let plain: f32 = super::super::plausible::char_costs(&text).map(|(_, c)| c).sum();
            proptest::prop_assert_eq!(mixed_cost(&bytes).to_bits(), plain.to_bits());
        }
    }

    proptest::proptest! {
        /// `next_non_ascii` finds what a plain search finds.
        #[test]
        fn next_non_ascii_agrees(bytes in proptest::collection::vec(proptest::prop_oneof![
            20 => 0x20u8..0x7f,
            1 => 0x80u8..=0xff,
        ], 0..100), from in 0usize..110) {
            let from = from.min(bytes.len());
            let plain = bytes[from..].iter().position(|&b| b >= 0x80).map(|p| from + p);
            proptest::prop_assert_eq!(next_non_ascii(&bytes, from), plain);
        }
    }

    #[test]
    fn utf8_sequences() {
        assert_eq!(utf8_sequence("é".as_bytes()), Ok(2));
        assert_eq!(utf8_sequence("€".as_bytes()), Ok(3));
        assert_eq!(utf8_sequence("😀".as_bytes()), Ok(4));
        assert_eq!(utf8_sequence(b"\xe9t"), Err(1));
        assert_eq!(utf8_sequence(b"\xe0\x80\x80"), Err(1));
        assert_eq!(utf8_sequence(b"\xe2\x82x"), Err(2));
        assert_eq!(utf8_sequence(b"\xf0\x9f\x98"), Err(3));
        assert_eq!(utf8_sequence(b"\xed\xa0\x80"), Err(1));
    }

    #[test]
    fn legacy_guess() {
        let g = detect(b"It didn\x92t help that the caf\xe9 was \x93closed\x94.");
        assert_eq!(g.encoding.name(), "windows-1252");
        assert_eq!(g.method, Method::Guess);
    }
}
