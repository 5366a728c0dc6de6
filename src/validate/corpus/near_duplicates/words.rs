//! The words of a text and their hashes, for the MinHash signature: a word,
//! as `crate::text::words` defines it (a maximal run of letters and digits), hashed
//! lowercased, found 64 bytes at a time from bitmasks of word bytes.

/// What [`for_each_word`] gives the word hashes to: a trait rather than a
/// closure, so that the shingle update is surely inlined into the loop of
/// words.
pub(super) trait WordSink {
    fn word(&mut self, hash: u64);
}

/// A byte of a lowercase word as the word hash sees it: ASCII bytes with
/// bit 5 cleared (letters and digits stay distinct: `a`–`z` become
/// `A`–`Z`, `0`–`9` become 0x10–0x19), so that one `and` both masks a word
/// to its length and folds its case; other bytes unchanged.
#[inline]
pub(super) fn fold(b: u8) -> u8 {
    if b < 0x80 {
        b & !0x20
    } else {
        b
    }
}

/// Seeds of the word hash (wyhash's constants).
pub(super) const SEED_A: u64 = 0xA076_1D64_78BD_642F;
pub(super) const SEED_B: u64 = 0xE703_7ED1_A0B4_28DB;

/// The 128-bit product of `a` and `b`, its halves xored.
#[inline]
pub(super) fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ (p >> 64) as u64
}

/// One step of the word hash: 16 bytes of the word, as two little-endian
/// `u64` (zero past the end of the word), mixed into `h`.
#[inline]
pub(super) fn word_step(h: u64, a: u64, b: u64) -> u64 {
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
pub(super) struct WordHasher {
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
    pub(super) fn push(&mut self, v: u32, len: u32) {
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
    pub(super) fn push_text(
        &mut self,
        text: &str,
        pos: &mut usize,
        end: usize,
        cache: &mut CharCache,
    ) {
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
    pub(super) fn push_lower(&mut self, cp: u32, cache: &mut CharCache) {
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

    pub(super) fn finish(mut self) -> u64 {
        if self.used > 0 || self.steps == 0 {
            self.hash = word_step(self.hash, self.buf as u64, (self.buf >> 64) as u64);
        }
        self.hash
    }
}

/// The code point and length of the character starting at `bytes[i]`, a
/// lead byte of valid UTF-8 at least two bytes long.
#[inline]
pub(super) fn decode(bytes: &[u8], i: usize) -> (u32, usize) {
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
pub(super) fn utf8(cp: u32) -> (u32, u32) {
    let c = char::from_u32(cp).expect("a character");
    let mut b = [0u8; 4];
    let len = c.encode_utf8(&mut b).len();
    (u32::from_le_bytes(b), len as u32)
}

/// What the word splitter and the word hash need to know of non-ASCII
/// characters, from the Unicode tables of `char` (`is_alphanumeric`,
/// `to_lowercase`), remembered in 256 entries by code point: a text uses
/// few distinct characters, and the tables are searched once for each.
pub(super) struct CharCache([u64; 256]);

impl CharCache {
    /// Entry layout: the code point (bits 0–20; 0 marks an empty entry,
    /// being ASCII), [`Self::WORD`], [`Self::ONE_LOWER`], the lowercase code
    /// point (bits 32–52).
    pub(super) const WORD: u64 = 1 << 21;
    /// The lowercase form is one character.
    pub(super) const ONE_LOWER: u64 = 1 << 22;

    pub(super) fn new() -> Self {
        CharCache([0; 256])
    }

    /// The entry of the non-ASCII code point `cp`.
    #[inline]
    pub(super) fn get(&mut self, cp: u32) -> u64 {
        let slot = &mut self.0[(cp ^ cp >> 8) as usize & 255];
        if *slot as u32 & 0x1F_FFFF == cp {
            return *slot;
        }
        *slot = Self::lookup(cp);
        *slot
    }

    #[cold]
    pub(super) fn lookup(cp: u32) -> u64 {
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
pub(super) fn word_char(cp: u32, cache: &mut CharCache) -> bool {
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
pub(super) fn caseless_letter(cp: u32) -> bool {
    (0x4E00..=0x9FFF).contains(&cp) || (0xAC00..=0xD7A3).contains(&cp)
}

pub(super) const LO: u64 = 0x0101_0101_0101_0101;
pub(super) const HI: u64 = 0x8080_8080_8080_8080;

/// Bit `j` set when byte `at + j` of `text` belongs to a word character
/// (bytes past the end of the text count as no word).
#[inline(always)]
pub(super) fn block_mask(text: &str, at: usize, cache: &mut CharCache) -> u64 {
    match text.as_bytes().get(at..at + 80) {
        Some(b) => block_mask_of(text, at, b.try_into().expect("80 bytes"), cache),
        None => block_mask_padded(text, at, cache),
    }
}

#[cold]
#[inline(never)]
pub(super) fn block_mask_padded(text: &str, at: usize, cache: &mut CharCache) -> u64 {
    let mut padded = [0u8; 80];
    let rest = &text.as_bytes()[at.min(text.len())..];
    padded[..rest.len()].copy_from_slice(rest);
    block_mask_of(text, at, &padded, cache)
}

/// [`block_mask`] of the 64 bytes from `at`, given with the 16 bytes after
/// them (zero past the end of the text).
#[inline(always)]
pub(super) fn block_mask_of(text: &str, at: usize, block: &[u8; 80], cache: &mut CharCache) -> u64 {
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
pub(super) fn ascii_masks(block: &[u8; 64]) -> (u64, u64) {
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
pub(super) fn transpose8x8(mut x: u64) -> u64 {
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
pub(super) fn non_ascii_word_bytes(
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
pub(super) const LATIN1_WORD: u128 = {
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
pub(super) const KEEP: [[u64; 2]; 17] = {
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
pub(super) fn for_each_word(text: &str, sink: &mut impl WordSink) {
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
pub(super) fn short_ascii_word(window: &[u8; 144], p: usize, last: usize) -> Option<u64> {
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
pub(super) fn slow_word(text: &str, start: usize, end: usize, cache: &mut CharCache) -> u64 {
    let mut hasher = WordHasher::default();
    let mut pos = start;
    hasher.push_text(text, &mut pos, end, cache);
    hasher.finish()
}

/// The hash so far of the word from `start` that runs past `end`, and the
/// next byte to hash.
#[inline(never)]
pub(super) fn long_word(
    text: &str,
    start: usize,
    end: usize,
    cache: &mut CharCache,
) -> (WordHasher, usize) {
    let mut hasher = WordHasher::default();
    let mut pos = start;
    hasher.push_text(text, &mut pos, end, cache);
    (hasher, pos)
}

/// `bytes[at..at + 144]` padded with zeros.
#[cold]
#[inline(never)]
pub(super) fn padded_window(bytes: &[u8], at: usize) -> [u8; 144] {
    let mut padded = [0u8; 144];
    let rest = &bytes[at..];
    padded[..rest.len()].copy_from_slice(rest);
    padded
}
