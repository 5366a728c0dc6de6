//! A cheap, language-agnostic plausibility model for decoded text.
//!
//! chardetng decides *which language family* a file is in with real language
//! models; what it cannot see is which of several code pages of the same
//! script the bytes are in when it never outputs some of them (x-mac-cyrillic,
//! ISO-8859-15, macintosh, …). Those siblings differ in how they map bytes to
//! characters, and a wrong mapping leaves traces that need no language model:
//!
//! * characters no text contains: C1 controls, unmapped bytes, box drawing in
//!   the middle of prose, spacing accents (`¨ ´ ¸`), `¤ ¦ ¬`;
//! * letters whose case breaks mid-word (`пРИВЕТ`, `cafÉ`): a code page with
//!   the cases swapped (KOI8 read as windows-1251) or shifted turns lower case
//!   into upper case inside words;
//! * symbols glued to letters (`€` or `±` inside a word, `‰` before one),
//!   letters of two scripts in one word, letters glued to digits.
//!
//! The model is a bigram over *character classes*, not characters: each
//! non-ASCII character has a unary cost by class, and each adjacent pair in
//! which at least one character is non-ASCII has a pair cost. Costs are
//! hand-set, roughly negative log-likelihoods in natural-log units ("how much
//! rarer is this than a letter in ordinary text"), so sums over a text compare
//! candidates and differences of sums behave like log-odds. ASCII is the same
//! in every candidate and costs nothing by itself.

use encoding_rs::Encoding;

/// Writing systems that matter for "two scripts in one word".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Latin,
    Greek,
    Cyrillic,
    Hebrew,
    Arabic,
    Thai,
    /// Han, kana and full-width forms, which mix freely in Japanese.
    Cjk,
    Hangul,
    Other,
}

/// The class of one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// ASCII white space, no-break and other Unicode spaces.
    Space,
    Digit,
    /// ASCII punctuation and symbols.
    AsciiPunct,
    Lower(Script),
    Upper(Script),
    /// Letters without case (Hebrew, Arabic, Thai, CJK, …).
    Caseless(Script),
    /// Combining marks.
    Mark,
    /// Opening typographic punctuation: `« „ “ ‘ ‚ ‹ ¡ ¿`.
    Open,
    /// Closing typographic punctuation: `» ” › …`.
    Close,
    /// `’` and `ʼ`: a closing quote, but mostly an apostrophe inside words.
    Apostrophe,
    /// Hyphens and dashes (`‐ – —`) and the middle dot: English sets an em
    /// dash right between words (`word—word`), Catalan a middle dot inside
    /// one (`col·lecció`).
    Dash,
    /// Bullets and East Asian punctuation: fine between words, odd inside
    /// them.
    Bullet,
    /// Symbols that go with numbers: `° ½ ² € £ § № ± × µ`.
    NumSym,
    /// Symbols ordinary text uses now and then: `© ® ™ † ¶`.
    Symbol,
    /// Characters prose practically never contains: spacing accents, `¤ ¦ ¬`,
    /// box drawing, math operators, private use.
    Odd,
    /// C0/C1 controls other than white space, and U+FFFD (undecodable bytes).
    Control,
}

impl Class {
    fn script(self) -> Option<Script> {
        match self {
            Class::Lower(s) | Class::Upper(s) | Class::Caseless(s) => Some(s),
            _ => None,
        }
    }
    fn is_letter(self) -> bool {
        self.script().is_some()
    }
}

fn script_of(c: char) -> Script {
    match c as u32 {
        0x41..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        0x400..=0x52F => Script::Cyrillic,
        0x590..=0x5FF | 0xFB1D..=0xFB4F => Script::Hebrew,
        0x600..=0x6FF | 0x750..=0x77F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Arabic,
        0xE00..=0xE7F => Script::Thai,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
        0x2E80..=0x2FFF | 0x3040..=0x30FF | 0x3190..=0x9FFF | 0xF900..=0xFAFF => Script::Cjk,
        0xFF00..=0xFFEF | 0x20000..=0x2FFFF => Script::Cjk,
        _ => Script::Other,
    }
}

