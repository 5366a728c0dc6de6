//! Paragraphs of plain text, shared by the structure rules: rules ask
//! `ctx.paragraphs()` (see `crate::rule::Context`), which computes them once
//! per text for every rule that needs them.
//!
//! Blocks are separated by blank lines. A block of two or more lines that are
//! all at most [`WRAP`] characters long is hard-wrapped prose: the block is
//! one paragraph. Otherwise every line is a paragraph (one line per
//! paragraph, the usual shape of scraped stories).

use std::ops::Range;

/// Longest line of a hard-wrapped block, in characters.
pub const WRAP: usize = 100;

/// Byte ranges of the paragraphs of `text`, in order, without line breaks.
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
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
    for range in lines(text) {
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
}
