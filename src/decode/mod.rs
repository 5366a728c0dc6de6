//! Stage 1, decode: bytes in, UTF-8 text out.
//!
//! Order matters: a BOM decides first (UTF-32 before UTF-16); then NUL-byte
//! patterns of BOM-less UTF-16/32; then binary rejection; then strict UTF-8;
//! then a guess among legacy encodings. Bytes that the chosen encoding cannot
//! decode become U+FFFD in the text *and* are kept in [`DecodedText::invalid`], so
//! the repair stage can still recover them and nothing is lost silently.

pub mod binary;
pub mod bom;
pub mod detect;
pub mod language;
pub mod plausible;
pub mod prior;
pub mod single_byte;

use crate::edit::Confidence;
use bom::BomKind;
use encoding_rs::{DecoderResult, Encoding, UTF_8};
use serde::Serialize;
use std::borrow::Cow;

/// How the encoding was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// A byte-order mark.
    Bom,
    /// The bytes are valid UTF-8 (or plain ASCII).
    Utf8,
    /// Mostly valid UTF-8 with some invalid bytes (a mixed-encoding file).
    Utf8Mixed,
    /// NUL-byte pattern of UTF-16 or UTF-32 without a BOM.
    NulPattern,
    /// ISO-2022-JP escape sequences.
    Escape,
    /// A statistical guess among legacy encodings.
    Guess,
    /// Forced by `--encoding` or the config.
    Forced,
    /// A weak guess replaced by the collection's dominant encoding
    /// (`--corpus-prior`).
    CorpusPrior,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Bom => "bom",
            Method::Utf8 => "utf-8",
            Method::Utf8Mixed => "utf-8-mixed",
            Method::NulPattern => "nul-pattern",
            Method::Escape => "escape",
            Method::Guess => "guess",
            Method::Forced => "forced",
            Method::CorpusPrior => "corpus-prior",
        }
    }
}

/// Bytes the chosen encoding could not decode; the text holds one U+FFFD for
/// them at `offset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvalidBytes {
    /// Byte offset of the U+FFFD in the decoded text.
    pub offset: usize,
    /// Byte offset in the raw file.
    pub raw_offset: usize,
    #[serde(serialize_with = "hex")]
    pub bytes: Vec<u8>,
}

fn hex<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    let text: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
    s.serialize_str(&text.join(" "))
}

/// A decoded text file.
#[derive(Debug, Clone)]
pub struct DecodedText {
    pub text: String,
    /// encoding_rs name, or UTF-32LE/UTF-32BE.
    pub encoding: &'static str,
    pub method: Method,
    pub confidence: Confidence,
    pub bom: Option<BomKind>,
    pub invalid: Vec<InvalidBytes>,
    /// 0..1: how sure detection is (1 for BOMs, valid UTF-8 and forced).
    pub score: f32,
    /// The best alternative that decodes to different text, with its score.
    pub runner_up: Option<(&'static str, f32)>,
    /// The top candidates decode to different text and the evidence is thin.
    pub ambiguous: bool,
    /// The language the detector read the text in, when it had to guess
    /// the encoding.
    pub language: Option<&'static str>,
}

impl DecodedText {
    /// A string that is text already (a record's field, a Python `str`): no
    /// detection, and a leading U+FEFF stays in the text for the rules to
    /// see, so offsets keep counting from the string's first character.
    pub fn of_string(text: String) -> Self {
        DecodedText::utf8(text, Method::Utf8)
    }

    /// Valid UTF-8, certain.
    fn utf8(text: String, method: Method) -> Self {
        DecodedText {
            text,
            encoding: UTF_8.name(),
            method,
            confidence: Confidence::Certain,
            bom: None,
            invalid: Vec::new(),
            score: 1.0,
            runner_up: None,
            ambiguous: false,
            language: None,
        }
    }

