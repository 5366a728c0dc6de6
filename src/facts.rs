//! One pass over a text that tells the rules what it may contain, so that a
//! rule with nothing to look for returns at once instead of scanning the text
//! again. On clean text this pass is the only full scan most rules cost.
//!
//! Facts are conservative: `false` means "certainly absent", `true` means
//! "maybe present". The pipeline computes them once on the decoded text and,
//! after a rule changes the text, adds the facts of the replacement strings:
//! a deletion can only remove a character, never create one.

/// What a text may contain. See the module documentation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextFacts {
    /// Any byte at or above 0x80.
    pub non_ascii: bool,
    /// CR (U+000D).
    pub cr: bool,
    /// C0 controls other than tab, LF and CR, or DEL.
    pub controls: bool,
    /// C1 controls (U+0080..U+009F, NEL included).
    pub c1_controls: bool,
    /// NEL (U+0085), LINE SEPARATOR (U+2028), PARAGRAPH SEPARATOR (U+2029).
    pub unicode_newlines: bool,
    /// NO-BREAK SPACE (U+00A0).
    pub nbsp: bool,
    /// U+00AD, U+200B..U+200F, U+2060 or U+FEFF.
    pub invisible: bool,
    /// U+FFFD.
    pub replacement: bool,
    /// A character that may not be in NFC: anything from U+0300 on, except
    /// the General Punctuation characters U+2002..U+206F (quotes, dashes,
    /// ellipsis...), U+FEFF and U+FFFD, which are always NFC and never
    /// compose with their neighbours.
    pub maybe_unnormalized: bool,
}

/// Bit `k` set: byte `k` of `block` may set a fact — a byte below 0x20 but
/// LF and `known` (controls, CR, and the harmless tab, which is rare enough
/// not to be worth excluding), DEL, or the lead byte of a character that may be
/// special (0xC2: U+0080..U+00BF, and 0xCC on: U+0300 and up). Continuation
/// bytes and the leads 0xC3..0xCB (U+00C0..U+02FF, which set no fact but
/// `non_ascii`) are not marked, so each marked byte starts a character.
/// Every byte is also OR-ed into `high`, for `non_ascii`.
///
/// Written as plain loops over a fixed 32-byte block that the compiler turns
/// into vector compares; the marks are gathered into a bit mask eight bytes
/// at a time by one multiplication.
#[inline(always)]
fn special_mask(block: &[u8; 32], known: u8, high: &mut [u8; 32]) -> u32 {
    let mut flags = [0u8; 32];
    for ((flag, &c), h) in flags.iter_mut().zip(block).zip(high.iter_mut()) {
        *flag = if is_special(c, known) { 0x80 } else { 0 };
        *h |= c;
    }
    if flags.iter().fold(0, |a, &f| a | f) == 0 {
        return 0;
    }
    let mut mask = 0u32;
    for (q, word) in flags.chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        // Moves bit 7 of byte j to bit 56 + j; no two partial products
        // overlap, so nothing carries.
        mask |= ((w.wrapping_mul(0x0002_0408_1020_4081) >> 56) as u32) << (q * 8);
    }
    mask
}

/// Whether [`special_mask`] marks byte `c`: below 0x20 or from 0xCC on (one
/// unsigned compare once 0x20 is moved to zero) but LF and `known`, DEL, or
/// 0xC2.
///
/// LF, which sets no fact, is left out because nearly every line has one:
/// marked, it would send most blocks of a text to the slow path. `known` is
/// LF too until a CR is found, then CR, so that a text with CRLF line ends
/// pays for its first CR only. Each costs one more vector compare.
#[inline(always)]
fn is_special(c: u8, known: u8) -> bool {
    ((c.wrapping_sub(0x20) >= 0xcc - 0x20) & (c != b'\n') & (c != known))
        | (c == 0x7f)
        | (c == 0xc2)
}