/// The class of a character.
pub fn classify(c: char) -> Class {
    match c {
        ' '
        | '\t'
        | '\n'
        | '\r'
        | '\x0c'
        | '\u{a0}'
        | '\u{2000}'..='\u{200a}'
        | '\u{202f}'
        | '\u{3000}' => Class::Space,
        '0'..='9' => Class::Digit,
        'a'..='z' => Class::Lower(Script::Latin),
        'A'..='Z' => Class::Upper(Script::Latin),
        '\u{fffd}' => Class::Control,
        c if c.is_ascii_control() => Class::Control,
        c if c.is_ascii() => Class::AsciiPunct,
        '\u{80}'..='\u{9f}' => Class::Control,
        '«' | '„' | '“' | '‘' | '‚' | '‹' | '¡' | '¿' | '\u{300c}' | '\u{300e}' | '\u{3008}'
        | '\u{300a}' | '\u{3010}' | '\u{ff08}' => Class::Open,
        '’' | '\u{2bc}' => Class::Apostrophe,
        '»' | '”' | '›' | '…' | '\u{3001}' | '\u{3002}' | '\u{300d}' | '\u{300f}' | '\u{3009}'
        | '\u{300b}' | '\u{3011}' | '\u{ff09}' | '\u{ff0c}' | '\u{ff0e}' | '\u{ff01}'
        | '\u{ff1f}' | '\u{ff1a}' | '\u{ff1b}' => Class::Close,
        '\u{2010}'..='\u{2015}' | '·' => Class::Dash,
        '•' | '\u{30fb}' | '\u{2027}' => Class::Bullet,
        '°' | '½' | '¼' | '¾' | '¹' | '²' | '³' | '‰' | '€' | '£' | '¥' | '¢' | '§' | '№' | '±'
        | '×' | '÷' | 'µ' | 'ª' | 'º' | '\u{20a9}' | '\u{20aa}' => Class::NumSym,
        '©' | '®' | '™' | '†' | '‡' | '¶' | '\u{2031}'..='\u{2033}' | '\u{ad}' => {
            Class::Symbol
        }
        '\u{300}'..='\u{36f}' => Class::Mark,
        c if c.is_alphabetic() => {
            let script = script_of(c);
            if c.is_lowercase() {
                Class::Lower(script)
            } else if c.is_uppercase() {
                Class::Upper(script)
            } else {
                Class::Caseless(script)
            }
        }
        c if c.is_numeric() => Class::NumSym,
        c if c.is_whitespace() => Class::Space,
        c if c.is_control() => Class::Control,
        // CJK symbols and punctuation not listed above.
        '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}' => Class::Bullet,
        _ => Class::Odd,
    }
}

/// Cost of one non-ASCII character by itself.
fn unary(c: Class) -> f32 {
    match c {
        Class::Control => 10.0,
        Class::Odd => 3.0,
        Class::Symbol => 1.0,
        Class::NumSym => 0.5,
        Class::Mark => 0.3,
        Class::Open
        | Class::Close
        | Class::Apostrophe
        | Class::Dash
        | Class::Bullet
        | Class::Space => 0.2,
        _ => 0.0,
    }
}

/// Letters of scripts written without spaces between words.
fn unspaced(c: Class) -> bool {
    matches!(c.script(), Some(Script::Cjk | Script::Thai))
}

/// Cost of two adjacent characters, at least one of them non-ASCII.
fn pair(a: Class, b: Class) -> f32 {
    use Class::*;
    match (a, b) {
        (Lower(s), Upper(t)) => {
            // Case breaks mid-word: `пРИВЕТ`, `cafÉ`.
            3.0 + if s != t { 3.0 } else { 0.0 }
        }
        // Inside an all-capitals word: less common than lower case.
        (Upper(s), Upper(t)) if s == t => 0.3,
        (x, y) if x.is_letter() && y.is_letter() => {
            let (s, t) = (x.script().unwrap(), y.script().unwrap());
            if s == t {
                0.0
            } else {
                3.0
            }
        }
        (x, Digit) | (Digit, x) if x.is_letter() => 3.5,
        (NumSym, Digit) | (Digit, NumSym) => -0.5,
        (x, Symbol | Odd | NumSym) | (Symbol | Odd | NumSym, x) if x.is_letter() => 1.5,
        // Scripts written without spaces put brackets and quotes right
        // against letters; the others do not.
        (x, Open) if x.is_letter() && !unspaced(x) => 1.0,
        (Close, x) if x.is_letter() && !unspaced(x) => 1.0,
        (Bullet, x) | (x, Bullet) if x.is_letter() => 0.5,
        (Mark, _) => 0.0,
        (x, Mark) if !x.is_letter() => 2.0,
        _ => 0.0,
    }
}