    fn with_guess(mut self, guess: &detect::Guess) -> Self {
        self.score = guess.score;
        self.runner_up = guess.runner_up.map(|(e, s)| (e.name(), s));
        self.ambiguous = guess.ambiguous;
        self.language = guess.language;
        self
    }
}

/// What the decode stage makes of a file: text, or the reason it is binary.
#[derive(Debug, Clone)]
pub enum Content {
    Text(DecodedText),
    Binary(String),
}

/// What detection decides, before any decoding.
#[derive(Debug, Clone)]
pub enum EncodingVerdict {
    /// A BOM of this kind and length.
    Bom(BomKind, usize),
    /// UTF-16/32 without a BOM, by NUL-byte pattern or by reading as text.
    NulPattern(BomKind),
    Binary(String),
    /// Everything else: ASCII, UTF-8 or a legacy encoding.
    Guess(detect::Guess),
}

/// Detect the encoding of `bytes` without decoding them.
pub fn sniff(bytes: &[u8]) -> EncodingVerdict {
    sniff_marks(bytes).unwrap_or_else(|| EncodingVerdict::Guess(detect::detect(bytes)))
}

/// What the bytes say by themselves, before any guessing: a BOM, UTF-16/32
/// without one, or binary content (decided last, once UTF-16 has had its
/// chance: UTF-16 holds NUL bytes).
fn sniff_marks(bytes: &[u8]) -> Option<EncodingVerdict> {
    if let Some((kind, len)) = bom::sniff(bytes) {
        return Some(EncodingVerdict::Bom(kind, len));
    }
    if let Some(kind) = detect::nul_pattern(bytes) {
        return Some(EncodingVerdict::NulPattern(kind));
    }
    if let Some(kind) = detect::utf16_by_models(bytes) {
        return Some(EncodingVerdict::NulPattern(kind));
    }
    binary::binary_reason(bytes).map(EncodingVerdict::Binary)
}

/// What [`decode`] works on: the bytes (borrowed, or owned so that valid
/// UTF-8 becomes the text without a copy), an encoding that overrides
/// detection, and a collection's dominant encoding that settles weak guesses
/// ([`prior`]).
#[derive(Debug)]
pub struct DecodeInput<'a> {
    pub bytes: Cow<'a, [u8]>,
    pub forced: Option<&'static Encoding>,
    pub corpus_prior: Option<&'a prior::CorpusPrior>,
}

impl<'a> DecodeInput<'a> {
    pub fn new(bytes: impl Into<Cow<'a, [u8]>>) -> Self {
        DecodeInput {
            bytes: bytes.into(),
            forced: None,
            corpus_prior: None,
        }
    }

    /// Decode with `encoding` (if any) instead of detecting.
    pub fn forced(self, encoding: Option<&'static Encoding>) -> Self {
        DecodeInput {
            forced: encoding,
            ..self
        }
    }

    /// Let `prior` (if any) settle weak guesses.
    pub fn corpus_prior(self, prior: Option<&'a prior::CorpusPrior>) -> Self {
        DecodeInput {
            corpus_prior: prior,
            ..self
        }
    }
}

/// Decode a file's bytes, detecting the encoding unless it is forced.
pub fn decode(input: DecodeInput) -> Content {
    let DecodeInput {
        bytes,
        forced,
        corpus_prior,
    } = input;
    if let Some(encoding) = forced {
        let (bom, body) = match bom::sniff(&bytes) {
            Some((kind, len)) if bom_matches(kind, encoding) => (Some(kind), len),
            _ => (None, 0),
        };
        let how = How::certain(Method::Forced, bom);
        return Content::Text(decode_with(body_of(bytes, body), encoding, how, None));
    }
    let verdict = match sniff_marks(&bytes) {
        Some(marked) => marked,
        None => {
            // The common case, UTF-8 without a BOM: validated once and taken
            // over as the text. This is what `detect` decides for any valid
            // UTF-8 except 7-bit ISO-2022-JP, and no prior overrides a
            // certain verdict. Invalid bytes go to `detect` with where the
            // valid prefix ends, so that neither it nor the decoding checks
            // that prefix again.
            let bytes = match utf8_string(bytes) {
                Ok(text) if !detect::is_iso2022_jp(text.as_bytes()) => {
                    return Content::Text(DecodedText::utf8(text, Method::Utf8));
                }
                Ok(text) => Cow::Owned(text.into_bytes()),
                Err((bytes, valid_up_to)) => {
                    let guess = detect::detect_invalid(&bytes, valid_up_to);
                    return guessed(bytes, guess, corpus_prior, Some(valid_up_to));
                }
            };
            let guess = detect::detect(&bytes);
            return guessed(bytes, guess, corpus_prior, None);
        }
    };
    match verdict {
        EncodingVerdict::Bom(BomKind::Utf8, len) => Content::Text(decode_with(
            body_of(bytes, len),
            UTF_8,
            How::certain(Method::Bom, Some(BomKind::Utf8)),
            None,
        )),
        EncodingVerdict::Bom(kind, len) => {
            Content::Text(decode_unicode(&bytes[len..], kind, Method::Bom, Some(kind)))
        }
        EncodingVerdict::NulPattern(kind) => {
            Content::Text(decode_unicode(&bytes, kind, Method::NulPattern, None))
        }
        EncodingVerdict::Binary(reason) => Content::Binary(reason),
        EncodingVerdict::Guess(guess) => guessed(bytes, guess, corpus_prior, None),
    }
}

