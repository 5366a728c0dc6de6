//! Character classes and a "badness" score of short strings, used by the
//! mojibake rule to decide whether a candidate decoding reads better than the
//! text it replaces. The score counts things that are rare in real text and
//! typical of mojibake: C1 controls, phonetic and obsolete letters, an
//! accented capital glued to a symbol (`Ã©`), scripts mixed inside a word,
//! box drawing next to letters, symbols inside words.

/// Coarse script of a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    Indic,
    Thai,
    Hangul,
    Cjk,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Space,
    /// A letter: script, uppercase?, ASCII?
    Letter(Script, bool, bool),
    Digit,
    AsciiPunct,
    /// Typographic punctuation: quotes, dashes, ellipsis, guillemets, NBSP.
    Punct,
    /// Symbols: ©, °, £, ±, ¨, math, currency, arrows…
    Sym,
    /// Box drawing, blocks, geometric shapes.
    Box,
    /// Combining marks.
    Mark,
    /// C0/C1 controls.
    Control,
    /// Letters and signs almost never seen in running text: IPA, modifier
    /// letters, obsolete Latin and Cyrillic, private use, format characters.
    Rare,
    /// U+FFFD.
    Repl,
    /// Emoji and other pictographs.
    Emoji,
}

pub fn class(c: char) -> Class {
    Classes::get().of(c)
}

/// [`class`] with its table at hand, for loops over many characters.
#[derive(Clone, Copy)]
pub struct Classes(&'static [Class]);

impl Classes {
    pub fn get() -> Classes {
        Classes(class_table())
    }

    /// The class of `c`.
    #[inline]
    pub fn of(self, c: char) -> Class {
        let u = c as u32;
        if u < LOW_END {
            return self.0[u as usize];
        }
        if (PUNCT.0..PUNCT.1).contains(&u) {
            return self.0[(LOW_END + u - PUNCT.0) as usize];
        }
        class_of(c)
    }
}

/// [`class`] is looked up in a table for the characters below this (Latin,
/// Greek, Cyrillic, Hebrew, Arabic) and for those of `PUNCT` (punctuation,
/// symbols, box drawing): what mojibake is made of.
const LOW_END: u32 = 0x800;
const PUNCT: (u32, u32) = (0x2000, 0x2600);

fn class_table() -> &'static [Class] {
    static TABLE: std::sync::OnceLock<Box<[Class]>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0..LOW_END)
            .chain(PUNCT.0..PUNCT.1)
            .map(|u| char::from_u32(u).map_or(Class::Rare, class_of))
            .collect()
    })
}

