//! The damage both `eval.rs` and `eval_restore.rs` simulate, shared so
//! that the two evaluations measure the same corruption.

use fettle::repair::charmap::Page;
use std::ops::Range;

/// A corrupted text and, for each of its spans, the truth span it came from.
pub struct Corrupted {
    /// What fettle reads: raw bytes.
    pub bytes: Vec<u8>,
    /// The decoded text the spans refer to.
    pub text: String,
    /// (truth byte range, corrupted-text byte range), in order, covering both.
    pub spans: Vec<(Range<usize>, Range<usize>)>,
}

/// Windows-1252 bytes of a character, or its UTF-8 when it has none.
pub fn cp1252_bytes(c: char, out: &mut Vec<u8>) {
    let t = Page::Windows1252.table();
    match t.encode(c) {
        Some(b) if c.is_ascii() || !matches!(c as u32, 0x80..=0x9F) => out.push(b),
        _ => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
    }
}

/// The `fffd` corruption: Windows-1252 bytes read as UTF-8, U+FFFD for
/// each invalid sequence. The file holds the damaged text: the bytes are gone.
pub fn fffd(truth: &str) -> Corrupted {
    let mut raw = Vec::new();
    let mut raw_spans = Vec::new();
    for (i, c) in truth.char_indices() {
        let at = raw.len();
        cp1252_bytes(c, &mut raw);
        raw_spans.push((i..i + c.len_utf8(), at..raw.len()));
    }
    let mut c = lossy_utf8(raw, raw_spans);
    c.bytes = c.text.clone().into_bytes();
    c
}

/// Decode raw bytes as UTF-8 with U+FFFD per invalid sequence (as the
/// decode stage does), carrying the truth spans over to the text.
pub fn lossy_utf8(raw: Vec<u8>, raw_spans: Vec<(Range<usize>, Range<usize>)>) -> Corrupted {
    // Which truth span each raw byte belongs to.
    let mut owner = vec![0usize; raw.len()];
    for (k, (_, r)) in raw_spans.iter().enumerate() {
        for o in &mut owner[r.clone()] {
            *o = k;
        }
    }
    let mut text = String::with_capacity(raw.len() + 16);
    let mut spans: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    // The group being built: truth spans lo..=hi, text from `out_start`.
    let mut group: Option<(usize, usize, usize)> = None;
    let mut pos = 0;
    let mut push_unit = |lo: usize, hi: usize, unit: &str, text: &mut String| {
        let out_start = text.len();
        text.push_str(unit);
        match group {
            Some((glo, ghi, gs)) if lo <= ghi => group = Some((glo, ghi.max(hi), gs)),
            Some((glo, ghi, gs)) => {
                spans.push((raw_spans[glo].0.start..raw_spans[ghi].0.end, gs..out_start));
                group = Some((lo, hi, out_start));
            }
            None => group = Some((lo, hi, out_start)),
        }
    };
    for chunk in raw.utf8_chunks() {
        for c in chunk.valid().chars() {
            let n = c.len_utf8();
            push_unit(
                owner[pos],
                owner[pos + n - 1],
                c.encode_utf8(&mut [0; 4]),
                &mut text,
            );
            pos += n;
        }
        let bad = chunk.invalid();
        if !bad.is_empty() {
            push_unit(
                owner[pos],
                owner[pos + bad.len() - 1],
                "\u{FFFD}",
                &mut text,
            );
            pos += bad.len();
        }
    }
    if let Some((glo, ghi, gs)) = group {
        spans.push((raw_spans[glo].0.start..raw_spans[ghi].0.end, gs..text.len()));
    }
    Corrupted {
        bytes: raw,
        text,
        spans,
    }
}
