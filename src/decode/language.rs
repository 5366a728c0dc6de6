//! Character models of 55 languages: what decides among the readings of a
//! legacy file.
//!
//! Each language has counts of characters and of adjacent character pairs,
//! taken from running text (Universal Dependencies sentences; see
//! `models/lang/README.md` for sources, licences and how the tables are
//! made by `examples/train_lang.rs`). A text is scored under a language as
//! the log-probability of its characters, each given the one before
//! (a bigram model, smoothed towards the language's character frequencies
//! and those towards all languages pooled). Case is kept, white space is
//! one word boundary and digits are one digit, as [`normalize`] says.
//!
//! The tables ship inside the binary (`include_bytes!`): a fresh clone needs
//! nothing else.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// The committed tables (format in [`Models::parse`]).
pub const TABLES: &[u8] = include_bytes!("../../models/lang/ngrams.bin");

/// Every `HELD_OUT`-th paragraph of a language's text (counted from 0, the
/// paragraph `HELD_OUT - 1`, `2 * HELD_OUT - 1`, …) is kept out of training,
/// for evaluation: a fifth of each language.
pub const HELD_OUT: usize = 5;

/// Whether paragraph `index` of a language's text is held out of training.
pub fn is_held_out(index: usize) -> bool {
    index % HELD_OUT == HELD_OUT - 1
}

/// The character a model sees for `c`: every space (ASCII white space,
/// no-break and typographic spaces) is the word boundary `' '`, every
/// decimal digit is `'0'`, typographic apostrophes and quotes are the ASCII
/// `'` and `"` (whether a text writes `’` or `'` is a habit of its typist,
/// not of its language: the treebanks mostly write ASCII), the comma-below letters `ș ț` are the cedilla letters `ş ţ`
/// (Unicode told them apart only from version 3.0; the Romanian treebank
/// writes the comma forms, while legacy Romanian files, in pages that lack
/// them, write the cedilla: the same bytes as ISO-8859-16's comma forms, so
/// the two readings are one candidate and the more common page names it),
/// the rest is itself. The C1 control NEL (U+0085),
/// which Unicode counts as white space, stays itself: in text it is a byte
/// read with the wrong code page.
pub fn normalize(c: char) -> char {
    match c {
        ' '
        | '\t'
        | '\n'
        | '\r'
        | '\x0b'
        | '\x0c'
        | '\u{a0}'
        | '\u{2000}'..='\u{200a}'
        | '\u{202f}'
        | '\u{3000}' => ' ',
        '0'..='9' => '0',
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' => '"',
        '\u{0218}' => '\u{015e}',
        '\u{0219}' => '\u{015f}',
        '\u{021a}' => '\u{0162}',
        '\u{021b}' => '\u{0163}',
        c => c,
    }
}

/// Weight of the language's character frequencies against a pair count
/// (additive smoothing of `P(b | a)` towards `P(b)`): pairs seen fewer times
/// than this lean on the frequencies.
const PAIR_SMOOTHING: f32 = 10.0;
/// Weight of the pooled frequencies of all languages against a language's
/// own, in characters.
const CHAR_SMOOTHING: f32 = 200.0;
/// Pseudo-count of characters no language has: how much probability the
/// pooled model keeps back for them.
const UNSEEN_CHARS: f32 = 50_000.0;
/// Extra ln-odds against a control character or U+FFFD that no language
/// has: running text holds none, while a wrong code page makes them of
/// bytes it leaves unmapped or maps to C1 controls.
const CONTROL_PENALTY: f32 = 10.0;

/// One language's model, ready to score.
pub struct Model {
    /// ISO 639-1 code (`zh-Hans`, `zh-Hant` for Chinese).
    pub code: &'static str,
    /// ln P(c) and the count of `c`.
    chars: FxHashMap<char, (f32, u32)>,
    /// ln P(c) of a character the language has not seen.
    unseen: f32,
    /// ln P(b | a) of the pairs counted.
    pairs: FxHashMap<u64, f32>,
}

fn pair_key(a: char, b: char) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

impl Model {
    /// ln P(c).
    #[inline]
    pub fn char_logp(&self, c: char) -> f32 {
        match self.chars.get(&c) {
            Some(&(lp, _)) => lp,
            None if c.is_control() || c == '\u{fffd}' => self.unseen - CONTROL_PENALTY,
            None => self.unseen,
        }
    }

    /// ln P(b | a).
    #[inline]
    pub fn pair_logp(&self, a: char, b: char) -> f32 {
        if let Some(&lp) = self.pairs.get(&pair_key(a, b)) {
            return lp;
        }
        let count_a = self.chars.get(&a).map_or(0, |&(_, n)| n) as f32;
        PAIR_SMOOTHING.ln() + self.char_logp(b) - (count_a + PAIR_SMOOTHING).ln()
    }
}

/// All the models, parsed once.
pub struct Models {
    pub languages: Vec<Model>,
}

/// The models of the committed tables.
pub fn models() -> &'static Models {
    static MODELS: OnceLock<Models> = OnceLock::new();
    MODELS.get_or_init(|| Models::parse(TABLES).expect("the committed language tables parse"))
}

/// Raw counts of one language, as the tables store them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub code: String,
    /// Characters with their counts, most frequent first.
    pub chars: Vec<(char, u32)>,
    /// Pairs as indices into `chars`, with their counts.
    pub pairs: Vec<(u32, u32, u32)>,
}