/// [`class`], worked out.
fn class_of(c: char) -> Class {
    use Class::*;
    let u = c as u32;
    if c.is_ascii() {
        return match c {
            ' ' | '\t' | '\n' | '\r' => Space,
            'a'..='z' => Letter(Script::Latin, false, true),
            'A'..='Z' => Letter(Script::Latin, true, true),
            '0'..='9' => Digit,
            '\0'..='\x1f' | '\x7f' => Control,
            _ => AsciiPunct,
        };
    }
    match u {
        0x80..=0x9F => Control,
        0xA0 => Punct,
        0xA1..=0xBF => match c {
            '«' | '»' => Punct,
            '\u{ad}' => Rare,
            _ => Sym,
        },
        0xD7 | 0xF7 => Sym,
        0xC0..=0x17F => match c {
            'ſ' | 'ĸ' | 'ŉ' => Rare,
            _ => latin(c),
        },
        0x180..=0x24F => {
            let common = matches!(u, 0x192 | 0x1A0 | 0x1A1 | 0x1AF | 0x1B0 | 0x1C4..=0x1DC | 0x1E6..=0x1E7 | 0x218..=0x21B);
            if u == 0x192 {
                Sym // ƒ
            } else if common {
                latin(c)
            } else {
                Rare
            }
        }
        0x250..=0x2FF => match c {
            'ˆ' | '˜' | '˘' | '˙' | '˚' | '˛' | '˝' | 'ˇ' | 'ʼ' => Sym,
            _ => Rare,
        },
        0x300..=0x36F => Mark,
        0x370..=0x3FF => match u {
            0x386 | 0x388..=0x3CE => letter(c, Script::Greek),
            _ => Rare,
        },
        0x400..=0x45F => letter(c, Script::Cyrillic),
        0x490..=0x491 => letter(c, Script::Cyrillic),
        0x460..=0x52F => Rare,
        0x531..=0x587 => letter(c, Script::Armenian),
        0x5D0..=0x5EA => Letter(Script::Hebrew, false, false),
        0x591..=0x5C7 => Rare,
        0x600..=0x6FF => match u {
            0x610..=0x61A | 0x64B..=0x65F | 0x670 => Mark,
            0x621..=0x64A | 0x660..=0x669 | 0x671..=0x6D3 => Letter(Script::Arabic, false, false),
            0x60C | 0x61B | 0x61F => Punct,
            _ => Rare,
        },
        0x700..=0x8FF => Rare,
        0x900..=0xDFF => {
            if is_mark_indic(u) {
                Mark
            } else {
                Letter(Script::Indic, false, false)
            }
        }
        0xE00..=0xE7F => {
            if matches!(u, 0xE31 | 0xE34..=0xE3A | 0xE47..=0xE4E) {
                Mark
            } else {
                Letter(Script::Thai, false, false)
            }
        }
        0x10A0..=0x10FF => Letter(Script::Other, false, false),
        0x1100..=0x11FF | 0xAC00..=0xD7AF | 0x3130..=0x318F => Letter(Script::Hangul, false, false),
        0x1D00..=0x1DFF => Rare,
        0x1E00..=0x1EFF => latin(c),
        0x1F00..=0x1FFF => letter(c, Script::Greek),
        0x2000..=0x200F | 0x2010..=0x2011 | 0x2028..=0x202F | 0x205F..=0x206F => Rare,
        0x2012..=0x2027 => match c {
            '†' | '‡' => Sym,
            _ => Punct,
        },
        0x2030..=0x205E => match c {
            '‹' | '›' => Punct,
            _ => Sym,
        },
        0x2070..=0x20CF => Sym,
        0x20D0..=0x20FF => Mark,
        0x2100..=0x24FF => Sym,
        0x2500..=0x25FF => Box,
        0x2600..=0x27BF => Emoji,
        0x27C0..=0x2BFF => Sym,
        0x3001..=0x3003 => Punct,
        0x3190..=0x319F => Rare,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF => {
            Letter(Script::Cjk, false, false)
        }
        0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 => Punct,
        0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF => Letter(Script::Cjk, false, false),
        0xE000..=0xF8FF => Rare,
        0xFB00..=0xFB06 => latin(c),
        0xFE00..=0xFE0F => Mark,
        0xFEFF => Rare,
        0xFFFD => Repl,
        0xFFF0..=0xFFFF => Rare,
        0x1F000..=0x1FAFF => Emoji,
        0x20000..=0x3FFFF => Letter(Script::Cjk, false, false),
        0xE0000..=0x10FFFF => Rare,
        _ => {
            if c.is_alphabetic() {
                Letter(Script::Other, c.is_uppercase(), false)
            } else {
                Sym
            }
        }
    }
}

fn latin(c: char) -> Class {
    Class::Letter(Script::Latin, c.is_uppercase(), false)
}

fn letter(c: char, s: Script) -> Class {
    Class::Letter(s, c.is_uppercase(), false)
}

fn is_mark_indic(u: u32) -> bool {
    // Vowel signs, viramas and nuktas sit at these offsets in every Indic block.
    let off = u & 0x7F;
    matches!(off, 0x00..=0x03 | 0x3A..=0x4F | 0x51..=0x57 | 0x62..=0x63)
}

/// Punctuation that may stand between two letters in good text.
fn joins_words(c: char) -> bool {
    matches!(c, '’' | '‘' | '—' | '–' | '-' | '\'' | '…' | '·' | '\u{a0}')
}

