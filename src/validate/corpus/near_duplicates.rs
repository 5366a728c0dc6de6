//! ## What it does
//! Reports pairs of files whose texts are nearly the same: the same story with
//! a different header, a fixed typo, another chapter break, another quote
//! style. Exact duplicates are left to `duplicate-files`, and only the first
//! file of a group of exact duplicates is compared.
//!
//! ## Why
//! Near-copies (re-posts, revised uploads, mirrors with a banner) skew a
//! corpus as much as exact copies and are much harder to see.
//!
//! ## Example
//! `b.txt` = `a.txt` with one paragraph added → `b.txt: near-duplicates:
//! about 91% similar to a.txt (word 5-grams)`.
//!
//! ## How similarity is computed, and its cost
//! Each cleaned text becomes lowercase words (runs of letters and digits, so
//! punctuation, quote style and white space do not count) and the set of
//! its word shingles (`[near-duplicates] shingle` consecutive words, default
//! 5). The similarity of two files is the Jaccard index of their shingle sets
//! (shared / all), estimated by MinHash with one-permutation hashing: each
//! shingle is hashed once (a rolling polynomial of its word hashes, updated
//! in O(1) per word), the hash's top 6
//! bits choose one of 64 buckets and each bucket keeps its smallest value, a
//! 256-byte signature per file (see [`signature`] for short texts). The
//! fraction of equal buckets estimates the Jaccard index (standard error
//! about 0.05 at 0.8). Candidate pairs come from
//! locality-sensitive hashing: 16 bands of 4 minima, two files are compared
//! when any band is equal (a pair at similarity 0.8 is found with probability
//! 1 − (1 − 0.8⁴)¹⁶ > 99.9%, at 0.5 about 64%). A pair is reported when its
//! estimate reaches `[near-duplicates] threshold` (default 0.8).
//!
//! Cost: one pass over the cleaned text, words hashed in place (eight ASCII
//! bytes at a time) and a few multiplies per shingle, no allocation besides
//! the signature: about 3 ns per byte of prose (roughly 20 ms of CPU per
//! 6.5 MB);
//! 256 bytes kept per file; the band buckets, built one band at a time, 16
//! bytes per
//! file; comparing costs 64 compares per candidate pair, and only pairs that
//! share a band are compared (no all-pairs scan unless the corpus really is
//! one big near-duplicate cluster).
//!
//! ## Fix safety
//! Reports only.

use super::{CorpusFinding, CorpusRule, FileSummary};
use crate::config::Config;
use crate::finding::Severity;
use crate::rule::{RuleInfo, Stage};
use std::collections::{BTreeSet, HashSet};

pub struct NearDuplicates;

static INFO: RuleInfo = RuleInfo {
    id: "near-duplicates",
    stage: Stage::Corpus,
    summary: "pairs of files whose texts are nearly the same (MinHash of word shingles)",
    default_enabled: true,
};

/// Minima per signature.
pub const HASHES: usize = 64;
/// LSH bands × rows = HASHES.
const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;

/// splitmix64: a cheap, well-mixing 64-bit permutation.
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Multiplier of the polynomial rolling hash over a shingle's word hashes
/// (odd, so multiplying by it is a permutation of `u64`).
const ROLL: u64 = 0x9E37_79B9_7F4A_7C15 | 1;

/// The MinHash signature of a text's word shingles, or `None` when it has
/// no words. One-permutation hashing: each shingle is hashed once, the top
/// bits of the hash choose one of [`HASHES`] buckets and the bucket keeps the
/// smallest of the low 32 bits; empty buckets (texts of fewer than about 64
/// shingles) take the value of the next non-empty bucket, mixed with the
/// distance (rotation densification), so that two signatures still compare
/// bucket by bucket.
///
/// One pass, no allocation: a shingle's hash is the polynomial
/// `w₁·Rᵏ⁻¹ + … + wₖ` of its word hashes (mod 2⁶⁴), updated in O(1) as the
/// window moves by one word (the last `shingle` word hashes are kept in a
/// ring), then mixed by splitmix. A text of fewer words than `shingle` is one
/// shingle of all its words.
pub fn signature(text: &str, shingle: usize) -> Option<Box<[u32]>> {
    let k = shingle.max(1);
    let mut ring = vec![0u64; k];
    // R^k: the weight of the word leaving the window after a multiply.
    let out_weight = (0..k).fold(1u64, |p, _| p.wrapping_mul(ROLL));
    let mut rolling = 0u64;
    let mut words = 0usize;
    // Bucket minima; u64::MAX marks an empty bucket.
    let mut mins = [u64::MAX; HASHES];
    let mut add = |h: u64| {
        // One multiply (Fibonacci hashing): the bucket is the top bits, the
        // value the 32 bits below them.
        let h = (h ^ h >> 31).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let bucket = (h >> (64 - HASHES.trailing_zeros())) as usize;
        let value = u64::from((h >> 26) as u32);
        // Mostly false once the buckets hold small values: a predictable
        // branch instead of a store per shingle.
        if value < mins[bucket] {
            mins[bucket] = value;
        }
    };
    let mut slot = 0;
    for_each_word(text, |w| {
        rolling = rolling
            .wrapping_mul(ROLL)
            .wrapping_add(w)
            .wrapping_sub(ring[slot].wrapping_mul(out_weight));
        ring[slot] = w;
        slot = if slot + 1 == k { 0 } else { slot + 1 };
        words += 1;
        if words >= k {
            add(rolling);
        }
    });
    if words == 0 {
        return None;
    }
    if words < k {
        add(rolling);
    }
    let dense: Vec<u32> = (0..HASHES)
        .map(|i| {
            let (distance, j) = (0..HASHES)
                .map(|d| (d, (i + d) % HASHES))
                .find(|&(_, j)| mins[j] != u64::MAX)
                .expect("at least one shingle");
            if distance == 0 {
                mins[j] as u32
            } else {
                splitmix(mins[j] ^ (distance as u64) << 32) as u32
            }
        })
        .collect();
    Some(dense.into_boxed_slice())
}

