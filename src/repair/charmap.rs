//! Single-byte code pages as character ↔ byte tables, for undoing mojibake:
//! to see what a wrongly decoded text was, encode it back with the code page
//! it was wrongly decoded with and read the bytes as UTF-8.
//!
//! "Sloppy" tables map the bytes a code page leaves undefined to the C1
//! control of the same value (what encoding_rs and most software produce for
//! windows-1252), and also accept C1 controls for every byte 0x80–0x9F, so a
//! Latin-1 reading (`â\u{80}\u{99}`) encodes back like a Windows-1252 one.

use encoding_rs::Encoding;
use std::sync::OnceLock;

/// A code page mojibake is undone through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Windows1252,
    Windows1251,
    Windows1250,
    Iso8859_2,
    Windows1257,
    MacRoman,
    Cp437,
}

impl Page {
    /// In the order they are tried; the first is by far the most common.
    pub const ALL: [Page; 7] = [
        Page::Windows1252,
        Page::Windows1251,
        Page::Windows1250,
        Page::Iso8859_2,
        Page::Windows1257,
        Page::MacRoman,
        Page::Cp437,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Page::Windows1252 => "windows-1252",
            Page::Windows1251 => "windows-1251",
            Page::Windows1250 => "windows-1250",
            Page::Iso8859_2 => "ISO-8859-2",
            Page::Windows1257 => "windows-1257",
            Page::MacRoman => "macintosh",
            Page::Cp437 => "cp437",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The table for this page.
    pub fn table(self) -> &'static Table {
        static TABLES: OnceLock<Vec<Table>> = OnceLock::new();
        &TABLES.get_or_init(|| Page::ALL.iter().map(|p| Table::build(*p)).collect())[self.index()]
    }
}

/// The high half (0x80–0xFF) of IBM code page 437.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

/// Character ↔ byte for the high half of one code page.
#[derive(Debug)]
pub struct Table {
    /// Byte 0x80 + i decodes to `high[i]`.
    pub high: [char; 128],
    /// Sorted by char, for encoding characters outside `FAST`.
    rev: Vec<(char, u8)>,
    /// The byte of each character in `FAST` (0: none), indexed by
    /// `fast_index`: every high byte of the supported pages but a few
    /// (Mac Roman's ligatures and Apple logo) decodes into these ranges.
    fast: Box<[u8]>,
    /// The continuation bytes (0x80–0xBF) the page leaves undefined (they
    /// decode to C1 controls).
    pub undefined: Vec<u8>,
}

/// Character ranges with a direct encoding table: Latin, Greek, Cyrillic
/// (U+0080–U+07FF), and punctuation, symbols, math and box drawing
/// (U+2000–U+25FF).
const FAST: [(u32, u32); 2] = [(0x80, 0x800), (0x2000, 0x2600)];

#[inline]
fn fast_index(c: char) -> Option<usize> {
    let u = c as u32;
    if u < FAST[0].1 {
        Some((u - FAST[0].0) as usize)
    } else if (FAST[1].0..FAST[1].1).contains(&u) {
        Some((FAST[0].1 - FAST[0].0 + u - FAST[1].0) as usize)
    } else {
        None
    }
}

const FAST_LEN: usize = (FAST[0].1 - FAST[0].0 + FAST[1].1 - FAST[1].0) as usize;

impl Table {
    fn build(page: Page) -> Table {
        let mut high = ['\0'; 128];
        match page {
            Page::Cp437 => {
                for (i, c) in CP437_HIGH.chars().enumerate() {
                    high[i] = c;
                }
            }
            _ => {
                let enc: &'static Encoding = match page {
                    Page::Windows1252 => encoding_rs::WINDOWS_1252,
                    Page::Windows1251 => encoding_rs::WINDOWS_1251,
                    Page::Windows1250 => encoding_rs::WINDOWS_1250,
                    Page::Iso8859_2 => encoding_rs::ISO_8859_2,
                    Page::Windows1257 => encoding_rs::WINDOWS_1257,
                    _ => encoding_rs::MACINTOSH,
                };
                for (i, slot) in high.iter_mut().enumerate() {
                    let b = [0x80 + i as u8];
                    *slot = enc
                        .decode_without_bom_handling_and_without_replacement(&b)
                        .and_then(|s| s.chars().next())
                        .filter(|&c| c != '\u{FFFD}')
                        .unwrap_or(char::from(0x80 + i as u8));
                }
            }
        }
        let mut rev: Vec<(char, u8)> = high
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, 0x80 + i as u8))
            .collect();
        // Latin-1 readings of Windows-1252 text: every C1 control stands for
        // its own byte. (Other pages map only their undefined bytes to C1
        // controls; their Latin reading, ISO-8859-2, is a page of its own.)
        if page == Page::Windows1252 {
            for b in 0x80..=0x9Fu8 {
                let c = char::from(b);
                if !rev.iter().any(|&(x, _)| x == c) {
                    rev.push((c, b));
                }
            }
        }
        rev.sort_unstable();
        rev.dedup_by_key(|e| e.0);
        let mut fast = vec![0u8; FAST_LEN].into_boxed_slice();
        for &(c, b) in &rev {
            if let Some(i) = fast_index(c) {
                fast[i] = b;
            }
        }
        let undefined = (0x80..=0xBFu8)
            .filter(|&b| matches!(high[usize::from(b - 0x80)] as u32, 0x80..=0x9F))
            .collect();
        Table {
            high,
            rev,
            fast,
            undefined,
        }
    }

    /// The byte `c` encodes to, if any (ASCII encodes to itself).
    #[inline]
    pub fn encode(&self, c: char) -> Option<u8> {
        if c.is_ascii() {
            return Some(c as u8);
        }
        if let Some(i) = fast_index(c) {
            let b = self.fast[i];
            return (b != 0).then_some(b);
        }
        self.rev
            .binary_search_by_key(&c, |e| e.0)
            .ok()
            .map(|i| self.rev[i].1)
    }

    /// The character byte `b` decodes to.
    #[inline]
    pub fn decode(&self, b: u8) -> char {
        if b < 0x80 {
            char::from(b)
        } else {
            self.high[(b - 0x80) as usize]
        }
    }
}