/// How an encoding was decided, for the text decoded with it.
#[derive(Debug, Clone, Copy)]
struct How {
    method: Method,
    confidence: Confidence,
    bom: Option<BomKind>,
}

impl How {
    fn certain(method: Method, bom: Option<BomKind>) -> Self {
        How {
            method,
            confidence: Confidence::Certain,
            bom,
        }
    }
}

/// `bytes` as a string if they are valid UTF-8, else the bytes back with the
/// length of their valid prefix.
///
/// Checked with simdutf8, faster than `std` with the same answer: its
/// `compat` flavour stops at the first error and says where, as `std` does.
fn utf8_string(bytes: Cow<[u8]>) -> Result<String, (Cow<[u8]>, usize)> {
    match bytes {
        Cow::Borrowed(b) => match simdutf8::compat::from_utf8(b) {
            Ok(text) => Ok(text.to_owned()),
            Err(e) => Err((Cow::Borrowed(b), e.valid_up_to())),
        },
        Cow::Owned(v) => match simdutf8::compat::from_utf8(&v) {
            // SAFETY: simdutf8 has just found `v` valid UTF-8. The unchecked
            // conversion is allowed because checking again with
            // `String::from_utf8` measured 4.9% of the instructions of
            // `check` on English prose (bench/RESULTS.md).
            #[allow(unsafe_code)]
            Ok(_) => Ok(unsafe { String::from_utf8_unchecked(v) }),
            Err(e) => {
                let valid_up_to = e.valid_up_to();
                Err((Cow::Owned(v), valid_up_to))
            }
        },
    }
}

/// Decode with the detector's guess, after the corpus prior has had its say.
/// `invalid_from`: the bytes are known not to be UTF-8 and valid up to there.
fn guessed(
    bytes: Cow<[u8]>,
    guess: detect::Guess,
    corpus_prior: Option<&prior::CorpusPrior>,
    invalid_from: Option<usize>,
) -> Content {
    let guess = match corpus_prior {
        Some(p) => p.apply(&bytes, guess),
        None => guess,
    };
    let how = How {
        method: guess.method,
        confidence: guess.confidence,
        bom: None,
    };
    Content::Text(decode_with(bytes, guess.encoding, how, invalid_from).with_guess(&guess))
}

/// The bytes after a BOM of `len` bytes, still owned if they were.
fn body_of(bytes: Cow<[u8]>, len: usize) -> Cow<[u8]> {
    match bytes {
        Cow::Borrowed(b) => Cow::Borrowed(&b[len..]),
        Cow::Owned(mut v) => {
            v.drain(..len);
            Cow::Owned(v)
        }
    }
}

/// Decode `body` with `encoding`, recording every undecodable byte
/// sequence. Owned valid UTF-8 is taken over without a copy;
/// `invalid_from`: the body is known not to be UTF-8 and valid up to there,
/// which spares checking it again.
fn decode_with(
    body: Cow<[u8]>,
    encoding: &'static Encoding,
    how: How,
    invalid_from: Option<usize>,
) -> DecodedText {
    let (text, invalid) = if encoding != UTF_8 {
        decode_other(&body, encoding)
    } else {
        let valid_up_to = match invalid_from {
            Some(at) => at,
            None => match utf8_string(body) {
                Ok(text) => {
                    return DecodedText {
                        confidence: how.confidence,
                        bom: how.bom,
                        ..DecodedText::utf8(text, how.method)
                    }
                }
                Err((body, at)) => return decode_with(body, UTF_8, how, Some(at)),
            },
        };
        decode_utf8_from(&body, valid_up_to)
    };
    DecodedText {
        text,
        encoding: encoding.name(),
        method: how.method,
        confidence: how.confidence,
        bom: how.bom,
        invalid,
        score: 1.0,
        runner_up: None,
        ambiguous: false,
        language: None,
    }
}