/// Total cost of a decoded text: lower is more plausible.
pub fn text_cost(text: &str) -> f32 {
    let mut sum = CostSum::default();
    sum.push_str(text);
    sum.total()
}

/// [`text_cost`] added up piece by piece, so that text made of pieces (valid
/// UTF-8 runs and the bytes between them) need not be copied into one string
/// first. It adds the terms of [`char_costs`] in the same order and skips
/// only the runs of ASCII after ASCII, whose terms are exactly zero, so it is
/// the same number to the last bit.
#[derive(Debug, Clone, Copy)]
pub struct CostSum {
    prev: Option<(Class, bool)>,
    total: f32,
}

impl Default for CostSum {
    fn default() -> Self {
        CostSum {
            prev: None,
            // What `Iterator::sum` of floats starts from.
            total: -0.0,
        }
    }
}

impl CostSum {
    /// Add one character.
    pub fn push(&mut self, c: char) {
        let class = classify(c);
        let ascii = c.is_ascii();
        let mut cost = if ascii { 0.0 } else { unary(class) };
        if let Some((p, p_ascii)) = self.prev {
            if !(ascii && p_ascii) {
                cost += pair(p, class);
            }
        }
        self.prev = Some((class, ascii));
        self.total += cost;
    }

    /// Add the characters of `text`. An ASCII character after an ASCII one
    /// costs nothing: of a run of ASCII, only the first (which may follow a
    /// non-ASCII character) is added and the last (which a non-ASCII one may
    /// follow) classified.
    pub fn push_str(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let next = super::detect::next_non_ascii(bytes, i).unwrap_or(bytes.len());
            if next > i {
                let after_non_ascii = matches!(self.prev, Some((_, false)));
                if after_non_ascii {
                    self.push(char::from(bytes[i]));
                }
                if next - 1 > i || !after_non_ascii {
                    self.prev = Some((classify(char::from(bytes[next - 1])), true));
                }
                i = next;
            }
            if let Some(c) = text[i..].chars().next() {
                self.push(c);
                i += c.len_utf8();
            }
        }
    }

    /// The sum. The terms skipped are +0.0, which turns a running sum of
    /// -0.0 into +0.0: the sum of anything but nothing is not -0.0.
    pub fn total(&self) -> f32 {
        match self.prev {
            Some(_) => self.total + 0.0,
            None => self.total,
        }
    }
}

/// Each character with its cost (unary plus the pair it ends): what
/// [`text_cost`] adds up, for explaining a decision.
pub fn char_costs(text: &str) -> impl Iterator<Item = (char, f32)> + '_ {
    let mut prev: Option<(Class, bool)> = None;
    text.chars().map(move |c| {
        let class = classify(c);
        let ascii = c.is_ascii();
        let mut cost = if ascii { 0.0 } else { unary(class) };
        if let Some((p, p_ascii)) = prev {
            if !(ascii && p_ascii) {
                cost += pair(p, class);
            }
        }
        prev = Some((class, ascii));
        (c, cost)
    })
}

const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Byte → class for a single-byte encoding, for fast scoring without decoding.
pub struct ByteClasses {
    pub encoding: &'static Encoding,
    pub chars: [char; 256],
    pub classes: [Class; 256],
    /// `unary` of each byte's class.
    unary: [f32; 256],
    /// Each byte's class as an index into `pairs`, a square of `pair` costs
    /// between the distinct classes of the table.
    ids: [u8; 256],
    pairs: Vec<f32>,
    distinct: usize,
}