/// The running hash of one word. ASCII characters are packed eight to a
/// `u64` (first character in the top byte) and mixed in with one multiply
/// per eight; other characters are mixed in one by one. The result depends
/// only on the word's lowercase characters, whichever path they took.
#[derive(Default)]
struct WordHash {
    hash: u64,
    packed: u64,
    in_packed: u32,
    len: u64,
}

impl WordHash {
    #[inline]
    fn mix(h: u64, x: u64) -> u64 {
        (h.rotate_left(5) ^ x).wrapping_mul(0x517C_C1B7_2722_0A95)
    }

    /// Append `n` (1..=8) ASCII characters, given as the low `n` bytes of
    /// `run`, first character most significant.
    #[inline]
    fn push_ascii_run(&mut self, run: u64, n: u32) {
        let free = 8 - self.in_packed;
        self.len += u64::from(n);
        if n < free {
            self.packed = self.packed << (8 * n) | run;
            self.in_packed += n;
            return;
        }
        let rest = n - free;
        let head = run >> (8 * rest);
        self.packed = self.packed.checked_shl(8 * free).unwrap_or(0) | head;
        self.hash = Self::mix(self.hash, self.packed);
        self.packed = run & ((1u64 << (8 * rest)) - 1);
        self.in_packed = rest;
    }

