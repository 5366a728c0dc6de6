use super::spool::Signature;
use super::{CorpusFinding, CorpusRule, Files, FindingCollector};
use crate::config::Config;
use std::collections::VecDeque;
use std::io;

crate::declare_rule! {
    /// ## What it does
    /// Reports files whose texts are nearly the same as an earlier file's: the
    /// same story with a different header, a fixed typo, another chapter break,
    /// another quote style. Each file is reported at most once, against the most
    /// similar earlier file found. Exact duplicates are left to
    /// `duplicate-files`, and only the first file of a group of exact duplicates
    /// is compared.
    ///
    /// ## Why
    /// Near-copies (re-posts, revised uploads, mirrors with a banner) skew a
    /// corpus as much as exact copies and are much harder to see.
    ///
    /// ## Example
    /// `b.txt` = `a.txt` with one paragraph added → `b.txt: near-duplicates:
    /// about 91% similar to a.txt (word 5-grams)`.
    ///
    /// ## How similarity is computed, and its cost
    /// Each cleaned text becomes lowercase words and the set of its word
    /// shingles (`[near-duplicates] shingle` consecutive words, default 5). A
    /// word is a maximal run of letters and digits of any script
    /// (`char::is_alphanumeric`), so punctuation, quote style and white space do
    /// not count, and case does not either (words are compared lowercased, a
    /// final sigma as σ); any other character ends a word, an apostrophe too
    /// (`Don't` and `don’t` are both the words `don` `t`). The similarity of two files is the Jaccard
    /// index of their shingle sets (shared / all), estimated by MinHash with
    /// one-permutation hashing: each word is hashed once (its lowercase UTF-8
    /// bytes, 16 at a time, each piece by one 64 × 64 → 128-bit multiply), each
    /// shingle once from its word hashes (a cyclic polynomial: a rotate and two
    /// xors per word as the window moves; shingles of more than 64 words take a
    /// polynomial mod 2⁶⁴ instead), mixed by one multiply; the hash's top 6
    /// bits choose one of 64 buckets and each bucket keeps its smallest value, a
    /// 256-byte signature per file (see [`signature`] for short texts). The
    /// fraction of equal buckets estimates the Jaccard index (standard error
    /// about 0.05 at 0.8). Candidate pairs come from
    /// locality-sensitive hashing: 16 bands of 4 minima, two files are compared
    /// when any band is equal (a pair at similarity 0.8 is found with probability
    /// 1 − (1 − 0.8⁴)¹⁶ > 99.9%, at 0.5 about 64%). Within a band's bucket a
    /// file is compared with the bucket's first file and the four before it, so
    /// a corpus of many drafts of one story costs at most 80 comparisons per
    /// file instead of a comparison per pair. A file is reported when its best
    /// estimate reaches `[near-duplicates] threshold` (default 0.8).
    ///
    /// Cost: one pass over the cleaned text, no allocation besides the
    /// signature and a ring of the last `shingle` word hashes. The text goes 64
    /// bytes at a time: a bitmask of its word bytes (a few vector operations for
    /// ASCII, a few steps per non-ASCII character) gives the first and last
    /// byte of each word without a branch per byte; a word of up to 16 ASCII
    /// bytes is hashed from two loads and one multiply, longer or non-ASCII
    /// words a character at a time (the Unicode tables are searched once per
    /// distinct character, then remembered). Measured speeds are in
    /// `bench/RESULTS.md`;
    /// then, at the end, three external sorts in bounded memory (see
    /// `spool`): (hash, length, file) to keep the first of each group of exact
    /// duplicates; (band, band hash, file), 16 per file, whose runs of equal
    /// keys are the LSH buckets, read with the bucket's first file and the last
    /// four in memory (signatures read back by file number); (file, estimate,
    /// earlier file) for the best match of each file per bucket, reduced to one
    /// per file. Time grows linearly with the number of files, near-duplicate
    /// clusters included; memory does not grow with it.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct NearDuplicates {
        id: "near-duplicates",
        stage: Corpus,
        summary: "files whose texts are nearly the same as an earlier file's (MinHash of word shingles)",
        default_enabled: true,
        options: Options,
    }
}

/// `[near-duplicates]` in `fettle.toml`.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// Estimated Jaccard similarity of word shingles at or above which two
    /// files are reported (0 < threshold ≤ 1).
    pub threshold: f64,
    /// Words per shingle.
    pub shingle: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threshold: 0.8,
            shingle: 5,
        }
    }
}

impl crate::rule::RuleOptions for Options {
    fn check(&self) -> anyhow::Result<()> {
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            anyhow::bail!("[near-duplicates] threshold must be in (0, 1]");
        }
        if self.shingle == 0 {
            anyhow::bail!("[near-duplicates] shingle must be at least 1");
        }
        Ok(())
    }
}

/// Minima per signature.
pub const HASHES: usize = 64;
/// How many files just before it in an LSH bucket a file is compared with,
/// besides the bucket's first file.
const NEIGHBOURS: usize = 4;
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

/// Longest shingle hashed with the cyclic polynomial: a word hash rotated by
/// 64 is itself again, so two equal words 64 places apart would cancel.
const MAX_CYCLIC: usize = 64;

/// The MinHash signature of a text's word shingles, or `None` when it has
/// no words. One-permutation hashing: each shingle is hashed once, the top
/// bits of the hash choose one of [`HASHES`] buckets and the bucket keeps the
/// smallest of the 32 bits below them; empty buckets (texts of fewer than
/// about 64 shingles) take the value of the next non-empty bucket, mixed with
/// the distance (rotation densification), so that two signatures still
/// compare bucket by bucket.
///
/// One pass, no allocation but a ring of the last `shingle` word hashes
/// (`for_each_word` finds and hashes the words). A shingle's hash is
/// updated in O(1) as the window moves by one word, then mixed by one
/// multiply (`Shingles`). A text of fewer words than `shingle` is one
/// shingle of all its words.
pub fn signature(text: &str, shingle: usize) -> Option<Box<[u32]>> {
    let k = shingle.max(1);
    let mins = if k <= MAX_CYCLIC {
        minima::<true>(text, k)?
    } else {
        minima::<false>(text, k)?
    };
    Some(densify(&mins))
}

/// The signature of bucket minima (u64::MAX: an empty bucket, at least one
/// not): an empty bucket takes the value of the next non-empty one, mixed
/// with the distance (rotation densification).
fn densify(mins: &[u64; HASHES]) -> Box<[u32]> {
    (0..HASHES)
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
        .collect()
}

