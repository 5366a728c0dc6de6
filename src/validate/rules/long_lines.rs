use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports lines longer than `[long-lines] max` characters (default 25,000).
    ///
    /// ## Why
    /// Published prose keeps paragraphs well under that (the longest diary
    /// entries run to about 20,000 characters); a longer line is usually a file
    /// whose line breaks were lost (CR-only endings read as one line, HTML
    /// flattened to text) and it chokes editors and line-based tools.
    ///
    /// ## Example
    /// With `max = 20`: `This line is longer than twenty characters` → finding
    /// at 1:1: `line is 43 characters long (max 20): line breaks may have been
    /// lost`.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct LongLines {
        id: "long-lines",
        stage: Validate,
        summary: "lines longer than [long-lines] max characters",
        default_enabled: true,
        options: Options,
    }
}

crate::rule_options! {
    /// `[long-lines]` in `fettle.toml`.
    pub struct Options {
        /// Longest line, in characters, that is not reported.
        pub max: usize = 25_000,
    }
    check(options) {
        if options.max == 0 {
            anyhow::bail!("[long-lines] max must be at least 1");
        }
    }
}

impl Rule for LongLines {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        let max = ctx.config.long_lines.max;
        for (start, n) in long_lines(text, max) {
            out.findings.push(Finding::new(
                INFO.id,
                Severity::Warning,
                start..start,
                format!("line is {n} characters long (max {max}): line breaks may have been lost"),
            ));
        }
    }
}

/// The start and the length in characters of each line of `text` longer
/// than `max` characters.
///
/// Bytes bound characters from above, so only a line of more than `max`
/// bytes can be too long. Rather than visit every line, look at the `max + 1`
/// bytes from the start of a line: if they hold a line break, every line up
/// to the last one there is short enough, and the search goes on after it;
/// if not, the line is long, and is measured. With the default `max` this is
/// one short backward search per 25,000 bytes.
fn long_lines(text: &str, max: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut start = 0; // the start of a line
    while bytes.len() - start > max {
        if let Some(i) = memchr::memrchr(b'\n', &bytes[start..=start + max]) {
            start += i + 1;
            continue;
        }
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let n = text[start..end].chars().count();
        if n > max {
            found.push((start, n));
        }
        if end == bytes.len() {
            break;
        }
        start = end + 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::long_lines;
    use proptest::prelude::*;

    proptest! {
        /// The window search finds what a walk over every line finds.
        #[test]
        fn agrees_with_every_line(text in "[ab\n\u{e9}\u{2019}]{0,120}", max in 0usize..20) {
            let mut expected = Vec::new();
            let mut start = 0;
            for line in text.split('\n') {
                let n = line.chars().count();
                if n > max {
                    expected.push((start, n));
                }
                start += line.len() + 1;
            }
            prop_assert_eq!(long_lines(&text, max), expected);
        }
    }
}
