//! The choice among every single-byte code page, by language models.
//!
//! Each code page reads the bytes as some text; each language model
//! ([`super::language`]) says how likely that text is in its language. The
//! verdict is the best (code page, language) pair. Code pages that read the
//! bytes present the same way are one candidate, named by the more common
//! page ([`CANDIDATES`] is in that order).
//!
//! Scoring every pair in full would cost 28 × 56 bigram walks, so it is done
//! in two steps over a sample of the words that hold a non-ASCII byte:
//!
//! 1. every pair gets the unigram score of its non-ASCII characters (a table
//!    per code page and language, so a sum over the distinct bytes present);
//! 2. the [`FINALISTS`] best code pages, each with its [`LANGUAGES_EACH`]
//!    best languages, get the full bigram score of the sample.
//!
//! The margin between the winner and the best pair that reads the bytes as
//! other text, in nats, is the evidence; [`Verdict`] turns it into a
//! calibrated confidence.

use super::language::{models, normalize, Model};
use super::Method;
use crate::edit::Confidence;
use encoding_rs::*;
use std::sync::OnceLock;

/// Every single-byte encoding encoding_rs decodes (x-user-defined aside,
/// which is not a code page), most common first: the first of several pages
/// that read a file alike names it.
pub const CANDIDATES: &[&Encoding] = &[
    WINDOWS_1252,
    WINDOWS_1251,
    WINDOWS_1250,
    ISO_8859_2,
    WINDOWS_1256,
    WINDOWS_1254,
    WINDOWS_1253,
    WINDOWS_1255,
    WINDOWS_1257,
    WINDOWS_874,
    KOI8_R,
    ISO_8859_5,
    ISO_8859_7,
    ISO_8859_8,
    ISO_8859_6,
    IBM866,
    ISO_8859_15,
    WINDOWS_1258,
    ISO_8859_13,
    KOI8_U,
    MACINTOSH,
    X_MAC_CYRILLIC,
    ISO_8859_4,
    ISO_8859_16,
    ISO_8859_10,
    ISO_8859_3,
    ISO_8859_14,
    ISO_8859_8_I,
];

/// Code pages this far down [`CANDIDATES`] and further are rarer in the
/// wild: they pay [`RARE_PRIOR`] nats, so that a near tie goes to a
/// common page.
const RARE_FROM: usize = 16;
/// ln of how many times less common a rare page is taken to be.
const RARE_PRIOR: f32 = 1.5;

/// Code pages scored in full.
const FINALISTS: usize = 14;
/// Languages scored in full for each finalist page.
const LANGUAGES_EACH: usize = 2;
/// The sample scored: at most this many bytes of the words that hold a
/// non-ASCII byte.
pub const SAMPLE: usize = 8 * 1024;

/// The margin (nats) from which a verdict is `likely`: calibrated on the
/// calibration half of the held-out grid (`examples/detect_grid.rs
/// --calibrate`). A verdict is `ambiguous` when the runner-up's share
/// (`1 - score`) is at least [`super::detect::AMBIGUOUS_SHARE`].
pub const LIKELY_MARGIN: f32 = 8.0;
/// Margins are sums over characters that are not independent: the score
/// is `1 / (1 + e^(-margin / MARGIN_SCALE))`.
pub const MARGIN_SCALE: f32 = 2.0;

/// What the language models decide.
#[derive(Debug, Clone, Copy)]
pub struct Verdict {
    pub encoding: &'static Encoding,
    pub language: &'static str,
    /// The best pair reading the bytes as other text, if any.
    pub runner_up: Option<(&'static Encoding, &'static str)>,
    /// Winner's score minus the runner-up's, in nats.
    pub margin: f32,
}

impl Verdict {
    /// The detector's guess for this verdict.
    pub fn guess(&self) -> super::detect::Guess {
        let share = |m: f32| 1.0 / (1.0 + (-m / MARGIN_SCALE).exp());
        let score = if self.runner_up.is_some() {
            share(self.margin)
        } else {
            1.0
        };
        let ambiguous = self.runner_up.is_some() && 1.0 - score >= super::detect::AMBIGUOUS_SHARE;
        let confidence = if self.margin >= LIKELY_MARGIN || self.runner_up.is_none() {
            Confidence::Likely
        } else {
            Confidence::Guess
        };
        super::detect::Guess {
            encoding: self.encoding,
            method: Method::Guess,
            confidence,
            score,
            runner_up: self.runner_up.map(|(e, _)| (e, 1.0 - score)),
            ambiguous,
            language: Some(self.language),
        }
    }
}