fn bom_matches(kind: BomKind, encoding: &'static Encoding) -> bool {
    kind.name() == encoding.name()
}

fn decode_unicode(body: &[u8], kind: BomKind, method: Method, bom: Option<BomKind>) -> DecodedText {
    let encoding = match kind {
        BomKind::Utf8 => UTF_8,
        BomKind::Utf16Le => encoding_rs::UTF_16LE,
        BomKind::Utf16Be => encoding_rs::UTF_16BE,
        BomKind::Utf32Le | BomKind::Utf32Be => return decode_utf32(body, kind, method, bom),
    };
    decode_with(
        Cow::Borrowed(body),
        encoding,
        How::certain(method, bom),
        None,
    )
}

/// The valid runs of `bytes` and the invalid sequence after each, exactly
/// as [`<[u8]>::utf8_chunks`] gives them (the invalid part is empty only at
/// the end); the valid runs as bytes, which [`valid_str`] makes strings.
///
/// Found with [`std::str::from_utf8`], whose validation skips ASCII a word
/// at a time, where the chunk iterator goes byte by byte: a legacy file is
/// mostly ASCII between its invalid bytes, and this walk over every byte is
/// a good part of its detection.
pub fn utf8_runs(bytes: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (valid, bad) = match std::str::from_utf8(rest) {
            Ok(_) => (rest.len(), 0),
            // A sequence cut off by the end (no `error_len`) is invalid to
            // the end, as for `utf8_chunks`.
            Err(e) => (
                e.valid_up_to(),
                e.error_len().unwrap_or(rest.len() - e.valid_up_to()),
            ),
        };
        let (valid, after) = rest.split_at(valid);
        let (bad, next) = after.split_at(bad);
        rest = next;
        Some((valid, bad))
    })
}

/// A valid run of [`utf8_runs`] as a string. It is validated again, with
/// simdutf8: cheap next to the walk, and no `unsafe`.
pub fn valid_str(run: &[u8]) -> &str {
    simdutf8::basic::from_utf8(run).expect("a valid run of utf8_runs")
}

/// Decode UTF-8 known to be valid up to `valid_up_to`, and not after.
fn decode_utf8_from(body: &[u8], valid_up_to: usize) -> (String, Vec<InvalidBytes>) {
    let (prefix, rest) = body.split_at(valid_up_to);
    let mut text = String::with_capacity(body.len() + 16);
    text.push_str(valid_str(prefix));
    let mut invalid = Vec::new();
    let mut raw = prefix.len();
    for (valid, bad) in utf8_runs(rest) {
        text.push_str(valid_str(valid));
        raw += valid.len();
        if !bad.is_empty() {
            invalid.push(InvalidBytes {
                offset: text.len(),
                raw_offset: raw,
                bytes: bad.to_vec(),
            });
            text.push('\u{FFFD}');
            raw += bad.len();
        }
    }
    (text, invalid)
}