/// The bucket minima of the k-word shingles of `text` (u64::MAX: an empty
/// bucket), or `None` when it has no words.
fn minima<const CYCLIC: bool>(text: &str, k: usize) -> Option<[u64; HASHES]> {
    let mut shingles = Shingles::<CYCLIC>::new(k);
    for_each_word(text, &mut shingles);
    if shingles.words == 0 {
        return None;
    }
    if shingles.words < k {
        shingles.add(shingles.rolling);
    }
    // The values without their bucket's bits (see `Shingles::add`).
    Some(
        shingles
            .mins
            .map(|m| if m == u64::MAX { m } else { m & 0xFFFF_FFFF }),
    )
}

/// What [`for_each_word`] gives the word hashes to: a trait rather than a
/// closure, so that the shingle update is surely inlined into the loop of
/// words.
trait WordSink {
    fn word(&mut self, hash: u64);
}

impl<const CYCLIC: bool> WordSink for Shingles<CYCLIC> {
    #[inline(always)]
    fn word(&mut self, hash: u64) {
        self.push(hash);
    }
}

/// The shingles of a text, one word at a time. The hash of the k words
/// `w₁ … wₖ` (word hashes) is, for k up to [`MAX_CYCLIC`] (`CYCLIC`), the
/// cyclic polynomial `rotl(w₁, k−1) ⊕ … ⊕ rotl(wₖ₋₁, 1) ⊕ wₖ`: moving the
/// window one word is computed from the prefix hash `Pᵢ = rotl(Pᵢ₋₁, 1) ⊕
/// wᵢ` (all the words so far, P = 0 before the text) as `Pᵢ ⊕ rotl(Pᵢ₋ₖ,
/// k)`: the same value as `rotl(h, 1) ⊕ w_new ⊕ rotl(w_leaving, k)`, but
/// the only dependency from word to word is a rotate and one xor (two
/// cycles), not three operations (about 5% of the signature's time). Longer
/// shingles use the polynomial `w₁·Rᵏ⁻¹ + … + wₖ` (mod 2⁶⁴), moved with two
/// multiplies.
struct Shingles<const CYCLIC: bool> {
    k: usize,
    /// The last word hashes, word `i` at `i % ring.len()` (a power of two,
    /// at least k; 0 before the text), for shingles of more than 64 words.
    ring: Vec<u64>,
    /// For at most 64 words (`CYCLIC`), the last prefix hashes `Pᵢ` at
    /// `i % 64` (0 before the text): in the stack frame, so no pointer or
    /// length to keep.
    ring64: [u64; 64],
    /// `Pᵢ` of the last word (`CYCLIC`).
    prefix: u64,
    /// R^k: the weight of the word leaving the polynomial after a multiply.
    out_weight: u64,
    /// The hash of the last k words.
    rolling: u64,
    words: usize,
    /// Bucket minima; u64::MAX marks an empty bucket.
    mins: [u64; HASHES],
}

impl<const CYCLIC: bool> Shingles<CYCLIC> {
    fn new(k: usize) -> Self {
        assert!(!CYCLIC || k <= MAX_CYCLIC, "a cyclic shingle of {k} words");
        Shingles {
            k,
            ring: if CYCLIC {
                Vec::new()
            } else {
                vec![0; k.next_power_of_two()]
            },
            ring64: [0; 64],
            prefix: 0,
            out_weight: (0..k).fold(1u64, |p, _| p.wrapping_mul(ROLL)),
            rolling: 0,
            words: 0,
            mins: [u64::MAX; HASHES],
        }
    }

    /// Move the window to the word of hash `w`, and add the shingle ending
    /// there.
    #[inline(always)]
    fn push(&mut self, w: u64) {
        let k = self.k;
        let (ring, m) = if CYCLIC {
            (&mut self.ring64[..], 63)
        } else {
            let m = self.ring.len() - 1;
            (&mut self.ring[..], m)
        };
        let i = self.words;
        self.rolling = if CYCLIC {
            let prefix = self.prefix.rotate_left(1) ^ w;
            // Read before the write: for k = 64 they are the same slot.
            let leaving = ring[i.wrapping_sub(k) & m];
            ring[i & m] = prefix;
            self.prefix = prefix;
            // `k` is at most 64: rotate_left takes it modulo 64.
            prefix ^ leaving.rotate_left(k as u32)
        } else {
            let leaving = ring[i.wrapping_sub(k) & m];
            ring[i & m] = w;
            let delta = w.wrapping_sub(leaving.wrapping_mul(self.out_weight));
            self.rolling.wrapping_mul(ROLL).wrapping_add(delta)
        };
        self.words += 1;
        // The first k - 1 words of the text end no shingle.
        if self.words >= k {
            self.add(self.rolling);
        }
    }

    /// One multiply (Fibonacci hashing): the bucket is the top bits, the
    /// value the 32 bits below them (kept with the bucket's bits above).
    #[inline(always)]
    fn add(&mut self, h: u64) {
        let h = (h ^ h >> 31).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let bucket = (h >> (64 - HASHES.trailing_zeros())) as usize;
        // The 32 bits below the bucket's, with the bucket's bits above them:
        // the same in every value of a bucket, so the order is that of the
        // 32 bits, to which `minima` cuts the minima at the end (one
        // instruction less per word).
        let value = h >> 26;
        self.mins[bucket] = self.mins[bucket].min(value);
    }
}

/// A byte of a lowercase word as the word hash sees it: ASCII bytes with
/// bit 5 cleared (letters and digits stay distinct: `a`–`z` become
/// `A`–`Z`, `0`–`9` become 0x10–0x19), so that one `and` both masks a word
/// to its length and folds its case; other bytes unchanged.
#[inline]
fn fold(b: u8) -> u8 {
    if b < 0x80 {
        b & !0x20
    } else {
        b
    }
}

/// Seeds of the word hash (wyhash's constants).
const SEED_A: u64 = 0xA076_1D64_78BD_642F;
const SEED_B: u64 = 0xE703_7ED1_A0B4_28DB;

/// The 128-bit product of `a` and `b`, its halves xored.
#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ (p >> 64) as u64
}

/// One step of the word hash: 16 bytes of the word, as two little-endian
/// `u64` (zero past the end of the word), mixed into `h`.
#[inline]
fn word_step(h: u64, a: u64, b: u64) -> u64 {
    fold_mul(a ^ SEED_A ^ h, b ^ SEED_B)
}

