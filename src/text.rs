//! The structure of a plain text: its lines, paragraphs and words, one
//! definition of each for every rule. Rules read the lines and paragraphs of
//! the current text from `ctx.lines()` and `ctx.paragraphs()` (see
//! `crate::rule::Context`), computed once per text for every rule that needs
//! them.
//!
//! - A **line** ends at LF; its `\r` (of a CRLF) is not part of it.
//! - A **paragraph**: blocks are separated by blank lines. A block of two or
//!   more lines that are all at most [`WRAP`] characters long is hard-wrapped
//!   prose: the block is one paragraph. Otherwise every line is a paragraph
//!   (one line per paragraph, the usual shape of scraped stories).
//! - A **word** is a maximal run of letters and digits
//!   (`char::is_alphanumeric`).

use std::ops::Range;

/// Longest line of a hard-wrapped block, in characters.
pub const WRAP: usize = 100;

/// Byte ranges of the paragraphs of `text`, in order, without line breaks.
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    paragraphs_of_lines(text, lines(text))
}

/// [`paragraphs`], given the byte ranges of the lines of `text` as
/// [`lines`] finds them.
pub fn paragraphs_of_lines(
    text: &str,
    lines: impl IntoIterator<Item = Range<usize>>,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut block: Vec<Range<usize>> = Vec::new();
    let flush = |block: &mut Vec<Range<usize>>, out: &mut Vec<Range<usize>>| {
        if block.len() >= 2
            && block
                .iter()
                .all(|r| r.len() <= WRAP || text[r.clone()].chars().count() <= WRAP)
        {
            out.push(block[0].start..block[block.len() - 1].end);
        } else {
            out.append(block);
        }
        block.clear();
    };
    for range in lines {
        let body = &text[range.clone()];
        if body.trim().is_empty() {
            flush(&mut block, &mut out);
        } else {
            block.push(range);
        }
    }
    flush(&mut block, &mut out);
    out
}

/// Where the lines of a text end, found once for every rule that reads the
/// text line by line (`ctx.lines()`): the offset of each `\n`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    newlines: Vec<usize>,
    len: usize,
}

impl Lines {
    pub fn of(text: &str) -> Self {
        Lines {
            newlines: memchr::memchr_iter(b'\n', text.as_bytes()).collect(),
            len: text.len(),
        }
    }

    /// Every line without its `\n`: the text before each `\n`, then the
    /// text after the last one (empty when the text ends with `\n`); a `\r`
    /// stays in its line. Each span but the last is followed by a `\n`.
    pub fn spans(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let ends = self.newlines.iter().copied().chain([self.len]);
        let starts = std::iter::once(0).chain(self.newlines.iter().map(|&n| n + 1));
        starts.zip(ends).map(|(start, end)| start..end)
    }

    /// The lines as [`lines`] gives them: without `\n` or `\r\n`, and no
    /// empty line after a final `\n`.
    pub fn bodies<'a>(&'a self, text: &'a str) -> impl Iterator<Item = Range<usize>> + 'a {
        let bytes = text.as_bytes();
        let n = self.newlines.len() + usize::from(self.len > 0 && bytes[self.len - 1] != b'\n');
        self.spans().take(n).map(move |line| {
            let mut end = line.end;
            while end > line.start && matches!(bytes[end - 1], b'\r' | b'\n') {
                end -= 1;
            }
            line.start..end
        })
    }
}

/// Byte ranges of the lines of `text`, without their `\n` or `\r\n`.
pub fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let ends = memchr::memchr_iter(b'\n', bytes).chain(
        // The last line, when the text does not end with a line break.
        (bytes.last().is_some_and(|&b| b != b'\n')).then_some(bytes.len()),
    );
    let mut start = 0;
    ends.map(move |end| {
        let line = start..end;
        start = end + 1;
        let mut body_end = line.end;
        while body_end > line.start && matches!(bytes[body_end - 1], b'\r' | b'\n') {
            body_end -= 1;
        }
        line.start..body_end
    })
}

/// The words of `text`, in order: maximal runs of letters and digits
/// (`char::is_alphanumeric`). The near-duplicate signature hashes the same
/// words without this iterator (`validate::corpus::near_duplicates::words`),
/// and its tests check that they agree.
pub fn words(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_blocks_and_long_lines() {
        let text = "short one\nshort two\n\nlong line\n\n";
        let p = paragraphs(text);
        assert_eq!(p, vec![0..19, 21..30]);
        let long = "x".repeat(120);
        let text = format!("{long}\n{long}\n");
        assert_eq!(paragraphs(&text).len(), 2);
    }

    #[test]
    fn lines_are_split_inclusive_without_line_breaks() {
        for text in ["", "\n", "a", "a\n", "a\r\nb", "a\n\nb\r\n", "a\r\r\n\r\n"] {
            let mut start = 0;
            let expected: Vec<Range<usize>> = text
                .split_inclusive('\n')
                .map(|line| {
                    let body = line.trim_end_matches(['\n', '\r']);
                    let range = start..start + body.len();
                    start += line.len();
                    range
                })
                .collect();
            assert_eq!(lines(text).collect::<Vec<_>>(), expected, "{text:?}");
        }
    }

    #[test]
    fn line_index_agrees_with_the_scans() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\nb",
            "a\n\nb\r\n",
            "a\r\r\n\r\n",
            "\n\nx",
            "x\n\n",
        ] {
            let index = Lines::of(text);
            assert_eq!(
                index.bodies(text).collect::<Vec<_>>(),
                lines(text).collect::<Vec<_>>(),
                "{text:?}"
            );
            let mut start = 0;
            let spans: Vec<Range<usize>> = text
                .split('\n')
                .map(|line| {
                    let span = start..start + line.len();
                    start += line.len() + 1;
                    span
                })
                .collect();
            assert_eq!(index.spans().collect::<Vec<_>>(), spans, "{text:?}");
        }
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let w: Vec<&str> = words("Don\u{2019}t stop—2 caf\u{e9}s, \u{4e2d}\u{6587}!").collect();
        assert_eq!(
            w,
            ["Don", "t", "stop", "2", "caf\u{e9}s", "\u{4e2d}\u{6587}"]
        );
        assert_eq!(words("").count(), 0);
        assert_eq!(words(" -- ").count(), 0);
    }
}