fn decode_other(body: &[u8], encoding: &'static Encoding) -> (String, Vec<InvalidBytes>) {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let cap = if encoding.is_ascii_compatible() {
        // ASCII bytes stay one byte each, and a non-ASCII byte becomes at
        // most three (a single-byte encoding's character, or U+FFFD; a pair
        // of a multi-byte one, at most four). The decoder's own bound, three
        // bytes for every input byte, would make the text take (and the
        // kernel zero) three times the memory it needs; a short guess only
        // costs a `reserve` below.
        body.len() + 2 * count_bytes(body, |b| b >= 0x80)
    } else {
        decoder
            .max_utf8_buffer_length_without_replacement(body.len())
            .unwrap_or(body.len() * 3 + 16)
    };
    let mut text = String::with_capacity(cap);
    let mut invalid = Vec::new();
    let mut read = 0;
    loop {
        let (result, n) =
            decoder.decode_to_string_without_replacement(&body[read..], &mut text, true);
        read += n;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => text.reserve(body.len() - read + 64),
            DecoderResult::Malformed(bad, after) => {
                let end = read - after as usize;
                let start = end.saturating_sub(bad as usize);
                invalid.push(InvalidBytes {
                    offset: text.len(),
                    raw_offset: start,
                    bytes: body[start..end].to_vec(),
                });
                text.push('\u{FFFD}');
            }
        }
    }
    (text, invalid)
}

fn decode_utf32(body: &[u8], kind: BomKind, method: Method, bom: Option<BomKind>) -> DecodedText {
    let mut text = String::with_capacity(body.len() / 2);
    let mut invalid = Vec::new();
    let chunks = body.chunks(4);
    for (i, quad) in chunks.enumerate() {
        let value = match (quad, kind) {
            ([a, b, c, d], BomKind::Utf32Le) => Some(u32::from_le_bytes([*a, *b, *c, *d])),
            ([a, b, c, d], _) => Some(u32::from_be_bytes([*a, *b, *c, *d])),
            _ => None,
        };
        match value.and_then(char::from_u32) {
            Some(c) => text.push(c),
            None => {
                invalid.push(InvalidBytes {
                    offset: text.len(),
                    raw_offset: i * 4,
                    bytes: quad.to_vec(),
                });
                text.push('\u{FFFD}');
            }
        }
    }
    DecodedText {
        text,
        encoding: kind.name(),
        method,
        confidence: Confidence::Certain,
        bom,
        invalid,
        score: 1.0,
        runner_up: None,
        ambiguous: false,
        language: None,
    }
}

/// How many bytes of `bytes` are `counted`. Written without branches,
/// counting in a byte per 128-byte chunk (a multiple of the vector width, so
/// that no chunk ends in a scalar tail), so that it compiles to wide vector
/// instructions.
#[inline(always)]
pub(crate) fn count_bytes(bytes: &[u8], counted: impl Fn(u8) -> bool) -> usize {
    let mut chunks = bytes.chunks_exact(128);
    let whole: usize = (&mut chunks)
        .map(|chunk| chunk.iter().fold(0u8, |n, &b| n + u8::from(counted(b))) as usize)
        .sum();
    whole + chunks.remainder().iter().filter(|&&b| counted(b)).count()
}

/// Counts of each line-ending style in a text, as found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LineEndings {
    pub lf: usize,
    pub crlf: usize,
    pub cr: usize,
    /// U+0085, U+2028 and U+2029.
    pub unicode: usize,
}

impl LineEndings {
    /// [`Self::count`], skipping the search for what `facts` rule out.
    pub fn count_with(text: &str, facts: &crate::facts::TextFacts) -> Self {
        let mut counts = if facts.cr {
            Self::count_ascii(text)
        } else {
            LineEndings {
                lf: memchr::memchr_iter(b'\n', text.as_bytes()).count(),
                ..LineEndings::default()
            }
        };
        if facts.unicode_newlines {
            counts.unicode = Self::count_unicode(text);
        }
        counts
    }

    pub fn count(text: &str) -> Self {
        let mut counts = Self::count_ascii(text);
        if !text.is_ascii() {
            counts.unicode = Self::count_unicode(text);
        }
        counts
    }