/// The hash of one word from the UTF-8 bytes of its lowercase form, each
/// through [`fold`]: the bytes are taken 16 at a time (the last piece padded
/// with zero bytes, which no word contains, so the padding is unambiguous),
/// each piece mixed in by [`word_step`] starting from 0. A word of at most 16
/// bytes is one step; [`for_each_word`] computes that step from two loads
/// of the text and one `and` per load. Longer or non-ASCII words come here a
/// character at a time.
#[derive(Default)]
struct WordHasher {
    hash: u64,
    /// The bytes of the current piece, first in the low byte.
    buf: u128,
    used: u32,
    steps: u32,
}

impl WordHasher {
    /// Append the `len` (1–4) low bytes of `v` (first in the low byte),
    /// already folded.
    #[inline]
    fn push(&mut self, v: u32, len: u32) {
        self.buf |= u128::from(v) << (8 * self.used);
        self.used += len;
        if self.used >= 16 {
            self.hash = word_step(self.hash, self.buf as u64, (self.buf >> 64) as u64);
            self.steps += 1;
            self.used -= 16;
            // The bytes of `v` that did not fit.
            self.buf = u128::from(v) >> (8 * (len - self.used)) & !(u128::MAX << (8 * self.used));
        }
    }

    /// Append the characters of `text` that start in `*pos..end` (a word's
    /// bytes, `*pos` on a character boundary), lowercased; `*pos` moves past
    /// the last of them.
    fn push_text(&mut self, text: &str, pos: &mut usize, end: usize, cache: &mut CharCache) {
        let bytes = text.as_bytes();
        while *pos < end {
            let b = bytes[*pos];
            if b < 0x80 {
                self.push(u32::from(fold(b)), 1);
                *pos += 1;
            } else {
                let (cp, len) = decode(bytes, *pos);
                self.push_lower(cp, cache);
                *pos += len;
            }
        }
    }

    /// Append the lowercase form of the non-ASCII letter or digit `cp`.
    #[inline]
    fn push_lower(&mut self, cp: u32, cache: &mut CharCache) {
        if caseless_letter(cp) {
            let (v, len) = utf8(cp);
            return self.push(v, len);
        }
        let entry = cache.get(cp);
        if entry & CharCache::ONE_LOWER != 0 {
            let lower = (entry >> 32) as u32;
            let (v, len) = utf8(lower);
            // A lowercase ASCII letter (K for the Kelvin sign) is folded too.
            self.push(
                if len == 1 {
                    u32::from(fold(v as u8))
                } else {
                    v
                },
                len,
            );
        } else {
            let c = char::from_u32(cp).expect("a decoded character");
            for l in c.to_lowercase() {
                let (v, len) = utf8(u32::from(l));
                self.push(
                    if len == 1 {
                        u32::from(fold(v as u8))
                    } else {
                        v
                    },
                    len,
                );
            }
        }
    }

    fn finish(mut self) -> u64 {
        if self.used > 0 || self.steps == 0 {
            self.hash = word_step(self.hash, self.buf as u64, (self.buf >> 64) as u64);
        }
        self.hash
    }
}

/// The code point and length of the character starting at `bytes[i]`, a
/// lead byte of valid UTF-8 at least two bytes long.
#[inline]
fn decode(bytes: &[u8], i: usize) -> (u32, usize) {
    let lead = u32::from(bytes[i]);
    let cont = |d: usize| bytes.get(i + d).map_or(0, |&b| u32::from(b & 0x3F));
    if lead < 0xE0 {
        ((lead & 0x1F) << 6 | cont(1), 2)
    } else if lead < 0xF0 {
        ((lead & 0x0F) << 12 | cont(1) << 6 | cont(2), 3)
    } else {
        (
            (lead & 0x07) << 18 | cont(1) << 12 | cont(2) << 6 | cont(3),
            4,
        )
    }
}

/// The UTF-8 bytes of the code point `cp` (first in the low byte) and their
/// number.
#[inline]
fn utf8(cp: u32) -> (u32, u32) {
    let c = char::from_u32(cp).expect("a character");
    let mut b = [0u8; 4];
    let len = c.encode_utf8(&mut b).len();
    (u32::from_le_bytes(b), len as u32)
}

/// What the word splitter and the word hash need to know of non-ASCII
/// characters, from the Unicode tables of `char` (`is_alphanumeric`,
/// `to_lowercase`), remembered in 256 entries by code point: a text uses
/// few distinct characters, and the tables are searched once for each.
struct CharCache([u64; 256]);

impl CharCache {
    /// Entry layout: the code point (bits 0–20; 0 marks an empty entry,
    /// being ASCII), [`Self::WORD`], [`Self::ONE_LOWER`], the lowercase code
    /// point (bits 32–52).
    const WORD: u64 = 1 << 21;
    /// The lowercase form is one character.
    const ONE_LOWER: u64 = 1 << 22;

    fn new() -> Self {
        CharCache([0; 256])
    }

    /// The entry of the non-ASCII code point `cp`.
    #[inline]
    fn get(&mut self, cp: u32) -> u64 {
        let slot = &mut self.0[(cp ^ cp >> 8) as usize & 255];
        if *slot as u32 & 0x1F_FFFF == cp {
            return *slot;
        }
        *slot = Self::lookup(cp);
        *slot
    }

    #[cold]
    fn lookup(cp: u32) -> u64 {
        let c = char::from_u32(cp).expect("a decoded character");
        let mut lower = c.to_lowercase();
        let first = lower.next().expect("at least one character");
        let one = lower.next().is_none();
        // Final sigma is the sigma of uppercase text.
        let first = if first == 'ς' { 'σ' } else { first };
        u64::from(cp)
            | if c.is_alphanumeric() { Self::WORD } else { 0 }
            | if one { Self::ONE_LOWER } else { 0 }
            | u64::from(u32::from(first)) << 32
    }
}

/// Is the non-ASCII code point `cp` a word character: a letter or a digit
/// (`char::is_alphanumeric`)? U+0080–U+00FF (no-break space, £, é: a table)
/// and U+2000–U+203F (spaces, dashes, curly quotes: none), the non-ASCII
/// characters of most prose, and the CJK ideographs and Hangul syllables
/// (all letters) are answered without asking the cache.
#[inline]
fn word_char(cp: u32, cache: &mut CharCache) -> bool {
    let latin1 = cp < 0x100;
    // One branch for both, without telling them apart.
    if latin1 | (cp & !0x3F == 0x2000) {
        latin1 & (LATIN1_WORD >> (cp & 0x7F) & 1 == 1)
    } else if caseless_letter(cp) {
        true
    } else {
        cache.get(cp) & CharCache::WORD != 0
    }
}