    fn push_char(&mut self, c: char) {
        if c.is_ascii() {
            return self.push_ascii_run(u64::from(c as u8), 1);
        }
        if self.in_packed > 0 {
            self.hash = Self::mix(self.hash, self.packed);
            self.packed = 0;
            self.in_packed = 0;
        }
        self.hash = Self::mix(self.hash, u64::from(c) | 1 << 32);
        self.len += 1;
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The word's hash; starts the next word.
    fn finish(&mut self) -> u64 {
        let h = Self::mix(Self::mix(self.hash, self.packed), self.len);
        *self = WordHash::default();
        h
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Bit `j` set when byte `j` (little-endian) of `x`, eight ASCII bytes, is
/// a letter or a digit.
#[inline]
fn alnum_bits(x: u64) -> u32 {
    // High bit of each byte set when lo <= byte <= hi (bytes below 0x80, so
    // no lane carries into the next).
    let in_range = |v: u64, lo: u8, hi: u8| {
        v.wrapping_add(u64::from(0x80 - lo) * LO) & !v.wrapping_add(u64::from(0x7f - hi) * LO) & HI
    };
    let hits = in_range(x, b'0', b'9') | in_range(x | (0x20 * LO), b'a', b'z');
    // Gather the eight high bits into the top byte.
    ((hits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

/// Call `f` with the hash of every word of `text`, lowercased; a word is a
/// run of letters and digits. No word is copied ([`WordHash`]). ASCII, the
/// bulk of most corpora, goes eight bytes at a time: a mask of the letters
/// and digits, then one step per run of them, not per byte.
fn for_each_word(text: &str, mut f: impl FnMut(u64)) {
    let bytes = text.as_bytes();
    let mut word = WordHash::default();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            if x & HI == 0 {
                let mask = alnum_bits(x);
                // Letters and digits are lowercase with bit 5 set.
                let lower = x | (0x20 * LO);
                let mut pos = 0;
                while pos < 8 {
                    let rest = mask >> pos;
                    if rest & 1 == 1 {
                        let n = (!rest).trailing_zeros();
                        let run = (lower >> (8 * pos)).swap_bytes() >> (64 - 8 * n);
                        word.push_ascii_run(run, n);
                        pos += n;
                    } else {
                        if !word.is_empty() {
                            f(word.finish());
                        }
                        pos += if rest == 0 { 8 } else { rest.trailing_zeros() };
                    }
                }
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_alphanumeric() {
                word.push_ascii_run(u64::from(b.to_ascii_lowercase()), 1);
            } else if !word.is_empty() {
                f(word.finish());
            }
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("char boundary");
        if c.is_alphanumeric() {
            c.to_lowercase().for_each(|l| word.push_char(l));
        } else if !word.is_empty() {
            f(word.finish());
        }
        i += c.len_utf8();
    }
    if !word.is_empty() {
        f(word.finish());
    }
}

/// Estimated Jaccard similarity of two signatures.
pub fn similarity(a: &[u32], b: &[u32]) -> f64 {
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len().max(1) as f64
}

impl CorpusRule for NearDuplicates {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn run(&self, files: &[FileSummary], config: &Config, out: &mut Vec<CorpusFinding>) {
        // Only the first file of a group of exact duplicates takes part: a
        // near-copy of `a` is not reported again against `a`'s copies.
        let mut seen: HashSet<(u128, usize)> = HashSet::new();
        let signed: Vec<(u32, &[u32])> = files
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let t = f.text.as_ref()?;
                seen.insert((t.hash, t.len)).then_some(())?;
                let sig = t.minhash.as_deref()?;
                Some((u32::try_from(i).expect("fewer than 2^32 files"), sig))
            })
            .collect();
        drop(seen);
        // One band at a time: (hash of the band's minima, file), sorted, so
        // that the files of one LSH bucket are a run of equal hashes. 16
        // bytes per file, no allocation per bucket.
        let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
        let mut keys: Vec<(u64, u32)> = Vec::with_capacity(signed.len());
        for band in 0..BANDS {
            keys.clear();
            for &(file, sig) in &signed {
                let mut bytes = [0u8; ROWS * 4];
                for (chunk, r) in bytes.chunks_mut(4).zip(&sig[band * ROWS..][..ROWS]) {
                    chunk.copy_from_slice(&r.to_le_bytes());
                }
                keys.push((xxhash_rust::xxh3::xxh3_64(&bytes), file));
            }
            keys.sort_unstable();
            for members in keys.chunk_by(|a, b| a.0 == b.0) {
                for (x, &(_, i)) in members.iter().enumerate() {
                    for &(_, j) in &members[x + 1..] {
                        pairs.insert((i.min(j) as usize, i.max(j) as usize));
                    }
                }
            }
        }
        drop(keys);
        for (i, j) in pairs {
            let (a, b) = (files[i].text.as_ref(), files[j].text.as_ref());
            let (Some(a), Some(b)) = (a, b) else { continue };
            if a.hash == b.hash && a.len == b.len {
                continue; // exact duplicates: duplicate-files
            }
            let (Some(sa), Some(sb)) = (&a.minhash, &b.minhash) else {
                continue;
            };
            let s = similarity(sa, sb);
            if s >= config.near_duplicates.threshold {
                out.push(CorpusFinding {
                    path: files[j].path.clone(),
                    rule: INFO.id,
                    severity: Severity::Warning,
                    message: format!(
                        "about {:.0}% similar to {} (MinHash estimate of shared word {}-grams)",
                        s * 100.0,
                        files[i].path,
                        config.near_duplicates.shingle
                    ),
                    related: vec![files[i].path.clone()],
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_texts_have_similar_signatures() {
        let base: String = (0..400).map(|i| format!("word{} ", i % 97 * i)).collect();
        let edited = base.replacen("word0", "changed", 1) + "an appended tail of words";
        let other: String = (0..400).map(|i| format!("other{i} ")).collect();
        let a = signature(&base, 5).unwrap();
        let b = signature(&edited, 5).unwrap();
        let c = signature(&other, 5).unwrap();
        assert!(similarity(&a, &b) > 0.8, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) < 0.1, "{}", similarity(&a, &c));
        assert_eq!(
            signature("Hello, World!", 5),
            signature("hello world", 5),
            "punctuation and case do not count"
        );
        assert_eq!(signature(" ,. ", 5), None);
    }

    /// Word hashes, one character at a time: the definition the fast
    /// splitter must agree with.
    fn words_slow(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        let mut word = WordHash::default();
        for c in text.chars() {
            if c.is_alphanumeric() {
                c.to_lowercase().for_each(|l| word.push_char(l));
            } else if !word.is_empty() {
                out.push(word.finish());
            }
        }
        if !word.is_empty() {
            out.push(word.finish());
        }
        out
    }

    fn words_fast(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        for_each_word(text, |h| out.push(h));
        out
    }

    #[test]
    fn word_hashes_examples() {
        let text = "The QUICK brown-fox, naïve Ærøskøbing 12345678901 abcdefghijklmnopqrstuvwxyz!";
        assert_eq!(words_fast(text), words_slow(text));
        assert_eq!(words_fast(text).len(), 8);
        assert_eq!(words_fast("Hello"), words_fast("hELLO"));
        assert_ne!(words_fast("abcdefgh"), words_fast("abcdefg"));
    }

    proptest::proptest! {
        #[test]
        fn fast_word_split_agrees(chars in proptest::collection::vec(proptest::prop_oneof![
            6 => proptest::char::range('a', 'z'),
            2 => proptest::char::range('A', 'Z'),
            2 => proptest::sample::select(vec![' ', ',', '.', '\n', '-', '0', '9', '_', '@', '[', '`', '{', '/', ':']),
            1 => proptest::sample::select(vec!['é', 'Æ', 'ß', 'İ', '’', '—', '\u{a0}', '中', '٣']),
            1 => proptest::prelude::any::<char>(),
        ], 0..80)) {
            let text: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(words_fast(&text), words_slow(&text));
        }
    }
}