/// Characters whose Windows-1252 byte is a UTF-8 continuation byte and which
/// are letters: after an accented letter they betray mojibake (`Ãœ`, `Å¡`).
/// Could `chars` begin with the bytes of one whole UTF-8 sequence, its
/// first character a lead byte and the next ones continuation bytes, in one
/// of the code pages mojibake is read through?
fn starts_sequence(chars: &[char]) -> bool {
    let Some((&first, rest)) = chars.split_first() else {
        return false;
    };
    super::charmap::Page::ALL.iter().any(|page| {
        let t = page.table();
        let need = match t.encode(first) {
            Some(0xC2..=0xDF) => 1,
            Some(0xE0..=0xEF) => 2,
            Some(0xF0..=0xF4) => 3,
            _ => return false,
        };
        rest.len() >= need
            && rest[..need]
                .iter()
                .all(|&c| matches!(t.encode(c), Some(0x80..=0xBF)))
    })
}

fn cp1252_cont_letter(c: char) -> bool {
    matches!(c, 'Š' | 'š' | 'Œ' | 'œ' | 'Ž' | 'ž' | 'Ÿ' | 'ª' | 'º' | 'µ')
}

/// Cyrillic letters outside the Russian alphabet that Windows-1251 puts at
/// continuation bytes (`Ђ`, `ѕ`, `ґ`, …).
fn cyrillic_extra(c: char) -> bool {
    matches!(c as u32, 0x402..=0x40F | 0x452..=0x45F | 0x490..=0x491)
        && !matches!(c, 'І' | 'і' | 'Ї' | 'ї' | 'Є' | 'є')
}

/// Is the `’` at `i` an apostrophe of a contraction or possessive (`Ã’s`)?
#[inline]
fn contraction(s: &[char], i: usize) -> bool {
    matches!(s[i], '’' | '\'') && contraction_after(s, i)
}

/// [`contraction`] once `s[i]` is known to be an apostrophe.
fn contraction_after(s: &[char], i: usize) -> bool {
    let rest = &s[i + 1..];
    let n = rest.iter().take_while(|c| c.is_alphabetic()).count();
    CONTRACTION_ENDS
        .iter()
        .any(|end| end.chars().eq(rest[..n].iter().copied()))
}

/// The letters after the apostrophe of a contraction or possessive.
pub const CONTRACTION_ENDS: [&str; 7] = ["s", "t", "d", "m", "ll", "ve", "re"];

fn is_letter(k: Class) -> bool {
    matches!(k, Class::Letter(..))
}

/// A non-letter, non-ASCII character that may be part of a mojibake run.
fn junk(k: Class) -> bool {
    matches!(k, Class::Sym | Class::Box | Class::Control | Class::Punct)
}