const MAGIC: &[u8; 6] = b"FTLM1\n";

/// Write the tables: `FTLM1\n`, the number of languages (varint), then per
/// language its code (length-prefixed), its characters (count; then code
/// point and count each) and its pairs (count; then two character indices
/// and a count each), every number a LEB128 varint.
pub fn write_tables(languages: &[Counts]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    put(&mut out, languages.len() as u32);
    for l in languages {
        put(&mut out, l.code.len() as u32);
        out.extend_from_slice(l.code.as_bytes());
        put(&mut out, l.chars.len() as u32);
        for &(c, n) in &l.chars {
            put(&mut out, c as u32);
            put(&mut out, n);
        }
        put(&mut out, l.pairs.len() as u32);
        for &(a, b, n) in &l.pairs {
            put(&mut out, a);
            put(&mut out, b);
            put(&mut out, n);
        }
    }
    out
}

fn put(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Read the tables [`write_tables`] writes.
pub fn read_tables(bytes: &[u8]) -> Option<Vec<Counts>> {
    let mut r = Reader {
        bytes: bytes.strip_prefix(MAGIC.as_slice())?,
    };
    let n = r.get()?;
    let mut out = Vec::new();
    for _ in 0..n {
        let len = r.get()? as usize;
        let code = std::str::from_utf8(r.take(len)?).ok()?.to_string();
        let n_chars = r.get()?;
        let mut chars = Vec::new();
        for _ in 0..n_chars {
            chars.push((char::from_u32(r.get()?)?, r.get()?));
        }
        let n_pairs = r.get()?;
        let mut pairs = Vec::new();
        for _ in 0..n_pairs {
            pairs.push((r.get()?, r.get()?, r.get()?));
        }
        out.push(Counts { code, chars, pairs });
    }
    r.bytes.is_empty().then_some(out)
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn get(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for shift in (0..35).step_by(7) {
            let (&b, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            v |= u32::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.bytes.get(..n)?, &self.bytes[n..]);
        self.bytes = rest;
        Some(head)
    }
}

impl Models {
    /// The models of the tables in `bytes`, with their probabilities worked
    /// out.
    pub fn parse(bytes: &[u8]) -> Option<Models> {
        let counts = read_tables(bytes)?;
        let mut pooled: FxHashMap<char, f64> = FxHashMap::default();
        for l in &counts {
            for &(c, n) in &l.chars {
                *pooled.entry(c).or_default() += f64::from(n);
            }
        }
        let pooled_total: f64 = pooled.values().sum::<f64>() + f64::from(UNSEEN_CHARS);
        let pooled_p = |c: char| pooled.get(&c).map_or(1.0, |&n| n + 1.0) / pooled_total;
        let languages = counts
            .into_iter()
            .map(|l| {
                let total: f64 = l.chars.iter().map(|&(_, n)| f64::from(n)).sum();
                let smooth = f64::from(CHAR_SMOOTHING);
                let p = |n: f64, c: char| (n + smooth * pooled_p(c)) / (total + smooth);
                let chars: FxHashMap<char, (f32, u32)> = l
                    .chars
                    .iter()
                    .map(|&(c, n)| (c, (p(f64::from(n), c).ln() as f32, n)))
                    .collect();
                let unseen = (smooth / pooled_total / (total + smooth)).ln() as f32;
                let pairs = l
                    .pairs
                    .iter()
                    .map(|&(a, b, n)| {
                        let (ca, na) = l.chars[a as usize];
                        let cb = l.chars[b as usize].0;
                        let pb = f64::from(chars[&cb].0).exp();
                        let lp = ((f64::from(n) + f64::from(PAIR_SMOOTHING) * pb)
                            / (f64::from(na) + f64::from(PAIR_SMOOTHING)))
                        .ln();
                        (pair_key(ca, cb), lp as f32)
                    })
                    .collect();
                Model {
                    code: Box::leak(l.code.into_boxed_str()),
                    chars,
                    unseen,
                    pairs,
                }
            })
            .collect();
        Some(Models { languages })
    }

    /// The model of language `code`.
    pub fn get(&self, code: &str) -> Option<&Model> {
        self.languages.iter().find(|m| m.code == code)
    }

    /// The best language for `text` and its score (sum of ln P over the
    /// normalised characters, the first given a word boundary).
    pub fn best_language(&self, text: &str) -> Option<(&'static str, f32)> {
        let chars: Vec<char> = std::iter::once(' ')
            .chain(text.chars().map(normalize))
            .collect();
        self.languages
            .iter()
            .map(|m| {
                let s: f32 = chars.windows(2).map(|w| m.pair_logp(w[0], w[1])).sum();
                (m.code, s)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip() {
        let counts = vec![Counts {
            code: "xx".into(),
            chars: vec![(' ', 300), ('a', 200), ('ő', 1)],
            pairs: vec![(0, 1, 150), (1, 2, 1)],
        }];
        let bytes = write_tables(&counts);
        assert_eq!(read_tables(&bytes), Some(counts));
    }

    #[test]
    fn committed_tables_parse() {
        let m = models();
        assert!(m.languages.len() >= 50);
        let (lang, _) = m
            .best_language("Съешь же ещё этих мягких французских булок, да выпей чаю.")
            .unwrap();
        assert_eq!(lang, "ru");
        let (lang, _) = m
            .best_language("Árvíztűrő tükörfúrógép, és még egy magyar mondat.")
            .unwrap();
        assert_eq!(lang, "hu");
    }
}
