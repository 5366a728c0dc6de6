use super::spool::Signature;
use super::{CorpusFinding, CorpusRule, Files, FindingCollector};
use crate::config::Config;
use std::collections::VecDeque;
use std::io;

mod minhash;
mod words;

pub use minhash::{signature, similarity};

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

crate::rule_options! {
    /// `[near-duplicates]` in `fettle.toml`.
    pub struct Options {
        /// Estimated Jaccard similarity of word shingles at or above which two
        /// files are reported (0 < threshold ≤ 1).
        pub threshold: f64 = 0.8,
        /// Words per shingle.
        pub shingle: usize = 5,
    }
    check(options) {
        if !(options.threshold > 0.0 && options.threshold <= 1.0) {
            anyhow::bail!("[near-duplicates] threshold must be in (0, 1]");
        }
        if options.shingle == 0 {
            anyhow::bail!("[near-duplicates] shingle must be at least 1");
        }
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
    use super::minhash::*;
    use super::words::*;
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
    /// the words of `crate::text::words`, each lowercased with
    /// `str::to_lowercase`, its UTF-8 bytes hashed 16 at a time, zero padded.
    fn words_slow(text: &str) -> Vec<u64> {
        crate::text::words(text)
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