/// How implausible `s` is as real text; 0 for ordinary words.
pub fn badness(s: &[char]) -> i32 {
    let table = Classes::get();
    let mut buf = [Class::Space; 64];
    let heap: Vec<Class>;
    let classes: &[Class] = if s.len() <= buf.len() {
        for (slot, &c) in buf.iter_mut().zip(s) {
            *slot = table.of(c);
        }
        &buf[..s.len()]
    } else {
        heap = s.iter().map(|&c| table.of(c)).collect();
        &heap
    };
    let mut bad = 0;
    // Where the runs below may start: the first non-ASCII junk character
    // (every non-ASCII character passes through the loop).
    let mut first_junk = s.len();
    for (i, (&c, &k)) in s.iter().zip(classes).enumerate() {
        // Nothing below scores an ASCII character other than a control
        // followed by an ASCII character or by nothing.
        if c.is_ascii() && k != Class::Control && s.get(i + 1).is_none_or(|n| n.is_ascii()) {
            continue;
        }
        if first_junk == s.len() && !c.is_ascii() && junk(k) {
            first_junk = i;
        }
        let prev = i.checked_sub(1).map(|j| (s[j], classes[j]));
        let next = s.get(i + 1).map(|&n| (n, classes[i + 1]));
        let next2 = s.get(i + 2).map(|_| classes[i + 2]);
        match k {
            Class::Control if !matches!(c, '\t' | '\n' | '\r') => bad += 10,
            Class::Rare => bad += 8,
            Class::Mark
                if !prev.is_some_and(|(_, p)| {
                    matches!(
                        p,
                        Class::Letter(..)
                            | Class::Mark
                            | Class::Digit
                            | Class::Sym
                            | Class::AsciiPunct
                            | Class::Emoji
                    )
                }) =>
            {
                bad += 3
            }
            Class::Repl if prev.is_some_and(|(p, pk)| is_letter(pk) && !p.is_ascii()) => bad += 3,
            _ => {}
        }
        // Two scripts on either side of a symbol inside a word: `Չ€the`.
        if let (
            Some((_, Class::Letter(a, _, _))),
            Class::Sym | Class::Box,
            Some((_, Class::Letter(b, _, _))),
        ) = (prev, k, next)
        {
            if a != b {
                bad += 3;
            }
        }
        let Some((n, nk)) = next else { continue };
        // Looked at only where it matters: most characters are not before a `’`.
        let apostrophe = || contraction(s, i + 1);
        match (k, nk) {
            // An accented Latin letter glued to a symbol: `Ã©`, `Â£`, `Ã¥`.
            (Class::Letter(Script::Latin, _, false), Class::Sym) => {
                bad += if matches!(n, '©' | '®' | '™' | '°') {
                    1
                } else {
                    3
                };
            }
            // … or to punctuation inside a word, where the two can be the
            // bytes of one UTF-8 sequence: `Ã‰cole`, `AÃ‘OS` (not `café—and`:
            // `é` is a three-byte lead there, and `a` no continuation).
            (Class::Letter(_, _, false), Class::Punct)
                if n != '\u{a0}'
                    && next2.is_some_and(is_letter)
                    && !apostrophe()
                    && starts_sequence(&s[i..]) =>
            {
                bad += 3;
            }
            (Class::Letter(Script::Latin, _, false), Class::Letter(Script::Latin, _, _))
                if cp1252_cont_letter(n) && matches!(c, 'Â'..='ß') =>
            {
                bad += 3;
            }
            // A lowercase word turning into an accented capital: `rÃ©`.
            (Class::Letter(Script::Latin, false, _), Class::Letter(Script::Latin, true, false)) => {
                bad += 2
            }
            // A lowercase letter inside a run of capitals: `MģM`, `AHř`.
            (Class::Letter(_, true, _), Class::Letter(_, false, false))
                if n != 'ß'
                    && (next2.is_some_and(|k| matches!(k, Class::Letter(_, true, _)))
                        || prev.is_some_and(|(_, p)| matches!(p, Class::Letter(_, true, _)))) =>
            {
                bad += 3
            }
            // Two accented capitals before a lowercase letter: `ÄÆdomu`.
            (
                Class::Letter(Script::Latin, true, false),
                Class::Letter(Script::Latin, true, false),
            ) if next2.is_some_and(|k| matches!(k, Class::Letter(_, false, _))) => bad += 3,
            (Class::Letter(a, _, _), Class::Letter(b, _, _)) if a != b => {
                bad += if a == Script::Greek || b == Script::Greek {
                    1
                } else {
                    3
                };
            }
            (Class::Box, Class::Letter(_, _, false)) | (Class::Letter(_, _, false), Class::Box) => {
                bad += 3
            }
            _ => {}
        }
        // An accented capital standing alone before a lowercase word: `Å veices`.
        if matches!(k, Class::Letter(Script::Latin, true, false))
            && prev.is_none_or(|(_, p)| p == Class::Space)
            && n == ' '
            && s.get(i + 2).is_some_and(|c| c.is_lowercase())
        {
            bad += 2;
        }
        // A three-byte lead before two continuation characters: `âœ”`, `â€™`.
        if matches!(c, 'à'..='ï') {
            let t = super::charmap::Page::Windows1252.table();
            let cont = |j: usize| {
                s.get(j)
                    .and_then(|&c| t.encode(c))
                    .is_some_and(|b| (0x80..=0xBF).contains(&b))
            };
            if cont(i + 1) && cont(i + 2) {
                bad += 3;
            }
        }
        // `Â` and `Ã` before anything but a letter are rare in real text.
        if matches!(c, 'Â' | 'Ã') && matches!(nk, Class::Punct | Class::Sym) && !apostrophe() {
            bad += 2;
        }
        if let (Class::Letter(Script::Cyrillic, up, _), Class::Letter(Script::Cyrillic, up2, _)) =
            (k, nk)
        {
            if cyrillic_extra(n) && matches!(c, 'Р' | 'С' | 'в') {
                bad += 3;
            } else if !up && up2 {
                bad += 2;
            }
        }
        if matches!(c, 'Р' | 'С' | 'в')
            && matches!(nk, Class::Punct | Class::Sym)
            && !matches!(n, '\u{a0}' | '«' | '»' | '—' | '–' | '…')
        {
            bad += 3;
        }
    }
    // Runs of symbols, controls and box drawing: inside or against a word
    // (`g√¢teaux`, `Zam√≤`), or long and varied (`×‘×”×•`).
    let mut i = first_junk;
    while i < s.len() {
        if !junk(classes[i]) || s[i].is_ascii() || joins_words(s[i]) || contraction(s, i) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < s.len() && junk(classes[j]) && !s[j].is_ascii() && !contraction(s, j) {
            j += 1;
        }
        let run = &s[i..j];
        let len = (j - i) as i32;
        let before = i > 0 && is_letter(classes[i - 1]);
        let after = j < s.len() && is_letter(classes[j]);
        // Typographic punctuation may cluster (`”—“`); only the symbols,
        // controls and box drawing in a run count.
        let symbolic = classes[i..j]
            .iter()
            .filter(|k| !matches!(k, Class::Punct))
            .count() as i32;
        if symbolic > 0 && ((before && after) || ((before || after) && len >= 2)) {
            bad += 2 * symbolic;
        } else if before && after && !run.iter().any(|&c| joins_words(c)) {
            // Punctuation glued inside a word (`profiter‚Ķ`).
            bad += len;
        }
        if len >= 3 && symbolic >= 2 && at_least_three_distinct(run) {
            bad += 2 * (len - 2);
        }
        i = j;
    }
    bad
}