/// Per character, the code pages (bit `Page as usize`) in which it encodes
/// to a UTF-8 lead byte (0xC2–0xF4) and to a continuation byte (0x80–0xBF):
/// mojibake needs a lead character followed by a continuation character.
#[derive(Debug)]
pub struct Masks {
    /// (lead, continuation) for the characters of `FAST`.
    fast: Box<[(u8, u8)]>,
    /// The same for the few characters of the pages outside `FAST`, sorted.
    rest: Vec<(char, u8, u8)>,
}

impl Masks {
    /// The masks of every page.
    pub fn get() -> &'static Masks {
        static MASKS: OnceLock<Masks> = OnceLock::new();
        MASKS.get_or_init(|| {
            let mut fast = vec![(0u8, 0u8); FAST_LEN].into_boxed_slice();
            let mut rest: Vec<(char, u8, u8)> = Vec::new();
            for page in Page::ALL {
                let bit = 1u8 << page.index();
                let t = page.table();
                for &(c, b) in &t.rev {
                    let (lead, cont) = (
                        u8::from((0xC2..=0xF4).contains(&b)) * bit,
                        u8::from((0x80..=0xBF).contains(&b)) * bit,
                    );
                    match fast_index(c) {
                        Some(i) => {
                            fast[i].0 |= lead;
                            fast[i].1 |= cont;
                        }
                        None => match rest.iter_mut().find(|e| e.0 == c) {
                            Some(e) => {
                                e.1 |= lead;
                                e.2 |= cont;
                            }
                            None => rest.push((c, lead, cont)),
                        },
                    }
                }
            }
            rest.sort_unstable_by_key(|e| e.0);
            Masks { fast, rest }
        })
    }

    /// (lead, continuation) page masks of a non-ASCII character.
    #[inline]
    pub fn of(&self, c: char) -> (u8, u8) {
        if let Some(i) = fast_index(c) {
            return self.fast[i];
        }
        if self.rest.first().is_none_or(|e| c < e.0) {
            return (0, 0);
        }
        self.rest
            .binary_search_by_key(&c, |e| e.0)
            .map_or((0, 0), |i| (self.rest[i].1, self.rest[i].2))
    }
}

/// Is `b` undefined in Windows-1252 (so often lost or replaced in transit)?
pub fn cp1252_undefined(b: u8) -> bool {
    matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D)
}

/// The Windows-1252 character of a C1 control's byte, if that byte is defined.
pub fn cp1252_of_c1(c: char) -> Option<char> {
    let b = u32::from(c);
    if !(0x80..=0x9F).contains(&b) || cp1252_undefined(b as u8) {
        return None;
    }
    Some(Page::Windows1252.table().decode(b as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip() {
        for page in Page::ALL {
            let t = page.table();
            for b in 0x80..=0xFFu8 {
                assert_eq!(t.encode(t.decode(b)), Some(b), "{page:?} {b:02X}");
            }
        }
        let t = Page::Windows1252.table();
        assert_eq!(t.encode('’'), Some(0x92));
        assert_eq!(t.encode('\u{92}'), Some(0x92));
        assert_eq!(t.encode('\u{9d}'), Some(0x9D));
        assert_eq!(Page::Cp437.table().encode('╨'), Some(0xD0));
        assert_eq!(Page::MacRoman.table().encode('√'), Some(0xC3));
        assert_eq!(cp1252_of_c1('\u{93}'), Some('“'));
        assert_eq!(cp1252_of_c1('\u{81}'), None);
    }

    #[test]
    fn fast_encoding_agrees_with_the_table() {
        let masks = Masks::get();
        for page in Page::ALL {
            let t = page.table();
            let bit = 1u8 << page.index();
            for &(c, b) in &t.rev {
                assert_eq!(t.encode(c), Some(b), "{page:?} {c:?}");
                let (lead, cont) = masks.of(c);
                assert_eq!(lead & bit != 0, (0xC2..=0xF4).contains(&b), "{c:?}");
                assert_eq!(cont & bit != 0, (0x80..=0xBF).contains(&b), "{c:?}");
            }
            for c in ['\u{100}', '\u{2600}', '\u{4e2d}', '\u{1f600}', '\u{fffd}'] {
                if !t.rev.iter().any(|e| e.0 == c) {
                    assert_eq!(t.encode(c), None, "{page:?} {c:?}");
                }
            }
        }
    }
}
