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
//! shingle is hashed once (xxh3-64 of its words, combined), the hash's top 6
//! bits choose one of 64 buckets and each bucket keeps its smallest value, a
//! 256-byte signature per file (see [`signature`] for short texts). The
//! fraction of equal buckets estimates the Jaccard index (standard error
//! about 0.05 at 0.8). Candidate pairs come from
//! locality-sensitive hashing: 16 bands of 4 minima, two files are compared
//! when any band is equal (a pair at similarity 0.8 is found with probability
//! 1 − (1 − 0.8⁴)¹⁶ > 99.9%, at 0.5 about 64%). A pair is reported when its
//! estimate reaches `[near-duplicates] threshold` (default 0.8).
//!
//! Cost: one hash of each word and a few operations per shingle to build a
//! signature, linear in the corpus (about 20 ms of CPU per 6.5 MB of prose);
//! 256 bytes kept per file; the band buckets hold 16 entries per
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
use std::collections::{BTreeSet, HashMap, HashSet};

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

/// The MinHash signature of a text's word shingles, or `None` when it has
/// no words. One-permutation hashing: each shingle is hashed once, the top
/// bits of the hash choose one of [`HASHES`] buckets and the bucket keeps the
/// smallest of the low 32 bits; empty buckets (texts of fewer than about 64
/// shingles) take the value of the next non-empty bucket, mixed with the
/// distance (rotation densification), so that two signatures still compare
/// bucket by bucket.
pub fn signature(text: &str, shingle: usize) -> Option<Box<[u32]>> {
    let mut words: Vec<u64> = Vec::new();
    for_each_word(text, |w| {
        words.push(xxhash_rust::xxh3::xxh3_64(w.as_bytes()))
    });
    if words.is_empty() {
        return None;
    }
    let k = shingle.min(words.len());
    let mut mins = [u32::MAX; HASHES];
    let mut filled = [false; HASHES];
    for window in words.windows(k) {
        // Order-sensitive combination of the word hashes.
        let h = window
            .iter()
            .fold(0u64, |acc, &w| splitmix(acc.rotate_left(17) ^ w));
        let bucket = (h >> (64 - HASHES.trailing_zeros())) as usize;
        mins[bucket] = mins[bucket].min(h as u32);
        filled[bucket] = true;
    }
    let dense: Vec<u32> = (0..HASHES)
        .map(|i| {
            let (distance, j) = (0..HASHES)
                .map(|d| (d, (i + d) % HASHES))
                .find(|&(_, j)| filled[j])
                .expect("at least one shingle");
            if distance == 0 {
                mins[j]
            } else {
                splitmix(u64::from(mins[j]) ^ (distance as u64) << 32) as u32
            }
        })
        .collect();
    Some(dense.into_boxed_slice())
}

/// Call `f` with every word of `text` in lowercase; a word is a run of
/// letters and digits. ASCII, the bulk of most corpora, takes a byte path.
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut word = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_alphanumeric() {
                word.push(b.to_ascii_lowercase() as char);
            } else if !word.is_empty() {
                f(&word);
                word.clear();
            }
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("char boundary");
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            f(&word);
            word.clear();
        }
        i += c.len_utf8();
    }
    if !word.is_empty() {
        f(&word);
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
        let mut buckets: HashMap<(usize, u64), Vec<usize>> = HashMap::new();
        // Only the first file of a group of exact duplicates takes part: a
        // near-copy of `a` is not reported again against `a`'s copies.
        let mut seen: HashSet<(u128, usize)> = HashSet::new();
        for (i, f) in files.iter().enumerate() {
            let Some(t) = &f.text else { continue };
            if !seen.insert((t.hash, t.len)) {
                continue;
            }
            let Some(sig) = t.minhash.as_ref() else {
                continue;
            };
            for (band, rows) in sig.chunks(ROWS).enumerate() {
                let bytes: Vec<u8> = rows.iter().flat_map(|r| r.to_le_bytes()).collect();
                buckets
                    .entry((band, xxhash_rust::xxh3::xxh3_64(&bytes)))
                    .or_default()
                    .push(i);
            }
        }
        let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
        for members in buckets.values() {
            for (x, &i) in members.iter().enumerate() {
                for &j in &members[x + 1..] {
                    pairs.insert((i.min(j), i.max(j)));
                }
            }
        }
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
}
