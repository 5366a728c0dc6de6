//! Line and column numbers of byte offsets: 1-based lines counted at `\n`,
//! 1-based columns counted in characters. Reports and printers use these
//! two functions and nothing else.

/// The position after `text` when it starts at (line, column).
pub fn advance(line: usize, column: usize, text: &str) -> (usize, usize) {
    match text.rfind('\n') {
        None => (line, column + text.chars().count()),
        Some(i) => (
            line + text.matches('\n').count(),
            text[i + 1..].chars().count() + 1,
        ),
    }
}

/// Line and column of offsets that mostly come in increasing order, found by
/// reading the text forward: no index of line starts is built, and each
/// byte is read about once. An offset inside a character counts the bytes of its line before it.
pub struct LineScan<'a> {
    text: &'a str,
    /// 0-based line of `at`, where that line starts, and how many characters
    /// lie between its start and `at`.
    line: usize,
    start: usize,
    at: usize,
    chars: usize,
}

/// Steps of at most this many bytes are read byte by byte by
/// [`LineScan::line_col`]; longer ones with `memchr` and a character count.
const SHORT: usize = 64;

impl<'a> LineScan<'a> {
    pub fn new(text: &'a str) -> Self {
        LineScan {
            text,
            line: 0,
            start: 0,
            at: 0,
            chars: 0,
        }
    }

    /// (line, column), both 1-based; the column counts characters.
    pub fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let end = offset.min(self.text.len());
        if end < self.at {
            *self = LineScan::new(self.text);
        }
        let read = &self.text.as_bytes()[self.at..end];
        if read.len() <= SHORT && self.text.is_char_boundary(end) {
            // A short step (offsets close together): newlines and
            // characters counted in one pass over the bytes.
            for (i, &b) in read.iter().enumerate() {
                if b == b'\n' {
                    self.line += 1;
                    self.start = self.at + i + 1;
                    self.chars = 0;
                } else {
                    self.chars += usize::from(b & 0xC0 != 0x80);
                }
            }
            self.at = end;
            return (self.line + 1, self.chars + 1);
        }
        let mut newlines = memchr::memchr_iter(b'\n', read);
        if let Some(first) = newlines.next() {
            let (more, last) = newlines.fold((0, first), |(n, _), i| (n + 1, i));
            self.line += 1 + more;
            self.start = self.at + last + 1;
            self.at = self.start;
            self.chars = 0;
        }
        match self.text.get(self.at..end) {
            Some(s) => {
                self.chars += s.chars().count();
                self.at = end;
                (self.line + 1, self.chars + 1)
            }
            // Not at a character boundary: bytes since the line start.
            None => {
                let col = self
                    .text
                    .get(self.start..end)
                    .map_or(end - self.start, |s| s.chars().count());
                (self.line + 1, col + 1)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, written plainly: the line is one more than the
    /// newlines before the offset, the column one more than the characters
    /// (bytes, off a character boundary) between the line's start and it.
    fn line_col(text: &str, offset: usize) -> (usize, usize) {
        let end = offset.min(text.len());
        let start = text.as_bytes()[..end]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        let col = text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// Short steps (read byte by byte) and long ones (`memchr`) agree with
    /// the definition, at and between character boundaries.
    #[test]
    fn line_scan_short_and_long_steps() {
        let t = "ab\n\u{e9}cd \u{2019}x\n\n".repeat(40) + &"y\u{e9}".repeat(100);
        for step in [1, 3, 7, 40, 63, 64, 65, 130, 500] {
            let mut scan = LineScan::new(&t);
            let mut offset = 0;
            while offset <= t.len() + 1 {
                assert_eq!(
                    scan.line_col(offset),
                    line_col(&t, offset),
                    "{step} {offset}"
                );
                offset += step;
            }
        }
    }

    #[test]
    fn line_col_counts_chars() {
        let t = "ab\n\u{e9}cd";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 5), (2, 2));
        let t = "ab\n\u{e9}cd\u{e9}e\nx";
        let mut scan = LineScan::new(t);
        for offset in [0, 1, 1, 3, 4, 5, 6, 8, 9, 10, 4, 11, 30] {
            assert_eq!(scan.line_col(offset), line_col(t, offset), "{offset}");
        }
        for t in [
            "",
            "\n",
            "a\n\nb",
            "\u{e9}\n\u{e9}\u{e9}\n",
            "x\r\ny\n\nzz\n",
        ] {
            let mut scan = LineScan::new(t);
            for offset in 0..=t.len() + 2 {
                assert_eq!(scan.line_col(offset), line_col(t, offset), "{t:?} {offset}");
            }
        }
    }

    #[test]
    fn end_positions() {
        assert_eq!(advance(3, 5, "ab"), (3, 7));
        assert_eq!(advance(3, 5, ""), (3, 5));
        assert_eq!(advance(3, 5, "\r\n"), (4, 1));
        assert_eq!(advance(3, 5, "x\n\néé"), (5, 3));
    }
}
