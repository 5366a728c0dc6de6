//! Encoding detection for files without a BOM.

use super::bom::BomKind;
use super::Method;
use crate::edit::Confidence;
use encoding_rs::{Encoding, ISO_2022_JP, UTF_8};

/// How many bytes from the first non-ASCII byte chardetng is shown.
const WINDOW: usize = 64 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct Guess {
    pub encoding: &'static Encoding,
    pub method: Method,
    pub confidence: Confidence,
}

/// Decide the encoding of BOM-less, non-binary bytes.
pub fn detect(bytes: &[u8]) -> Guess {
    let Some(first) = bytes.iter().position(|&b| b >= 0x80) else {
        if has_iso2022_escapes(bytes) {
            return guess(ISO_2022_JP, Method::Escape, Confidence::Likely);
        }
        return guess(UTF_8, Method::Utf8, Confidence::Certain);
    };
    if std::str::from_utf8(&bytes[first..]).is_ok() {
        return guess(UTF_8, Method::Utf8, Confidence::Certain);
    }
    if mostly_utf8(bytes) {
        return guess(UTF_8, Method::Utf8Mixed, Confidence::Likely);
    }
    let window = &bytes[first..bytes.len().min(first + WINDOW)];
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(window, window.len() == bytes.len() - first);
    let encoding = detector.guess(None, false);
    guess(encoding, Method::Guess, Confidence::Guess)
}

fn guess(encoding: &'static Encoding, method: Method, confidence: Confidence) -> Guess {
    Guess {
        encoding,
        method,
        confidence,
    }
}

/// ISO-2022-JP is 7-bit: its only mark is ESC `$ B`, `$ @`, `( B` or `( J`.
fn has_iso2022_escapes(bytes: &[u8]) -> bool {
    memchr::memchr_iter(0x1b, bytes).any(|i| {
        matches!(
            bytes.get(i + 1..i + 3),
            Some(b"$B") | Some(b"$@") | Some(b"(J") | Some(b"(I")
        )
    })
}

/// Valid multi-byte UTF-8 sequences outnumber invalid bytes: a UTF-8 file
/// with pieces in a legacy encoding, not a legacy file. Random legacy text
/// rarely forms valid UTF-8 sequences, so a few suffice as evidence.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_multibyte += chunk.valid().bytes().filter(|&b| b >= 0xC0).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid_multibyte >= 4 && valid_multibyte * 2 >= invalid
}

/// UTF-16 or UTF-32 without a BOM, told by where the NUL bytes fall.
pub fn nul_pattern(bytes: &[u8]) -> Option<BomKind> {
    let sample = &bytes[..bytes.len().min(4096) & !3];
    if sample.len() < 8 || memchr::memchr(0, sample).is_none() {
        return None;
    }
    let quads = sample.len() / 4;
    let mut zero_at = [0usize; 4];
    for quad in sample.chunks_exact(4) {
        for (i, b) in quad.iter().enumerate() {
            if *b == 0 {
                zero_at[i] += 1;
            }
        }
    }
    let most = |n: usize| n * 10 >= quads * 9;
    let none = |n: usize| n * 20 <= quads;
    if most(zero_at[2]) && most(zero_at[3]) && none(zero_at[0]) {
        return Some(BomKind::Utf32Le);
    }
    if most(zero_at[0]) && most(zero_at[1]) && none(zero_at[3]) {
        return Some(BomKind::Utf32Be);
    }
    let (even, odd) = (zero_at[0] + zero_at[2], zero_at[1] + zero_at[3]);
    let pairs = quads * 2;
    if odd * 10 >= pairs * 6 && even * 20 <= pairs {
        return Some(BomKind::Utf16Le);
    }
    if even * 10 >= pairs * 6 && odd * 20 <= pairs {
        return Some(BomKind::Utf16Be);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_without_bom() {
        let le: Vec<u8> = "hello world, plain"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(nul_pattern(&le), Some(BomKind::Utf16Le));
        let be: Vec<u8> = "hello world, plain"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(nul_pattern(&be), Some(BomKind::Utf16Be));
    }

    #[test]
    fn legacy_guess() {
        let g = detect(b"It didn\x92t help that the caf\xe9 was \x93closed\x94.");
        assert_eq!(g.encoding.name(), "windows-1252");
        assert_eq!(g.method, Method::Guess);
    }
}