/// The characters a code page reads each byte as, normalised for the models.
fn chars_of(index: usize) -> &'static [char; 256] {
    static TABLES: [OnceLock<[char; 256]>; 28] = [const { OnceLock::new() }; 28];
    TABLES[index].get_or_init(|| {
        let all: [u8; 256] = std::array::from_fn(|b| b as u8);
        let (text, _) = CANDIDATES[index].decode_without_bom_handling(&all);
        let mut out = ['\u{fffd}'; 256];
        if text.chars().count() == 256 {
            for (slot, c) in out.iter_mut().zip(text.chars()) {
                *slot = normalize(c);
            }
        }
        out
    })
}

/// ln P of each non-ASCII byte of a code page under each language.
fn unigrams_of(index: usize) -> &'static [[f32; 128]] {
    static TABLES: [OnceLock<Vec<[f32; 128]>>; 28] = [const { OnceLock::new() }; 28];
    TABLES[index].get_or_init(|| {
        let chars = chars_of(index);
        models()
            .languages
            .iter()
            .map(|m| std::array::from_fn(|i| m.char_logp(chars[128 + i])))
            .collect()
    })
}

/// The sample as the models see it: white space one boundary, digits one
/// digit, a boundary before it.
fn normalized_sample(words: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(words.len().min(SAMPLE) + 1);
    out.push(b' ');
    for &b in words {
        if out.len() > SAMPLE {
            break;
        }
        let b = match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => b' ',
            b'0'..=b'9' => b'0',
            _ => b,
        };
        if b == b' ' && out.last() == Some(&b' ') {
            continue;
        }
        out.push(b);
    }
    out
}

/// The ASCII text read for a language's evidence: at most this many bytes.
pub const CONTEXT: usize = 8 * 1024;
/// The share of files taken to have ASCII text in another language than
/// their accented letters (markup, code, an English header): the ASCII
/// evidence against a language is bounded by about
/// `ln(OTHER_ASCII / languages)`, −18 nats. Chosen on the calibration half
/// of the held-out grid among 10⁻², 10⁻⁴ and 10⁻⁶ (`examples/detect_grid.rs
/// --calibrate`; docs/detection.md gives the figures).
const OTHER_ASCII: f64 = 1e-6;

/// The symbols of the ASCII evidence: the word boundary, then `A`–`Z` and
/// `a`–`z`. Anything else (digits, punctuation, non-ASCII bytes) is a
/// boundary: the letters are what tell languages apart.
const SYMBOLS: usize = 53;

fn ascii_symbol(b: u8) -> usize {
    match b {
        b'A'..=b'Z' => usize::from(b - b'A') + 1,
        b'a'..=b'z' => usize::from(b - b'a') + 27,
        _ => 0,
    }
}

/// ln P(b | a) of every pair of ASCII symbols, per language.
fn ascii_pairs() -> &'static [Vec<f32>] {
    static TABLES: OnceLock<Vec<Vec<f32>>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let char_of = |s: usize| match s {
            0 => ' ',
            1..=26 => char::from(b'A' + s as u8 - 1),
            _ => char::from(b'a' + s as u8 - 27),
        };
        models()
            .languages
            .iter()
            .map(|m| {
                (0..SYMBOLS * SYMBOLS)
                    .map(|i| m.pair_logp(char_of(i / SYMBOLS), char_of(i % SYMBOLS)))
                    .collect()
            })
            .collect()
    })
}

/// Each language's evidence from the ASCII letters of `context`, in nats:
/// the ln-probability of the letters under a mixture that says they are in
/// the language, or, with probability [`OTHER_ASCII`], in any language at
/// all. Without the mixture a page of HTML around a few Cyrillic words
/// would be taken for English mojibake; with it, a language the letters
/// do not fit loses at most about 18 nats, which two or three accented
/// letters of a real text in it outweigh.
pub fn ascii_evidence(context: &[u8]) -> Vec<f32> {
    let mut counts = vec![0u32; SYMBOLS * SYMBOLS];
    let mut last = 0;
    for &b in &context[..context.len().min(CONTEXT)] {
        let s = ascii_symbol(b);
        if s != 0 || last != 0 {
            counts[last * SYMBOLS + s] += 1;
        }
        last = s;
    }
    let present: Vec<(usize, f64)> = counts
        .iter()
        .enumerate()
        .filter(|c| *c.1 > 0)
        .map(|(i, &n)| (i, f64::from(n)))
        .collect();
    let own: Vec<f64> = ascii_pairs()
        .iter()
        .map(|t| present.iter().map(|&(i, n)| n * f64::from(t[i])).sum())
        .collect();
    let log_sum_exp = |a: f64, b: f64| a.max(b) + (-(a - b).abs()).exp().ln_1p();
    let any = own.iter().copied().fold(f64::NEG_INFINITY, log_sum_exp) - (own.len() as f64).ln();
    own.iter()
        .map(|&a| log_sum_exp((1.0 - OTHER_ASCII).ln() + a, OTHER_ASCII.ln() + any) as f32)
        .collect()
}

