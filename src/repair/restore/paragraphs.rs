//! Paragraphs as restoring reads them: blocks between blank lines, or each
//! line where a block holds lines too long to be hard-wrapped. Measured so
//! that restoring and normalizing do not change the split, and the cleaned
//! text is read the same way.

/// Paragraph spans: blocks between blank lines of hard-wrapped lines (every
/// line at most 100 characters, as `unbalanced-quotes` reads them);
/// otherwise (one paragraph per line), each line. A line's width counts
/// each run of white space as one character and none at its ends: a measure
/// restoring and normalizing do not change, so the cleaned text is split the
/// same way. `unicode_breaks`: the text may hold Unicode line breaks.
pub fn paragraphs(text: &str, unicode_breaks: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let flush = |lines: &mut Vec<(usize, usize)>, out: &mut Vec<(usize, usize)>| {
        if lines.is_empty() {
            return;
        }
        if lines.len() > 1 && lines.iter().any(|&(s, e)| wider_than(&text[s..e], 100)) {
            out.append(lines);
        } else {
            out.push((lines[0].0, lines[lines.len() - 1].1));
            lines.clear();
        }
    };
    for (pos, end) in lines_of(text, unicode_breaks) {
        if text[pos..end].trim().is_empty() {
            flush(&mut lines, &mut out);
        } else {
            lines.push((pos, end));
        }
    }
    flush(&mut lines, &mut out);
    out
}

/// The lines of `text`, without their line breaks: LF, CRLF, CR and the
/// Unicode line breaks (U+0085 left by `c1-controls`, U+2028, U+2029), all
/// of which normalizing turns into LF. `unicode_breaks`: the text may hold
/// Unicode line breaks (when false, it certainly holds none).
fn lines_of(text: &str, unicode_breaks: bool) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    let unicode_breaks = unicode_breaks
        && (memchr::memmem::find(b, "\u{85}".as_bytes()).is_some()
            || memchr::memmem::find(b, "\u{2028}".as_bytes()).is_some()
            || memchr::memmem::find(b, "\u{2029}".as_bytes()).is_some());
    if !unicode_breaks {
        // LF, CR and CRLF only.
        for i in memchr::memchr2_iter(b'\n', b'\r', b) {
            if i < pos {
                // The LF of a CRLF.
                continue;
            }
            out.push((pos, i));
            pos = i + 1;
            if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                pos += 1;
            }
        }
    } else {
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if is_line_break(c) {
                out.push((pos, i));
                pos = i + c.len_utf8();
                if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
                    chars.next();
                    pos += 1;
                }
            }
        }
    }
    out.push((pos, text.len()));
    out
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Is `line` wider than `max` characters, with each run of white space
/// counted as one and none at the ends?
fn wider_than(line: &str, max: usize) -> bool {
    if line.len() <= max {
        return false;
    }
    let mut width = 0;
    let mut gap = false;
    for c in line.chars() {
        if c.is_whitespace() {
            gap = width > 0;
            continue;
        }
        width += 1 + usize::from(gap);
        gap = false;
        if width > max {
            return true;
        }
    }
    false
}
