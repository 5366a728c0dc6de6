//! Python strings in, Rust strings out, with indices that stay Python's.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use std::borrow::Cow;

/// The text of a Python `str`, borrowed when it is valid UTF-8 (always,
/// unless it holds lone surrogates).
///
/// A lone surrogate cannot be UTF-8; it becomes one U+FFFD, so that every
/// code point keeps its index and `replacement-char` reports the loss.
/// `what` names the value in the error, formatted only then.
pub fn text_of<'a>(
    value: &'a Bound<'_, PyAny>,
    what: impl std::fmt::Display,
) -> PyResult<Cow<'a, str>> {
    let Ok(string) = value.cast::<PyString>() else {
        return Err(PyTypeError::new_err(format!(
            "{what} must be str, not {}",
            value.get_type().name()?
        )));
    };
    if let Ok(text) = string.to_str() {
        return Ok(Cow::Borrowed(text));
    }
    let encoded = string.call_method1("encode", ("utf-8", "surrogatepass"))?;
    Ok(Cow::Owned(without_surrogates(
        encoded.cast::<PyBytes>()?.as_bytes(),
    )))
}

/// UTF-8 that may hold surrogates (as Python's `surrogatepass` writes them:
/// ED A0..BF 80..BF) with each surrogate made one U+FFFD.
fn without_surrogates(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                text.push_str(valid);
                break;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                text.push_str(std::str::from_utf8(valid).expect("valid up to here"));
                text.push('\u{FFFD}');
                // A surrogate is three bytes; anything else invalid (which
                // a Python str cannot hold) is skipped byte by byte.
                let skip = match after {
                    [0xED, 0xA0..=0xBF, 0x80..=0xBF, ..] => 3,
                    _ => e.error_len().unwrap_or(after.len()),
                };
                rest = &after[skip..];
            }
        }
    }
    text
}

/// Converts byte offsets of a text to Python string indices (code points).
///
/// Offsets asked in increasing order cost one walk over the text in all.
pub struct CharIndex<'a> {
    text: &'a str,
    /// The last offset converted, as (byte, code point).
    at: (usize, usize),
}

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        CharIndex { text, at: (0, 0) }
    }

    /// The code point index of byte offset `byte` (rounded down to a
    /// character boundary).
    pub fn of(&mut self, byte: usize) -> usize {
        let mut byte = byte.min(self.text.len());
        while !self.text.is_char_boundary(byte) {
            byte -= 1;
        }
        if byte < self.at.0 {
            self.at = (0, 0);
        }
        let (from, chars) = self.at;
        let index = chars + self.text[from..byte].chars().count();
        self.at = (byte, index);
        index
    }

    /// The code point indices of `start..end`: the end counted on from the
    /// start, so that the walk goes on from `start` for the next span.
    pub fn span(&mut self, start: usize, end: usize) -> (usize, usize) {
        let start = self.of(start);
        let (from, _) = self.at;
        let end_byte = end.clamp(from, self.text.len());
        let mut end_byte = end_byte;
        while !self.text.is_char_boundary(end_byte) {
            end_byte -= 1;
        }
        (start, start + self.text[from..end_byte].chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrogates_become_one_replacement_each() {
        // "a" + U+D800 + "é" as surrogatepass encodes them.
        let bytes = b"a\xED\xA0\x80\xC3\xA9\xED\xBF\xBF";
        assert_eq!(without_surrogates(bytes), "a\u{FFFD}é\u{FFFD}");
    }

    #[test]
    fn byte_offsets_become_code_point_indices() {
        let text = "aé€😀b";
        let mut index = CharIndex::new(text);
        assert_eq!(index.span(1, 3), (1, 2));
        assert_eq!(index.span(3, 10), (2, 4));
        assert_eq!(index.of(10), 4);
        assert_eq!(index.of(0), 0);
        assert_eq!(index.of(11), 5);
    }
}