/// Decide among the single-byte code pages for `words`, the words of a
/// window that hold a non-ASCII byte ([`super::detect::non_ascii_words`]),
/// with `context`, text around them whose ASCII letters say which language
/// it is in (at most [`CONTEXT`] bytes of it are read).
pub fn choose(words: &[u8], context: &[u8]) -> Verdict {
    let sample = normalized_sample(words);
    // Distinct byte pairs with their counts, and the non-ASCII bytes.
    let mut keys: Vec<u16> = sample
        .windows(2)
        .map(|w| u16::from_be_bytes([w[0], w[1]]))
        .collect();
    keys.sort_unstable();
    let mut pairs: Vec<(u8, u8, f32)> = Vec::new();
    for run in keys.chunk_by(|a, b| a == b) {
        let [a, b] = run[0].to_be_bytes();
        pairs.push((a, b, run.len() as f32));
    }
    let mut high = [0f32; 128];
    for &b in &sample {
        if b >= 0x80 {
            high[usize::from(b - 0x80)] += 1.0;
        }
    }
    let present: Vec<usize> = (0..128).filter(|&i| high[i] > 0.0).collect();
    // Pages reading the present bytes alike are one candidate: the first.
    let mut distinct: Vec<usize> = Vec::new();
    for i in 0..CANDIDATES.len() {
        let ci = chars_of(i);
        let same = distinct.iter().any(|&j| {
            let cj = chars_of(j);
            present.iter().all(|&b| ci[128 + b] == cj[128 + b])
        });
        if !same {
            distinct.push(i);
        }
    }
    let prior = |i: usize| if i >= RARE_FROM { -RARE_PRIOR } else { 0.0 };
    // Step 1: unigram scores, plus each language's evidence from the ASCII
    // text; each page's best languages.
    let languages = &models().languages;
    let ascii = ascii_evidence(context);
    let mut shortlist: Vec<(f32, usize, Vec<usize>)> = distinct
        .iter()
        .map(|&e| {
            let table = unigrams_of(e);
            let mut by_lang: Vec<(f32, usize)> = table
                .iter()
                .enumerate()
                .map(|(l, t)| {
                    let own: f32 = present.iter().map(|&b| high[b] * t[b]).sum();
                    (own + ascii[l], l)
                })
                .collect();
            by_lang.sort_by(|a, b| b.0.total_cmp(&a.0));
            by_lang.truncate(LANGUAGES_EACH);
            (
                by_lang[0].0 + prior(e),
                e,
                by_lang.iter().map(|x| x.1).collect(),
            )
        })
        .collect();
    shortlist.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    shortlist.truncate(FINALISTS);
    // Step 2: bigram scores of the finalists, over the pairs that hold a
    // non-ASCII byte, plus the language's evidence from the ASCII text.
    // Pairs of two ASCII bytes read alike in every page; the ASCII text
    // speaks for a language only through [`ascii_evidence`], which bounds
    // how much markup or a foreign quotation can weigh. An ASCII character
    // before a non-ASCII one is charged its own probability in the
    // language too (a run of pairs starts with one character's), or a
    // language that never writes it would go free.
    pairs.retain(|p| p.0 >= 0x80 || p.1 >= 0x80);
    let mut scored: Vec<(f32, usize, usize)> = Vec::new();
    for (_, e, langs) in &shortlist {
        let chars = chars_of(*e);
        for &l in langs {
            let m = &languages[l];
            let score: f32 = pairs
                .iter()
                .map(|&(a, b, n)| {
                    let (ca, cb) = (chars[usize::from(a)], chars[usize::from(b)]);
                    let start = if a < 0x80 { m.char_logp(ca) } else { 0.0 };
                    n * (start + m.pair_logp(ca, cb))
                })
                .sum();
            scored.push((score + ascii[l] + prior(*e), *e, l));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let (best, e, l) = scored[0];
    let runner = scored.iter().find(|s| s.1 != e);
    Verdict {
        encoding: CANDIDATES[e],
        language: languages[l].code,
        runner_up: runner.map(|r| (CANDIDATES[r.1], languages[r.2].code)),
        margin: runner.map_or(f32::INFINITY, |r| best - r.0),
    }
}

/// The score of `text` under `model`, for tests and tools: what [`choose`]
/// adds up for a reading.
pub fn text_score(model: &Model, text: &str) -> f32 {
    let chars: Vec<char> = std::iter::once(' ')
        .chain(text.chars().map(normalize))
        .collect();
    chars.windows(2).map(|w| model.pair_logp(w[0], w[1])).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(text: &str, encoding: &'static Encoding) -> Verdict {
        let (bytes, _, errors) = encoding.encode(text);
        assert!(!errors, "{text} in {}", encoding.name());
        choose(&super::super::detect::non_ascii_words(&bytes), &bytes)
    }

    /// The verdict reads `text` encoded in `encoding` back as `text`.
    fn reads_back(text: &str, encoding: &'static Encoding) -> Verdict {
        let v = verdict(text, encoding);
        let bytes = encoding.encode(text).0;
        assert_eq!(
            v.encoding.decode_without_bom_handling(&bytes).0,
            text,
            "{} taken for {}",
            encoding.name(),
            v.encoding.name()
        );
        v
    }

    #[test]
    fn lookalike_pages_told_apart_by_letters() {
        // Romanian with comma-below letters in ISO-8859-16 is the same bytes
        // as Romanian with cedilla letters in windows-1250: the models read
        // the two alike, and the more common page names them.
        let ro_comma = "Școala și țara: învățământul românesc după reformă, în județele țării.";
        let ro_cedilla = "Şcoala şi ţara: învăţământul românesc după reformă, în judeţele ţării.";
        assert_eq!(
            ISO_8859_16.encode(ro_comma).0,
            WINDOWS_1250.encode(ro_cedilla).0
        );
        let v = reads_back(ro_cedilla, WINDOWS_1250);
        assert_eq!((v.encoding, v.language), (WINDOWS_1250, "ro"));
        let hu = "Árvíztűrő tükörfúrógép: a magyar nyelv ő és ű betűi sokszor előfordulnak.";
        assert_eq!(reads_back(hu, ISO_8859_2).language, "hu");
        let mt = "Il-ħaġa l-oħra hi li l-Gvern ħabbar miżuri ġodda għall-ħaddiema.";
        reads_back(mt, ISO_8859_3);
        let lt = "Lietuvos Respublikos Seimas priėmė įstatymą dėl švietimo ūkio.";
        reads_back(lt, WINDOWS_1257);
        let cy = "Mae'r ŵyl yn dechrau ddydd Sadwrn ac mae croeso i bawb ymuno â ni yno.";
        reads_back(cy, ISO_8859_14);
    }

    /// A few accented letters among many ASCII words: the ASCII words say
    /// which language it is, so a standalone `è` is Italian, not the
    /// Russian word `и` it reads as in windows-1251.
    #[test]
    fn ascii_words_name_the_language() {
        let it = "La casa di campagna è grande e il giardino è pieno di fiori. \
                  Ogni mattina il nonno prende il caffè sulla terrazza e legge il giornale; \
                  la sera si cena tutti insieme intorno al tavolo della cucina.";
        let bytes = WINDOWS_1252.encode(it).0;
        let v = choose(&super::super::detect::non_ascii_words(&bytes), &bytes);
        assert_eq!((v.encoding, v.language), (WINDOWS_1252, "it"));
    }

    #[test]
    fn cyrillic_pages() {
        let ru = "Вчера вечером мы долго гуляли по набережной и разговаривали о книгах.";
        for e in [WINDOWS_1251, KOI8_R, IBM866, ISO_8859_5, X_MAC_CYRILLIC] {
            let v = verdict(ru, e);
            assert_eq!(
                e.decode_without_bom_handling(&e.encode(ru).0).0,
                v.encoding.decode_without_bom_handling(&e.encode(ru).0).0,
                "{} taken for {}",
                e.name(),
                v.encoding.name()
            );
            assert_eq!(v.language, "ru");
        }
    }
}