impl TextFacts {
    /// Scan `text` once.
    ///
    /// Thirty-two bytes at a time: a vector test marks the bytes that may set
    /// a fact ([`special_mask`]), and only those are looked at, one character
    /// each. Most of a text is plain ASCII, and most of the rest is Latin
    /// letters, which set no fact.
    pub fn of(text: &str) -> Self {
        let b = text.as_bytes();
        let mut f = TextFacts::default();
        if b.len() < 32 {
            // A short text (most replacements the pipeline adds the facts
            // of): byte by byte, the same marks without the padded block.
            let mut high = 0;
            for (i, &c) in b.iter().enumerate() {
                high |= c;
                if is_special(c, b'\n') {
                    f.note(b, i);
                }
            }
            f.non_ascii = high >= 0x80;
            return f;
        }
        // The byte below 0x20 that needs no more looking at (see
        // [`is_special`]).
        let known = |f: &TextFacts| if f.cr { b'\r' } else { b'\n' };
        let mut high = [0u8; 32];
        let mut blocks = b.chunks_exact(32);
        let mut at = 0;
        for block in &mut blocks {
            let block = block.try_into().expect("32 bytes");
            let mut marks = special_mask(block, known(&f), &mut high);
            while marks != 0 {
                f.note(b, at + marks.trailing_zeros() as usize);
                marks &= marks - 1;
            }
            at += 32;
        }
        let rest = blocks.remainder();
        if !rest.is_empty() {
            // Padded with spaces, which are never marked.
            let mut block = [b' '; 32];
            block[..rest.len()].copy_from_slice(rest);
            let mut marks = special_mask(&block, known(&f), &mut high);
            while marks != 0 {
                f.note(b, at + marks.trailing_zeros() as usize);
                marks &= marks - 1;
            }
        }
        f.non_ascii = high.iter().fold(0, |a, &h| a | h) >= 0x80;
        f
    }

    /// The facts the character starting at `b[i]` sets (for a byte that
    /// [`special_mask`] marked).
    #[inline(always)]
    fn note(&mut self, b: &[u8], i: usize) {
        let f = self;
        let c = b[i];
        if c < 0x80 {
            match c {
                b'\r' => f.cr = true,
                b'\t' | b'\n' => {}
                _ => f.controls = true,
            }
            return;
        }
        let (b1, b2) = (b.get(i + 1).copied(), b.get(i + 2).copied());
        match (c, b1, b2) {
            (0xc2, Some(0x85), _) => {
                f.unicode_newlines = true;
                f.c1_controls = true;
            }
            (0xc2, Some(0x80..=0x9f), _) => f.c1_controls = true,
            (0xc2, Some(0xa0), _) => f.nbsp = true,
            (0xc2, Some(0xad), _) => f.invisible = true,
            // U+0080..U+02FF: NFC, combining class 0.
            (0xc2..=0xcb, _, _) => {}
            (0xe2, Some(0x80), Some(0x8b..=0x8f)) => f.invisible = true,
            (0xe2, Some(0x80), Some(0xa8 | 0xa9)) => f.unicode_newlines = true,
            (0xe2, Some(0x81), Some(0xa0)) => f.invisible = true,
            (0xe2, Some(0x80), Some(0x82..=0xbf)) | (0xe2, Some(0x81), Some(0x80..=0xaf)) => {}
            (0xef, Some(0xbb), Some(0xbf)) => f.invisible = true,
            (0xef, Some(0xbf), Some(0xbd)) => f.replacement = true,
            _ => f.maybe_unnormalized = true,
        }
    }