/// CJK unified ideographs and Hangul syllables: letters without case, the
/// bulk of Chinese, Japanese and Korean text.
#[inline]
fn caseless_letter(cp: u32) -> bool {
    (0x4E00..=0x9FFF).contains(&cp) || (0xAC00..=0xD7A3).contains(&cp)
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Bit `j` set when byte `at + j` of `text` belongs to a word character
/// (bytes past the end of the text count as no word).
#[inline(always)]
fn block_mask(text: &str, at: usize, cache: &mut CharCache) -> u64 {
    match text.as_bytes().get(at..at + 80) {
        Some(b) => block_mask_of(text, at, b.try_into().expect("80 bytes"), cache),
        None => block_mask_padded(text, at, cache),
    }
}

#[cold]
#[inline(never)]
fn block_mask_padded(text: &str, at: usize, cache: &mut CharCache) -> u64 {
    let mut padded = [0u8; 80];
    let rest = &text.as_bytes()[at.min(text.len())..];
    padded[..rest.len()].copy_from_slice(rest);
    block_mask_of(text, at, &padded, cache)
}

/// [`block_mask`] of the 64 bytes from `at`, given with the 16 bytes after
/// them (zero past the end of the text).
#[inline(always)]
fn block_mask_of(text: &str, at: usize, block: &[u8; 80], cache: &mut CharCache) -> u64 {
    let block64 = block[..64].try_into().expect("64 bytes");
    let (mut mask, high) = ascii_masks(block64);
    if high != 0 {
        mask |= non_ascii_word_bytes(text, at, block, high, cache);
    }
    mask
}

/// The ASCII letters and digits of a 64-byte block, and its bytes that are
/// not ASCII (bit `j`: byte `j`): byte by byte into flags (1: a word byte),
/// which the compiler turns into a few vector operations, then gathered into
/// bits by 8×8 bit-matrix transposes.
#[inline]
fn ascii_masks(block: &[u8; 64]) -> (u64, u64) {
    let mut flags = [0u8; 64];
    let mut any = 0;
    for (f, &b) in flags.iter_mut().zip(block) {
        let word = (b | 0x20).wrapping_sub(b'a') < 26 || b.wrapping_sub(b'0') < 10;
        *f = u8::from(word);
        any |= b;
    }
    // Bit i of byte j of `t` is the flag of byte 8i + j: the transpose of
    // the mask as an 8×8 bit matrix.
    let mut t = 0u64;
    for (i, chunk) in flags.chunks_exact(8).enumerate() {
        t |= u64::from_le_bytes(chunk.try_into().expect("8 bytes")) << i;
    }
    let mut high = 0;
    if any & 0x80 != 0 {
        let mut t = 0;
        for (i, chunk) in block.chunks_exact(8).enumerate() {
            t |= (u64::from_le_bytes(chunk.try_into().expect("8 bytes")) & HI) >> (7 - i);
        }
        high = transpose8x8(t);
    }
    (transpose8x8(t), high)
}

/// Transpose an 8×8 bit matrix, byte `i` = row `i`, bit `j` = column `j`
/// (Hacker's Delight, 7–3).
#[inline]
fn transpose8x8(mut x: u64) -> u64 {
    let y = (x ^ x >> 7) & 0x00AA_00AA_00AA_00AA;
    x ^= y ^ y << 7;
    let y = (x ^ x >> 14) & 0x0000_CCCC_0000_CCCC;
    x ^= y ^ y << 14;
    let y = (x ^ x >> 28) & 0x0000_0000_F0F0_F0F0;
    x ^ y ^ y << 28
}

/// The bits of [`block_mask_of`] for the non-ASCII bytes of the block
/// (`high`, bit j: byte j is not ASCII): the bytes of letters and digits
/// ([`word_char`]). One step per non-ASCII character, decoded from the
/// block's bytes.
#[inline(never)]
fn non_ascii_word_bytes(
    text: &str,
    at: usize,
    block: &[u8; 80],
    high: u64,
    cache: &mut CharCache,
) -> u64 {
    let mut rest = high;
    let mut mask = 0;
    if block[0] & 0xC0 == 0x80 {
        // The end of a character begun in the block before.
        let mut start = at;
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let (cp, len) = decode(text.as_bytes(), start);
        let bits = (1u64 << (start + len - at)) - 1;
        mask |= bits & u64::from(word_char(cp, cache)).wrapping_neg();
        rest &= !bits;
    }
    while rest != 0 {
        // A lead byte: the character is whole in `block`.
        let j = rest.trailing_zeros() as usize;
        let (cp, len) = decode(block, j);
        let bits = ((1u64 << len) - 1) << j;
        mask |= bits & u64::from(word_char(cp, cache)).wrapping_neg();
        rest &= !bits;
    }
    mask
}

/// Bit `i` set when U+0080 + `i` is a letter or digit: ª ² ³ µ ¹ º ¼ ½ ¾,
/// U+00C0–U+00FF but × and ÷.
const LATIN1_WORD: u128 = {
    let mut bits = 0u128;
    let singles = [0xAA, 0xB2, 0xB3, 0xB5, 0xB9, 0xBA, 0xBC, 0xBD, 0xBE];
    let mut i = 0;
    while i < singles.len() {
        bits |= 1 << (singles[i] - 0x80);
        i += 1;
    }
    let mut c = 0xC0;
    while c <= 0xFF {
        if c != 0xD7 && c != 0xF7 {
            bits |= 1 << (c - 0x80);
        }
        c += 1;
    }
    bits
};

/// `KEEP[n]`: the first `n` bytes of 16 (as two `u64`), bit 5 of each
/// cleared ([`fold`]).
const KEEP: [[u64; 2]; 17] = {
    let mut keep = [[0; 2]; 17];
    let mut n = 1;
    while n <= 16 {
        keep[n] = if n <= 8 {
            [u64::MAX >> (64 - 8 * n), 0]
        } else {
            [u64::MAX, u64::MAX >> (128 - 8 * n)]
        };
        keep[n][0] &= !(0x20 * LO);
        keep[n][1] &= !(0x20 * LO);
        n += 1;
    }
    keep
};

/// Call `f` with the hash of every word of `text`, in order: a word is a
/// maximal run of letters and digits (`char::is_alphanumeric`), hashed
/// lowercased ([`WordHasher`]); nothing is copied.
///
/// The text goes 64 bytes at a time: a bitmask of its word bytes
/// ([`block_mask_of`]: a few vector operations for ASCII, one step per
/// non-ASCII character), from which the first and last byte of each word
/// come out with a few bit operations, without a branch per byte or per run
/// of letters. A word of at most 16 ASCII bytes, the bulk of prose, is
/// hashed from two unaligned loads at its start, each masked to the word's
/// length and case-folded by one `and` ([`KEEP`]), and one multiply; longer
/// or non-ASCII words go a character at a time, a word longer than the
/// bitmasks in view (this block and the next) block by block.
#[inline(always)]
fn for_each_word(text: &str, sink: &mut impl WordSink) {
    let bytes = text.as_bytes();
    let mut cache = CharCache::new();
    let mut at = 0;
    let mut cur = block_mask(text, 0, &mut cache);
    // 1 when the byte before the block is a word byte.
    let mut carry = 0;
    // A word running past the bitmasks in view: its hash so far, and the
    // next byte to hash.
    let mut long: Option<(WordHasher, usize)> = None;
    while at < bytes.len() {
        // This block, the next and 16 bytes more: the loads of the words
        // starting in this block, zero past the end of the text.
        let tail;
        let window: &[u8; 144] = match bytes.get(at..at + 144) {
            Some(w) => w.try_into().expect("144 bytes"),
            None => {
                tail = padded_window(bytes, at);
                &tail
            }
        };
        let next = if at + 64 < bytes.len() {
            let ahead = window[64..].try_into().expect("80 bytes");
            block_mask_of(text, at + 64, ahead, &mut cache)
        } else {
            0
        };
        if let Some((hasher, pos)) = &mut long {
            // Its bytes at the start of this block.
            let run = (!cur).trailing_zeros() as usize;
            hasher.push_text(text, pos, at + run, &mut cache);
            if run < 64 {
                let (hasher, _) = long.take().expect("a long word");
                sink.word(hasher.finish());
            }
        }
        let mut starts = cur & !(cur << 1 | carry);
        // The last byte of each word, in the order of the starts: the end
        // of a word begun in an earlier block is dropped, and a word running
        // past the block (the last start, without an end) ends at `cross`
        // (127 when it runs past the next block too).
        let mut ends = cur & !(cur >> 1 | next << 63);
        let inside = (carry & cur).wrapping_neg();
        ends &= !(ends & ends.wrapping_neg() & inside);
        let cross = 63 + (!next).trailing_zeros();
        // The words that end in this block, a start and an end each: the
        // bulk of the text, in a short loop.
        while ends != 0 {
            let p = starts.trailing_zeros() as usize;
            starts &= starts - 1;
            let last = ends.trailing_zeros() as usize;
            ends &= ends - 1;
            sink.word(match short_ascii_word(window, p, last) {
                Some(hash) => hash,
                None => slow_word(text, at + p, at + last + 1, &mut cache),
            });
        }
        // The start left, if any, is of a word running past the block.
        if starts != 0 {
            let p = starts.trailing_zeros() as usize;
            let last = cross as usize;
            match short_ascii_word(window, p, last) {
                Some(hash) => sink.word(hash),
                None if last < 127 => sink.word(slow_word(text, at + p, at + last + 1, &mut cache)),
                None => long = Some(long_word(text, at + p, at + 64, &mut cache)),
            }
        }
        carry = cur >> 63;
        cur = next;
        at += 64;
    }
    if let Some((hasher, _)) = long {
        sink.word(hasher.finish());
    }
}

/// The hash of the word `window[p..=last]` (`p` < 64) when it is at most 16
/// ASCII bytes: two loads, each masked to the word's length and case-folded
/// by one `and` ([`KEEP`]), and one multiply.
#[inline(always)]
fn short_ascii_word(window: &[u8; 144], p: usize, last: usize) -> Option<u64> {
    // `last - p`, not the length: one instruction less in the loop of
    // words, the `+ 1` folds into the table's address.
    let d = last - p;
    if d > 15 {
        return None;
    }
    let piece = &window[p..p + 16];
    let [keep_a, keep_b] = KEEP[d + 1];
    let a = u64::from_le_bytes(piece[..8].try_into().expect("8 bytes")) & keep_a;
    let b = u64::from_le_bytes(piece[8..].try_into().expect("8 bytes")) & keep_b;
    if (a | b) & HI == 0 {
        Some(word_step(0, a, b))
    } else {
        None
    }
}

/// The hash of the word `text[start..end]`, a character at a time. Cold: a
/// few words of a text, out of the way of the short ASCII words.
#[cold]
#[inline(never)]
fn slow_word(text: &str, start: usize, end: usize, cache: &mut CharCache) -> u64 {
    let mut hasher = WordHasher::default();
    let mut pos = start;
    hasher.push_text(text, &mut pos, end, cache);
    hasher.finish()
}

/// The hash so far of the word from `start` that runs past `end`, and the
/// next byte to hash.
#[inline(never)]
fn long_word(text: &str, start: usize, end: usize, cache: &mut CharCache) -> (WordHasher, usize) {
    let mut hasher = WordHasher::default();
    let mut pos = start;
    hasher.push_text(text, &mut pos, end, cache);
    (hasher, pos)
}

/// `bytes[at..at + 144]` padded with zeros.
#[cold]
#[inline(never)]
fn padded_window(bytes: &[u8], at: usize) -> [u8; 144] {
    let mut padded = [0u8; 144];
    let rest = &bytes[at..];
    padded[..rest.len()].copy_from_slice(rest);
    padded
}

/// Estimated Jaccard similarity of two signatures.
pub fn similarity(a: &[u32], b: &[u32]) -> f64 {
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len().max(1) as f64
}

impl CorpusRule for NearDuplicates {
    /// Three external sorts, each in bounded memory: texts by (hash,
    /// length), to keep the first of each group of exact duplicates; band
    /// keys, to find the LSH buckets and compare their members; candidate
    /// matches by file, to keep each file's best.
    fn run(&self, files: &Files, config: &Config, out: &mut FindingCollector) -> io::Result<()> {
        let threshold = config.near_duplicates.threshold;
        // Only the first file of a group of exact duplicates takes part: a
        // near-copy of `a` is not reported again against `a`'s copies.
        let mut by_text = files.sorter::<(u128, u64, u32)>();
        for f in files.iter() {
            let (i, f) = f?;
            if let Some(t) = f.text.filter(|t| t.minhash.is_some()) {
                by_text.push((t.hash, t.len as u64, i))?;
            }
        }
        // (band, hash of the band's minima, file): the files of one LSH
        // bucket are a run of equal keys, in file order.
        let mut bands = files.sorter::<(u8, u64, u32)>();
        let mut last = None;
        for entry in by_text.finish()? {
            let (hash, len, i) = entry?;
            if last.replace((hash, len)) == Some((hash, len)) {
                continue;
            }
            let sig = files.signature(i)?;
            for band in 0..BANDS {
                bands.push((band as u8, band_hash(&sig, band), i))?;
            }
        }
        // (later file, similarity as f64 bits, earlier file) for each
        // candidate pair that reaches the threshold: a file's best match
        // within one bucket.
        let mut matches = files.sorter::<(u32, u64, u32)>();
        let mut bucket: Option<Bucket> = None;
        for entry in bands.finish()? {
            let (band, hash, later) = entry?;
            let b = match &mut bucket {
                Some(b) if b.key == (band, hash) => b,
                _ => {
                    bucket = Some(Bucket {
                        key: (band, hash),
                        first: (later, None),
                        recent: VecDeque::new(),
                    });
                    continue;
                }
            };
            // The bucket's first file and the few just before: a bounded
            // number of comparisons per file, however large the bucket (a
            // corpus of one story's many drafts).
            let sig = files.signature(later)?;
            if b.first.1.is_none() {
                b.first.1 = Some(files.signature(b.first.0)?);
            }
            let first = (b.first.0, &b.first.1.expect("read above")[..]);
            let mut best: Option<(f64, u32)> = None;
            for (i, other) in
                std::iter::once(first).chain(b.recent.iter().map(|(i, s)| (*i, &s[..])))
            {
                let s = similarity(other, &sig);
                if s >= threshold && is_better((s, i), best) {
                    best = Some((s, i));
                }
            }
            if let Some((s, i)) = best {
                matches.push((later, s.to_bits(), i))?;
            }
            b.recent.push_back((later, sig));
            if b.recent.len() > NEIGHBOURS {
                b.recent.pop_front();
            }
        }
        drop(bucket);
        // Each file is reported once, against the most similar earlier file
        // it was compared with.
        let mut best: Option<(u32, f64, u32)> = None;
        let mut report = |(j, s, i): (u32, f64, u32)| -> io::Result<()> {
            let (f, kept) = (files.get(j)?, files.get(i)?.path);
            let message = format!(
                "about {:.0}% similar to {kept} (MinHash estimate of shared word {}-grams)",
                s * 100.0,
                config.near_duplicates.shingle
            );
            out.push(CorpusFinding::warning(&f, &INFO, message, vec![kept]))?;
            Ok(())
        };
        for entry in matches.finish()? {
            let (j, s, i) = entry?;
            let s = f64::from_bits(s);
            match &mut best {
                Some((bj, bs, bi)) if *bj == j => {
                    if is_better((s, i), Some((*bs, *bi))) {
                        (*bs, *bi) = (s, i);
                    }
                }
                _ => {
                    if let Some(found) = best.replace((j, s, i)) {
                        report(found)?;
                    }
                }
            }
        }
        if let Some(found) = best {
            report(found)?;
        }
        Ok(())
    }
}

/// The LSH bucket being read: its key, its first file (with its signature
/// once needed) and the last [`NEIGHBOURS`] files after it.
struct Bucket {
    key: (u8, u64),
    first: (u32, Option<Signature>),
    recent: VecDeque<(u32, Signature)>,
}

/// The highest estimate; among equals, the first file.
fn is_better((s, i): (f64, u32), best: Option<(f64, u32)>) -> bool {
    best.is_none_or(|(b, k)| s > b || (s == b && i < k))
}

/// The hash of band `band` of a signature.
fn band_hash(sig: &[u32], band: usize) -> u64 {
    let mut bytes = [0u8; ROWS * 4];
    for (chunk, r) in bytes.chunks_mut(4).zip(&sig[band * ROWS..][..ROWS]) {
        chunk.copy_from_slice(&r.to_le_bytes());
    }
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash of a shingle by [`Shingles`]' formula, from its word hashes
    /// newest first: the cyclic polynomial, or (longer shingles) the
    /// polynomial mod 2^64.
    fn shingle_formula(window: impl DoubleEndedIterator<Item = u64>, cyclic: bool) -> u64 {
        if cyclic {
            window
                .enumerate()
                .fold(0, |h, (j, w)| h ^ w.rotate_left(j as u32))
        } else {
            window
                .rev()
                .fold(0u64, |h, w| h.wrapping_mul(ROLL).wrapping_add(w))
        }
    }

    /// The signature written plainly, from [`words_slow`]: the shingle hash
    /// recomputed from the formula of [`Shingles`] for each word, bucket and
    /// value as in [`Shingles::add`].
    fn signature_reference(text: &str, shingle: usize) -> Option<Box<[u32]>> {
        let k = shingle.max(1);
        let cyclic = k <= MAX_CYCLIC;
        let mut ring = vec![0u64; k.next_power_of_two()];
        let m = ring.len() - 1;
        let (mut rolling, mut words) = (0u64, 0usize);
        let mut mins = [u64::MAX; HASHES];
        let add = |mins: &mut [u64; HASHES], h: u64| {
            let h = (h ^ h >> 31).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let (bucket, value) = ((h >> 58) as usize, u64::from((h >> 26) as u32));
            mins[bucket] = mins[bucket].min(value);
        };
        for w in words_slow(text) {
            ring[words & m] = w;
            words += 1;
            // Words before the text count as 0.
            let window = (0..k).map(|j| {
                if j < words {
                    ring[(words - 1 - j) & m]
                } else {
                    0
                }
            });
            rolling = shingle_formula(window, cyclic);
            if words >= k {
                add(&mut mins, rolling);
            }
        }
        if words == 0 {
            return None;
        }
        if words < k {
            add(&mut mins, rolling);
        }
        // Densification is shared: the words and shingles are what this
        // reference checks.
        Some(densify(&mins))
    }

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

    /// The definition the fast splitter must agree with, written plainly:
    /// split at every character that is not `char::is_alphanumeric`,
    /// lowercase each word with `str::to_lowercase`, hash its UTF-8 bytes 16
    /// at a time, zero padded.
    fn words_slow(text: &str) -> Vec<u64> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                let lower: String = w
                    .chars()
                    .flat_map(char::to_lowercase)
                    .map(|c| if c == 'ς' { 'σ' } else { c })
                    .collect();
                let lower: Vec<u8> = lower.bytes().map(fold).collect();
                lower.chunks(16).fold(0, |h, piece| {
                    let mut padded = [0u8; 16];
                    padded[..piece.len()].copy_from_slice(piece);
                    let a = u64::from_le_bytes(padded[..8].try_into().unwrap());
                    let b = u64::from_le_bytes(padded[8..].try_into().unwrap());
                    word_step(h, a, b)
                })
            })
            .collect()
    }

    impl WordSink for Vec<u64> {
        fn word(&mut self, hash: u64) {
            self.push(hash);
        }
    }

    fn words_fast(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        for_each_word(text, &mut out);
        out
    }

    fn hash_of(word: &str) -> u64 {
        let words = words_slow(word);
        assert_eq!(words.len(), 1, "{word:?} is one word");
        words[0]
    }

    #[test]
    fn word_hashes_examples() {
        let text = "The QUICK brown-fox, naïve Ærøskøbing 12345678901 abcdefghijklmnopqrstuvwxyz!";
        assert_eq!(words_fast(text), words_slow(text));
        assert_eq!(words_fast(text).len(), 8);
        assert_eq!(words_fast("Hello"), words_fast("hELLO"));
        assert_ne!(words_fast("abcdefgh"), words_fast("abcdefg"));
        // Every length around the 16-byte fast path, the 64-byte block and
        // the 128-byte window, ASCII and not.
        for n in 1..200 {
            let ascii = "Ab9".repeat(n)[..n].to_string();
            assert_eq!(words_fast(&ascii), vec![hash_of(&ascii)], "{ascii}");
            let accented = "é".repeat(n);
            assert_eq!(words_fast(&accented), vec![hash_of(&accented)]);
        }
    }

    #[test]
    fn case_punctuation_quotes_and_space_do_not_count() {
        let plain = words_fast("dont say its over im done");
        let variants = [
            "Don't say it's over, I'm done.",
            "DON’T SAY IT’S OVER — I’M DONE!",
            "  don't\n\nsay\tit's   over...\r\nI'm\u{a0}done  ",
            "“Don’t” say (it’s) over; ‘I’m’ done?",
        ];
        for v in variants {
            // The apostrophe splits: `don't` is the words `don` and `t`.
            let w = words_fast(v);
            assert_eq!(w.len(), 9, "{v}");
            assert_eq!(w, words_fast("don t say it s over i m done"), "{v}");
            assert_eq!(
                signature(v, 5),
                signature("don t say it s over i m done", 5)
            );
        }
        assert_eq!(plain.len(), 6);
        assert_eq!(words_fast("a,b"), words_fast("A B"));
        assert_eq!(words_fast("a_b").len(), 2, "underscore is no letter");
        assert_ne!(hash_of("don"), hash_of("dont"));
    }

    #[test]
    fn rolling_hash_is_the_shingle_formula() {
        fn check<const CYCLIC: bool>(k: usize, words: &[u64]) {
            let mut shingles = Shingles::<CYCLIC>::new(k);
            for (i, &w) in words.iter().enumerate() {
                shingles.push(w);
                // Words before the text count as 0.
                let window = (0..k).map(|j| if j <= i { words[i - j] } else { 0 });
                let expect = shingle_formula(window, CYCLIC);
                assert_eq!(shingles.rolling, expect, "k {k}, word {i}");
            }
        }
        let words: Vec<u64> = (0..300).map(|i| splitmix(i % 37)).collect();
        for k in [1, 2, 5, 63, 64] {
            check::<true>(k, &words);
        }
        for k in [1, 5, 65, 100] {
            check::<false>(k, &words);
        }
        // Why shingles of more than 64 words take the polynomial: in the
        // cyclic hash, a word 64 places from its copy cancels out.
        let rolling = |cyclic: bool, ends: u64| {
            let middle = (1..64).map(splitmix);
            let words: Vec<u64> = [ends].into_iter().chain(middle).chain([ends]).collect();
            if cyclic {
                // The formula itself: `Shingles` takes at most 64 words
                // cyclically.
                words
                    .iter()
                    .rev()
                    .enumerate()
                    .fold(0, |h, (j, w)| h ^ w.rotate_left(j as u32))
            } else {
                let mut shingles = Shingles::<false>::new(65);
                words.iter().for_each(|&w| shingles.push(w));
                shingles.rolling
            }
        };
        assert_eq!(rolling(true, 7), rolling(true, 8));
        assert_ne!(rolling(false, 7), rolling(false, 8));
        let text: String = (0..200).map(|i| format!("w{} ", i % 70)).collect();
        assert!(signature(&text, 65).is_some());
        assert_eq!(signature(&text, 65), signature(&text.to_uppercase(), 65));
        assert_ne!(signature(&text, 65), signature(&text, 5));
    }

    #[test]
    fn block_masks_mark_the_bytes_of_word_characters() {
        let text = "Naïve—café’s 12½ “ÆRØ” \u{a0}£3 × ÷ ª 中文, İ ٣ \u{2071}x ℕ end. ".repeat(9);
        let mut expect = vec![false; text.len()];
        for (i, c) in text.char_indices() {
            expect[i..i + c.len_utf8()].fill(c.is_alphanumeric());
        }
        for lead in 0..70 {
            let text = format!("{}{text}", "a".repeat(lead));
            let expect: Vec<bool> = std::iter::repeat_n(true, lead)
                .chain(expect.iter().copied())
                .collect();
            for at in (0..text.len()).step_by(64) {
                let mask = block_mask(&text, at, &mut CharCache::new());
                for j in 0..64 {
                    let want = expect.get(at + j).copied().unwrap_or(false);
                    assert_eq!(mask >> j & 1 == 1, want, "lead {lead}, byte {}", at + j);
                }
            }
        }
    }

    /// Every character: the shortcuts and the cache of [`word_char`] answer
    /// as `char::is_alphanumeric`, and a word of it alone hashes as its
    /// lowercase form (through the cache twice: the first and the second
    /// time a character is seen).
    #[test]
    fn every_character_is_classified_and_lowercased_as_unicode_says() {
        let mut cache = CharCache::new();
        for c in '\u{80}'..=char::MAX {
            let cp = u32::from(c);
            for _ in 0..2 {
                assert_eq!(word_char(cp, &mut cache), c.is_alphanumeric(), "{c:?}");
            }
            if c.is_alphanumeric() && (cp < 0x3000 || cp % 7 == 0) {
                let text = c.to_string();
                let mut hasher = WordHasher::default();
                hasher.push_text(&text, &mut 0, text.len(), &mut cache);
                assert_eq!(hasher.finish(), hash_of(&text), "{c:?}");
            }
        }
    }

    #[test]
    fn non_ascii_words() {
        assert_eq!(words_fast("Naïve CAFÉ"), words_fast("naïve café"));
        assert_eq!(words_fast("ÆRØSKØBING"), vec![hash_of("ærøskøbing")]);
        // Letters and digits of any script are word characters; non-ASCII
        // punctuation and spaces are not.
        assert_eq!(words_fast("naïve").len(), 1);
        assert_eq!(words_fast("中文 ٣٤ straße").len(), 3);
        assert_eq!(words_fast("a—b…c\u{2003}d\u{a0}e").len(), 5);
        assert_ne!(hash_of("naïve"), hash_of("naive"), "accents count");
        // Lowercasing may change the length in bytes (İ is i + U+0307).
        // U+0307 alone is no letter, but as part of a lowercased word it is
        // hashed with the word.
        assert_eq!(words_fast("İSTANBUL"), words_slow("İstanbul"));
        assert_eq!(words_fast("İSTANBUL").len(), 1);
        assert_eq!(words_fast("ǅemal"), words_fast("ǆemal"));
        // Final sigma is sigma: ΟΔΟΣ is the word οδος.
        assert_eq!(words_fast("ΟΔΟΣ ΠΡΟΣ"), words_fast("οδος προς"));
        assert_eq!(words_fast("ПРИВЕТ, Мир"), words_fast("привет мир"));
        // Words longer than a block, and than two, of several scripts.
        for long in ["中文".repeat(100), "Ωμέγα".repeat(40), "ÉCOLE".repeat(30)] {
            let text = format!("a {long} b {long}. {}", long.to_lowercase());
            let words = words_fast(&text);
            assert_eq!(words, words_slow(&text));
            assert_eq!(words.len(), 5);
            assert_eq!(words[1], words[4]);
        }
    }

    #[test]
    fn words_across_block_boundaries() {
        let words = [
            "a",
            "fifteen-letters",
            "sixteencharacter",
            "seventeencharacte",
            "déjà",
            "thirtytwocharacterslongwordhere0",
            &"x".repeat(70),
            &"é".repeat(40),
            &"y".repeat(130),
        ];
        for w in words {
            for lead in 0..140 {
                for tail in ["", " ", " end", "é"] {
                    let text = format!("{}{w}{tail}", ".".repeat(lead));
                    assert_eq!(words_fast(&text), words_slow(&text), "{lead} {w} {tail:?}");
                    let text = format!("{}{w}{tail}", "é".repeat(lead / 2));
                    assert_eq!(
                        words_fast(&text),
                        words_slow(&text),
                        "é×{lead} {w} {tail:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn short_texts_and_end_of_text() {
        assert_eq!(words_fast(""), Vec::<u64>::new());
        assert_eq!(words_fast(" ,. "), Vec::<u64>::new());
        assert_eq!(words_fast("a"), vec![hash_of("a")]);
        assert_eq!(words_fast("ab c"), vec![hash_of("ab"), hash_of("c")]);
        assert_eq!(words_fast("é"), vec![hash_of("é")]);
        assert_eq!(words_fast("x.é"), vec![hash_of("x"), hash_of("é")]);
        // A word at the very end of the text, of every length up to 20,
        // after texts of every length up to 70: nothing past the end is read
        // into the word.
        for lead in 0..70 {
            for n in 1..20 {
                let text = format!("{} {}", "w".repeat(lead), "Z".repeat(n));
                let expect = words_slow(&text);
                assert_eq!(words_fast(&text), expect, "{lead} {n}");
                assert_eq!(*expect.last().unwrap(), hash_of(&"z".repeat(n)));
            }
        }
        // A text of fewer words than the shingle is one shingle.
        assert!(signature("short text", 5).is_some());
        assert_ne!(signature("short text", 5), signature("short texts", 5));
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// The block masks of [`ascii_masks`] are those of a byte by byte
        /// reading, for blocks of any bytes and of prose-like bytes.
        #[test]
        fn ascii_masks_agree(
            any in proptest::collection::vec(proptest::prelude::any::<u8>(), 64),
            prose in proptest::collection::vec(proptest::sample::select(
                b"aAzZ09`@[{/:_ \n.\x7f\x80\xbf\xc3\xe2\xff".to_vec()), 64),
        ) {
            for bytes in [any, prose] {
                let block: [u8; 64] = bytes.try_into().unwrap();
                let (mut word, mut high) = (0u64, 0u64);
                for (j, &b) in block.iter().enumerate() {
                    word |= u64::from(b.is_ascii_alphanumeric()) << j;
                    high |= u64::from(b >= 0x80) << j;
                }
                proptest::prop_assert_eq!(ascii_masks(&block), (word, high));
            }
        }

        /// The whole signature: texts of word-like pieces and other
        /// characters, many blocks long, with shingles of 1 to 70 words and
        /// of the default 5.
        #[test]
        fn signatures_agree(
            words in proptest::collection::vec(proptest::prop_oneof![
                4 => proptest::sample::select(vec!["the", "a", "And", "of", "to", "in", "was"])
                    .prop_map(String::from),
                2 => "[a-zA-Z0-9]{1,20}",
                1 => "[ -~]{0,8}",
                1 => "[éÆß’—“”\u{a0}中Σς]{1,3}",
            ], 0..600),
            k in proptest::prop_oneof![1..8usize, 60..70usize],
        ) {
            let text = words.join(" ");
            let reference = signature_reference(&text, k);
            proptest::prop_assert_eq!(&signature(&text, k), &reference);
            proptest::prop_assert_eq!(signature(&text, 5), signature_reference(&text, 5));
        }

        #[test]
        fn fast_word_split_agrees(chars in proptest::collection::vec(proptest::prop_oneof![
            6 => proptest::char::range('a', 'z'),
            2 => proptest::char::range('A', 'Z'),
            2 => proptest::sample::select(vec![' ', ',', '.', '\n', '-', '0', '9', '_', '@', '[', '`', '{', '/', ':']),
            1 => proptest::sample::select(vec!['é', 'Æ', 'ß', 'İ', '’', '—', '\u{a0}', '中', '٣', 'Σ', 'ς', 'Ж', '\u{212a}', '한']),
            1 => proptest::prelude::any::<char>(),
        ], 0..300)) {
            let text: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(words_fast(&text), words_slow(&text));
        }
    }
}
