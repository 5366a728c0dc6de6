//! The MinHash signature of a text's word shingles (one-permutation hashing
//! with rotation densification), and the similarity of two signatures.

use super::words::{for_each_word, WordSink};
use super::HASHES;

/// splitmix64: a cheap, well-mixing 64-bit permutation.
pub(super) fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Multiplier of the polynomial rolling hash over a shingle's word hashes
/// (odd, so multiplying by it is a permutation of `u64`).
pub(super) const ROLL: u64 = 0x9E37_79B9_7F4A_7C15 | 1;

/// Longest shingle hashed with the cyclic polynomial: a word hash rotated by
/// 64 is itself again, so two equal words 64 places apart would cancel.
pub(super) const MAX_CYCLIC: usize = 64;

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
pub(super) fn densify(mins: &[u64; HASHES]) -> Box<[u32]> {
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
pub(super) fn minima<const CYCLIC: bool>(text: &str, k: usize) -> Option<[u64; HASHES]> {
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
pub(super) struct Shingles<const CYCLIC: bool> {
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
    pub(super) rolling: u64,
    pub(super) words: usize,
    /// Bucket minima; u64::MAX marks an empty bucket.
    pub(super) mins: [u64; HASHES],
}

impl<const CYCLIC: bool> Shingles<CYCLIC> {
    pub(super) fn new(k: usize) -> Self {
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
    pub(super) fn push(&mut self, w: u64) {
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
    pub(super) fn add(&mut self, h: u64) {
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

/// Estimated Jaccard similarity of two signatures.
pub fn similarity(a: &[u32], b: &[u32]) -> f64 {
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len().max(1) as f64
}