    /// Both texts' facts: what a text may contain after `other` was put in.
    pub fn union(self, other: TextFacts) -> TextFacts {
        TextFacts {
            non_ascii: self.non_ascii | other.non_ascii,
            cr: self.cr | other.cr,
            controls: self.controls | other.controls,
            c1_controls: self.c1_controls | other.c1_controls,
            unicode_newlines: self.unicode_newlines | other.unicode_newlines,
            nbsp: self.nbsp | other.nbsp,
            invisible: self.invisible | other.invisible,
            replacement: self.replacement | other.replacement,
            maybe_unnormalized: self.maybe_unnormalized | other.maybe_unnormalized,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TextFacts;
    use proptest::prelude::*;

    /// The facts, one character at a time: the definition the fast scan must
    /// agree with.
    fn slow(text: &str) -> TextFacts {
        let mut f = TextFacts::default();
        for c in text.chars() {
            f.non_ascii |= !c.is_ascii();
            f.cr |= c == '\r';
            f.controls |= (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}';
            f.c1_controls |= ('\u{80}'..='\u{9f}').contains(&c);
            f.unicode_newlines |= matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}');
            f.nbsp |= c == '\u{a0}';
            f.invisible |= matches!(
                c,
                '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}'
            );
            f.replacement |= c == '\u{fffd}';
            f.maybe_unnormalized |=
                c >= '\u{300}' && !matches!(c, '\u{2002}'..='\u{206f}' | '\u{feff}' | '\u{fffd}');
        }
        f
    }

    #[test]
    fn examples() {
        assert_eq!(
            TextFacts::of("plain text\nwith\ttabs\n"),
            TextFacts::default()
        );
        let f = TextFacts::of("a\r\nMr.\u{a0}Holmes\u{2019}s caf\u{e9} \u{2014} x\u{200b}");
        assert!(f.cr && f.nbsp && f.invisible && f.non_ascii);
        assert!(!f.maybe_unnormalized && !f.controls && !f.unicode_newlines);
        assert!(TextFacts::of("e\u{301}").maybe_unnormalized);
        assert!(TextFacts::of("\u{2000}").maybe_unnormalized);
        assert!(TextFacts::of("ab\x7fcdefghij").controls);
        assert!(TextFacts::of("abcdefghij\x01").controls);
        assert!(TextFacts::of("don\u{92}t").c1_controls);
        assert!(!TextFacts::of("don\u{2019}t \u{a0}").c1_controls);
    }

    /// One special character anywhere in a long printable line: the block
    /// and word skips must neither miss it nor start mid-character after it.
    #[test]
    fn one_special_anywhere_in_a_long_line() {
        for special in [
            "\r", "\n", "\t", "\x01", "\x1f", "\x7f", "\u{85}", "\u{bf}", "\u{c0}", "\u{2ff}",
            "\u{300}", "\u{a0}", "\u{200b}", "\u{fffd}", "\u{301}", "\u{e9}",
        ] {
            for at in 0..80 {
                let text = format!("{}{special}{}", "x".repeat(at), "y".repeat(80 - at));
                assert_eq!(TextFacts::of(&text), slow(&text), "{special:?} at {at}");
            }
        }
    }

    /// After a CR, CRs are no longer marked: the other bytes below 0x20
    /// still are, in the same block and later ones.
    #[test]
    fn controls_after_a_cr() {
        for special in ["\x01", "\x1f", "\t", "\x7f", "\u{85}"] {
            for at in 0..100 {
                let text = format!("a\r\n{}{special}\r\n{}", "x".repeat(at), "y".repeat(40));
                assert_eq!(TextFacts::of(&text), slow(&text), "{special:?} at {at}");
            }
        }
    }

    /// Short texts take the byte-by-byte path: it must agree too.
    #[test]
    fn one_special_in_a_short_text() {
        for special in [
            "\r",
            "\x01",
            "\x7f",
            "\u{85}",
            "\u{a0}",
            "\u{ad}",
            "\u{e9}",
            "\u{300}",
            "\u{2019}",
            "\u{2028}",
            "\u{2060}",
            "\u{feff}",
            "\u{fffd}",
            "\u{1f600}",
        ] {
            for at in 0..8 {
                let text = format!("{}{special}", "x".repeat(at));
                assert!(text.len() < 32);
                assert_eq!(TextFacts::of(&text), slow(&text), "{special:?} at {at}");
            }
        }
    }

    #[test]
    fn text_in_nfc_by_these_facts_is_nfc() {
        use unicode_normalization::{is_nfc_quick, IsNormalized};
        // Every character the scan calls normalized is NFC quick-check Yes.
        for c in ('\u{80}'..'\u{300}')
            .chain('\u{2002}'..='\u{206f}')
            .chain(['\u{feff}', '\u{fffd}'])
        {
            let s = format!("a{c}b");
            assert_eq!(is_nfc_quick(s.chars()), IsNormalized::Yes, "{c:?}");
        }
    }

    proptest! {
        #[test]
        fn fast_scan_agrees(chars in proptest::collection::vec(prop_oneof![
            4 => proptest::char::range(' ', '~'),
            1 => proptest::char::range('\0', '\u{7f}'),
            1 => proptest::sample::select(vec!['\u{80}', '\u{85}', '\u{9f}', '\u{a0}', '\u{ad}', '\u{e9}', '\u{2000}', '\u{2019}',
                '\u{200b}', '\u{200d}', '\u{200f}', '\u{2028}', '\u{2060}', '\u{2070}', '\u{feff}',
                '\u{fffd}', '\u{301}', '\u{1f600}', '\u{4e2d}', '\u{bf}', '\u{c0}', '\u{2ff}',
                '\u{300}', '\u{7ff}', '\u{2001}', '\u{206f}', '\u{2070}', '\u{ffff}']),
            1 => any::<char>(),
        ], 0..100)) {
            let text: String = chars.into_iter().collect();
            prop_assert_eq!(TextFacts::of(&text), slow(&text));
        }
    }
}