/// Does `run` hold three different characters or more?
fn at_least_three_distinct(run: &[char]) -> bool {
    let Some(&a) = run.first() else {
        return false;
    };
    let mut b = None;
    for &c in run {
        if c == a || b == Some(c) {
            continue;
        }
        if b.is_some() {
            return true;
        }
        b = Some(c);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> i32 {
        badness(&s.chars().collect::<Vec<_>>())
    }

    #[test]
    fn words_are_good() {
        for w in [
            "café",
            "don’t",
            "Ελληνικά",
            "дороге",
            "Straße",
            "naïve",
            "CAFÉ",
            "ВІКІ",
            "—",
            "café—and",
            "Zürich–Berlin",
        ] {
            assert_eq!(b(w), 0, "{w}");
        }
        assert!(b("cafÃ©") > 0);
        assert!(b("â€™") > 0);
        // A letter and punctuation that are one UTF-8 sequence read through
        // a code page: `É` and `Ñ`.
        assert!(b("Ã‰cole") > 0);
        assert!(b("AÃ‘OS") > 0);
    }

    #[test]
    fn table_agrees_with_the_rules() {
        for u in (0..LOW_END).chain(PUNCT.0..PUNCT.1) {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(class(c), class_of(c), "{c:?}");
            }
        }
        assert!(at_least_three_distinct(&['a', 'b', 'a', 'c']));
        assert!(!at_least_three_distinct(&['a', 'b', 'a', 'b', 'b']));
        assert!(!at_least_three_distinct(&[]));
    }
}