impl ByteClasses {
    pub fn new(encoding: &'static Encoding) -> Self {
        let mut chars = ['\0'; 256];
        let mut classes = [Class::Control; 256];
        // A single-byte encoding decodes every byte to one character (U+FFFD
        // where it maps none): all 256 bytes are decoded in one call.
        let all: [u8; 256] = std::array::from_fn(|b| b as u8);
        let (text, _) = encoding.decode_without_bom_handling(&all);
        if encoding.is_single_byte() && text.chars().count() == 256 {
            for (slot, c) in chars.iter_mut().zip(text.chars()) {
                *slot = c;
            }
        } else {
            for b in 0..=255u8 {
                let one = [b];
                let (text, malformed) = encoding.decode_without_bom_handling(&one);
                chars[b as usize] = if malformed {
                    '\u{fffd}'
                } else {
                    text.chars().next().unwrap_or('\u{fffd}')
                };
            }
        }
        for (class, &c) in classes.iter_mut().zip(&chars) {
            *class = classify(c);
        }
        let mut kinds: Vec<Class> = Vec::new();
        let mut ids = [0u8; 256];
        for (id, class) in ids.iter_mut().zip(&classes) {
            *id = match kinds.iter().position(|k| k == class) {
                Some(i) => i as u8,
                None => {
                    kinds.push(*class);
                    (kinds.len() - 1) as u8
                }
            };
        }
        let distinct = kinds.len();
        let pairs = kinds
            .iter()
            .flat_map(|&a| kinds.iter().map(move |&b| pair(a, b)))
            .collect();
        ByteClasses {
            encoding,
            chars,
            classes,
            unary: classes.map(unary),
            ids,
            pairs,
            distinct,
        }
    }

    /// `pair` of the classes of bytes `a` and `b`.
    #[inline]
    fn pair(&self, a: u8, b: u8) -> f32 {
        self.pairs[usize::from(self.ids[usize::from(a)]) * self.distinct
            + usize::from(self.ids[usize::from(b)])]
    }

    /// Cost of `bytes` decoded with this encoding (same as [`text_cost`] of
    /// the decoded text), looking only at non-ASCII bytes and their neighbours.
    pub fn cost(&self, bytes: &[u8]) -> f32 {
        Self::costs(&[self], bytes)[0]
    }

    /// [`Self::cost`] for each of `tables`, in one walk over `bytes`: the
    /// ASCII between non-ASCII bytes is skipped once for all of them. Each
    /// cost adds the same terms in the same order as a walk of its own, so
    /// it is the same number to the last bit.
    pub fn costs(tables: &[&ByteClasses], bytes: &[u8]) -> Vec<f32> {
        let mut costs = vec![0.0f32; tables.len()];
        let mut i = 0;
        while i < bytes.len() {
            // ASCII costs nothing by itself: skip it eight bytes at a time.
            if let Some(chunk) = bytes.get(i..i + 8) {
                let high = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) & HIGH_BITS;
                if high == 0 {
                    i += 8;
                    continue;
                }
                i += high.trailing_zeros() as usize / 8;
            } else if bytes[i] < 0x80 {
                i += 1;
                continue;
            }
            let b = bytes[i];
            let before = i.checked_sub(1).map(|p| bytes[p]);
            let after = bytes.get(i + 1).copied().filter(|&n| n < 0x80);
            for (cost, t) in costs.iter_mut().zip(tables) {
                *cost += t.unary[usize::from(b)];
                if let Some(p) = before {
                    *cost += t.pair(p, b);
                }
                if let Some(n) = after {
                    *cost += t.pair(b, n);
                }
            }
            i += 1;
        }
        costs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decoding the 256 bytes at once gives what decoding each alone does.
    #[test]
    fn one_call_decoding_agrees_byte_by_byte() {
        use encoding_rs::*;
        for enc in [
            WINDOWS_1250,
            WINDOWS_1251,
            WINDOWS_1252,
            WINDOWS_1253,
            WINDOWS_1254,
            WINDOWS_1255,
            WINDOWS_1256,
            WINDOWS_1257,
            WINDOWS_1258,
            WINDOWS_874,
            ISO_8859_2,
            ISO_8859_3,
            ISO_8859_4,
            ISO_8859_5,
            ISO_8859_6,
            ISO_8859_7,
            ISO_8859_8,
            ISO_8859_8_I,
            ISO_8859_10,
            ISO_8859_13,
            ISO_8859_14,
            ISO_8859_15,
            ISO_8859_16,
            KOI8_R,
            KOI8_U,
            IBM866,
            MACINTOSH,
            X_MAC_CYRILLIC,
        ] {
            let t = ByteClasses::new(enc);
            for b in 0..=255u8 {
                let one = [b];
                let (text, malformed) = enc.decode_without_bom_handling(&one);
                let c = if malformed {
                    '\u{fffd}'
                } else {
                    text.chars().next().unwrap_or('\u{fffd}')
                };
                assert_eq!(t.chars[b as usize], c, "{} {b:#x}", enc.name());
            }
        }
    }