    /// LF, CRLF and CR.
    ///
    /// Counted, not searched: every CR+LF pair is one CRLF, and the other
    /// LFs and CRs stand alone. One branch-free walk compares the bytes and
    /// the same bytes one further on in step, counting in a byte per
    /// 128-byte chunk as [`count_bytes`] does, so that it compiles to vector
    /// instructions; stopping at each line end, as a search does, costs
    /// more on a text with short lines.
    fn count_ascii(text: &str) -> Self {
        let bytes = text.as_bytes();
        let Some(next) = bytes.get(1..) else {
            return LineEndings {
                lf: usize::from(bytes == b"\n"),
                cr: usize::from(bytes == b"\r"),
                ..LineEndings::default()
            };
        };
        // CRs among all bytes but the last, LFs among all but the first,
        // and the pairs of the two.
        let (mut cr, mut lf, mut crlf) = (0, 0, 0);
        let mut firsts = bytes[..next.len()].chunks_exact(128);
        let mut seconds = next.chunks_exact(128);
        for (a, b) in (&mut firsts).zip(&mut seconds) {
            let (mut r, mut n, mut p) = (0u8, 0u8, 0u8);
            for (&a, &b) in a.iter().zip(b) {
                let (is_cr, is_lf) = (a == b'\r', b == b'\n');
                r += u8::from(is_cr);
                n += u8::from(is_lf);
                p += u8::from(is_cr & is_lf);
            }
            (cr, lf, crlf) = (
                cr + usize::from(r),
                lf + usize::from(n),
                crlf + usize::from(p),
            );
        }
        for (&a, &b) in firsts.remainder().iter().zip(seconds.remainder()) {
            let (is_cr, is_lf) = (a == b'\r', b == b'\n');
            cr += usize::from(is_cr);
            lf += usize::from(is_lf);
            crlf += usize::from(is_cr & is_lf);
        }
        cr += usize::from(bytes[bytes.len() - 1] == b'\r');
        lf += usize::from(bytes[0] == b'\n');
        LineEndings {
            lf: lf - crlf,
            crlf,
            cr: cr - crlf,
            unicode: 0,
        }
    }

    /// U+0085, U+2028 and U+2029.
    fn count_unicode(text: &str) -> usize {
        let bytes = text.as_bytes();
        // U+0085 is C2 85 in UTF-8, U+2028 and U+2029 are E2 80 A8 and A9.
        memchr::memchr2_iter(0xc2, 0xe2, bytes)
            .filter(|&i| {
                matches!(
                    &bytes[i..],
                    [0xc2, 0x85, ..] | [0xe2, 0x80, 0xa8 | 0xa9, ..]
                )
            })
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The text decoded into a tightly sized buffer is the decoder's.
        #[test]
        fn legacy_decoding_is_encoding_rs(bytes in proptest::collection::vec(any::<u8>(), 0..300),
            encoding in proptest::sample::select(vec![
                encoding_rs::WINDOWS_1252, encoding_rs::WINDOWS_1251, encoding_rs::X_USER_DEFINED,
                encoding_rs::SHIFT_JIS, encoding_rs::GB18030, encoding_rs::BIG5, encoding_rs::EUC_KR,
                encoding_rs::EUC_JP, encoding_rs::ISO_2022_JP, encoding_rs::UTF_16LE])) {
            let (text, _) = decode_other(&bytes, encoding);
            prop_assert_eq!(text, encoding.decode_without_bom_handling(&bytes).0);
        }

        /// Counting line ends agrees with finding them one by one.
        #[test]
        fn line_ends_counted_as_found(bytes in proptest::collection::vec(prop_oneof![
            3 => Just(b'x'),
            2 => Just(b'\r'),
            2 => Just(b'\n'),
        ], 0..400)) {
            let text = String::from_utf8(bytes).unwrap();
            let bytes = text.as_bytes();
            let mut found = LineEndings::default();
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                match bytes[i] {
                    b'\n' if i > 0 && bytes[i - 1] == b'\r' => found.crlf += 1,
                    b'\n' => found.lf += 1,
                    _ if bytes.get(i + 1) == Some(&b'\n') => {}
                    _ => found.cr += 1,
                }
            }
            prop_assert_eq!(LineEndings::count_ascii(&text), found);
        }

        /// `utf8_runs` cuts bytes exactly as `utf8_chunks` does.
        #[test]
        fn utf8_runs_are_utf8_chunks(bytes in proptest::collection::vec(prop_oneof![
            3 => 0x20u8..0x7f,
            1 => 0x80u8..0xc0,
            1 => 0xc0u8..=0xff,
            1 => any::<u8>(),
        ], 0..80)) {
            let chunks: Vec<(&[u8], &[u8])> = bytes
                .utf8_chunks()
                .map(|c| (c.valid().as_bytes(), c.invalid()))
                .collect();
            let runs: Vec<(&[u8], &[u8])> = utf8_runs(&bytes).collect();
            prop_assert_eq!(runs, chunks);
        }
    }

    fn text(bytes: &[u8]) -> DecodedText {
        match decode(DecodeInput::new(bytes)) {
            Content::Text(d) => d,
            Content::Binary(r) => panic!("binary: {r}"),
        }
    }

    #[test]
    fn boms() {
        let d = text(b"\xff\xfe\0\0h\0\0\0i\0\0\0");
        assert_eq!(
            (d.text.as_str(), d.encoding, d.method),
            ("hi", "UTF-32LE", Method::Bom)
        );
        let d = text(b"\xfe\xff\0h\0i");
        assert_eq!((d.text.as_str(), d.encoding), ("hi", "UTF-16BE"));
        let d = text(b"\xef\xbb\xbfhi");
        assert_eq!(
            (d.text.as_str(), d.encoding, d.bom),
            ("hi", "UTF-8", Some(BomKind::Utf8))
        );
    }

    /// CJK text in UTF-16 has few NUL bytes (its characters have none):
    /// read as UTF-16 by the language models, not called binary.
    #[test]
    fn cjk_utf16_without_bom() {
        let zh = "中文文本：你好，世界！这是一个测试。\n".repeat(20);
        let le: Vec<u8> = zh.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let d = text(&le);
        assert_eq!((d.text.as_str(), d.encoding), (zh.as_str(), "UTF-16LE"));
        let ja = "日本語のテキストです。\n".repeat(10);
        let be: Vec<u8> = ja.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let d = text(&be);
        assert_eq!((d.text.as_str(), d.encoding), (ja.as_str(), "UTF-16BE"));
        // Binary data with NULs stays binary.
        let data: Vec<u8> = (0..512u32).map(|i| (i * 7 % 13) as u8).collect();
        assert!(matches!(
            decode(DecodeInput::new(&data[..])),
            Content::Binary(_)
        ));
    }

    #[test]
    fn invalid_bytes_are_kept() {
        let d = text(
            "caf\u{e9} na\u{ef}ve \u{2019} ok \u{201c}x\u{201d} "
                .as_bytes()
                .iter()
                .copied()
                .chain(*b"don\x92t")
                .collect::<Vec<_>>()
                .as_slice(),
        );
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.invalid.len(), 1);
        assert_eq!(d.invalid[0].bytes, vec![0x92]);
        assert_eq!(
            &d.text[d.invalid[0].offset..d.invalid[0].offset + 3],
            "\u{FFFD}"
        );
    }

    /// Owned bytes take the one-validation path; it must decide as `sniff` does.
    #[test]
    fn owned_and_borrowed_decode_alike() {
        let samples: [&[u8]; 5] = [
            b"plain ascii\n",
            "caf\u{e9} \u{201c}quoted\u{201d}\n".as_bytes(),
            b"\x1b$B$3$s$K$A$O\x1b(B\n",
            b"caf\xe9 na\xefve \x93quoted\x94\n",
            b"\xef\xbb\xbfbom\n",
        ];
        for bytes in samples {
            let (Content::Text(owned), Content::Text(borrowed)) = (
                decode(DecodeInput::new(bytes.to_vec())),
                decode(DecodeInput::new(bytes)),
            ) else {
                panic!("binary: {bytes:?}");
            };
            assert_eq!(owned.text, borrowed.text, "{bytes:?}");
            assert_eq!(owned.encoding, borrowed.encoding, "{bytes:?}");
            assert_eq!(owned.method, borrowed.method, "{bytes:?}");
            assert_eq!(owned.confidence, borrowed.confidence, "{bytes:?}");
        }
        let Content::Text(jis) = decode(DecodeInput::new(b"\x1b$B$3$s\x1b(B".to_vec())) else {
            panic!("binary");
        };
        assert_eq!(jis.encoding, "ISO-2022-JP");
    }

    #[test]
    fn line_endings() {
        let c = LineEndings::count("a\r\nb\nc\rd\u{2028}");
        assert_eq!(
            c,
            LineEndings {
                lf: 1,
                crlf: 1,
                cr: 1,
                unicode: 1
            }
        );
    }
}