    #[test]
    fn wrong_case_and_symbols_cost_more() {
        assert!(text_cost("Привет, мир") < text_cost("пРИВЕТ, МИР"));
        assert!(text_cost("café") < text_cost("cafÉ"));
        assert!(text_cost("ceąs") < text_cost("ce±s"));
        assert!(text_cost("5 €") < text_cost("5 ¤"));
        assert!(text_cost("1½ cups") < text_cost("1œ cups"));
    }

    #[test]
    fn byte_classes_agree_with_text_cost() {
        let t = ByteClasses::new(encoding_rs::WINDOWS_1251);
        let bytes = b"\xcf\xf0\xe8\xe2\xe5\xf2, \xec\xe8\xf0 1\xb9";
        let text = encoding_rs::WINDOWS_1251
            .decode_without_bom_handling(bytes)
            .0;
        assert!((t.cost(bytes) - text_cost(&text)).abs() < 1e-4);
    }

    /// `text_cost` adds the terms of `char_costs`, to the last bit, however
    /// the text is cut into pieces.
    #[test]
    fn cost_sum_is_exact() {
        use proptest::strategy::Strategy;
        let texts = proptest::collection::vec(
            proptest::prop_oneof![
                4 => proptest::char::range('a', 'z'),
                2 => proptest::prop_oneof![proptest::strategy::Just(' '), proptest::strategy::Just('1'), proptest::strategy::Just('.'), proptest::strategy::Just('A')],
                2 => proptest::char::range('\u{80}', '\u{2fff}'),
                1 => proptest::char::any(),
            ],
            0..120,
        )
        .prop_map(String::from_iter);
        proptest::proptest!(|(text in texts, cut in 0usize..200)| {
            let plain: f32 = char_costs(&text).map(|(_, c)| c).sum();
            proptest::prop_assert_eq!(text_cost(&text).to_bits(), plain.to_bits());
            let mut cut = cut.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let mut sum = CostSum::default();
            sum.push_str(&text[..cut]);
            sum.push_str(&text[cut..]);
            proptest::prop_assert_eq!(sum.total().to_bits(), plain.to_bits());
        });
    }

    /// The table-driven cost adds the same terms in the same order as the
    /// plain definition, so it is the same number to the last bit.
    #[test]
    fn byte_classes_cost_is_exact() {
        fn plain(t: &ByteClasses, bytes: &[u8]) -> f32 {
            let c = &t.classes;
            let mut cost = 0.0;
            for (i, &b) in bytes.iter().enumerate() {
                if b < 0x80 {
                    continue;
                }
                cost += unary(c[b as usize]);
                if i > 0 {
                    cost += pair(c[bytes[i - 1] as usize], c[b as usize]);
                }
                if let Some(&n) = bytes.get(i + 1) {
                    if n < 0x80 {
                        cost += pair(c[b as usize], c[n as usize]);
                    }
                }
            }
            cost
        }
        // Mostly ASCII letters, as text is; a quarter any byte at all.
        let bytes = proptest::collection::vec(
            proptest::prop_oneof![3 => b'a'..=b'z', 1 => proptest::num::u8::ANY],
            0..300,
        );
        let tables: Vec<ByteClasses> = [
            encoding_rs::WINDOWS_1252,
            encoding_rs::KOI8_R,
            encoding_rs::MACINTOSH,
        ]
        .into_iter()
        .map(ByteClasses::new)
        .collect();
        proptest::proptest!(|(bytes in bytes)| {
            for t in &tables {
                proptest::prop_assert_eq!(t.cost(&bytes).to_bits(), plain(t, &bytes).to_bits());
            }
            let all: Vec<&ByteClasses> = tables.iter().collect();
            let together = ByteClasses::costs(&all, &bytes);
            for (t, c) in tables.iter().zip(together) {
                proptest::prop_assert_eq!(c.to_bits(), plain(t, &bytes).to_bits());
            }
        });
    }
}
