use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule};
use std::ops::Range;

crate::declare_rule! {
    /// ## What it does
    /// Reports paragraphs whose double quotes do not pair up: an odd number of
    /// straight `"`, or not as many `”` as `“`. The convention of continued
    /// speech is respected: a paragraph that leaves a quotation open is fine when
    /// the next paragraph opens with a quote, and so is a quotation set out over
    /// several lines (verse, a letter) that opens with `“` on one line and closes
    /// with `”` on a later line of the same block, with no double quotes between.
    /// Paragraphs are blank-line blocks of
    /// hard-wrapped lines, or single lines (see `validate::paragraphs`). Single
    /// quotes are not counted: `’` is also the apostrophe.
    ///
    /// ## Why
    /// A lost quotation mark turns narration into speech (or back) for the rest
    /// of the paragraph; it is the commonest trace of a bad conversion or a
    /// truncated line, and readers and dialogue extractors both trip on it.
    ///
    /// ## Example
    /// `"Come here, he said.` → finding at 1:1: `unbalanced double quotes in this
    /// paragraph: 1 straight "`.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct UnbalancedQuotes {
        id: "unbalanced-quotes",
        stage: Validate,
        summary: "paragraphs whose double quotation marks do not pair up",
        default_enabled: true,
    }
}

/// Longest quotation set out over lines that is taken as one (verse, letters).
const MAX_QUOTED_LINES: usize = 40;

/// Straight `"`, `“` and `”` in each paragraph of `text`. `“` and `”` are
/// E2 80 9C and E2 80 9D in UTF-8: only `"` and the last bytes 9C and 9D are
/// looked at (not E2, which every `’` and `—` starts with), and the two bytes
/// before them checked. Paragraphs start and end at character boundaries, so
/// a sequence is either wholly in one or not at all.
///
/// One search over the whole text, with the hits dealt out to the paragraphs
/// (which are in order and do not overlap): a search per paragraph pays the
/// search's set-up once per line.
fn quote_counts(text: &str, paras: &[Range<usize>]) -> Vec<(usize, usize, usize)> {
    let bytes = text.as_bytes();
    let mut counts = vec![(0, 0, 0); paras.len()];
    let mut k = 0; // the first paragraph that does not end before the hit
    for at in memchr::memchr3_iter(b'"', 0x9C, 0x9D, bytes) {
        while k < paras.len() && paras[k].end <= at {
            k += 1;
        }
        let Some(p) = paras.get(k) else { break };
        if at < p.start {
            continue; // between paragraphs
        }
        let lead = at >= 2 && bytes[at - 2..at] == [0xE2, 0x80];
        match bytes[at] {
            b'"' => counts[k].0 += 1,
            0x9C if lead => counts[k].1 += 1,
            0x9D if lead => counts[k].2 += 1,
            _ => {}
        }
    }
    counts
}

fn opens_with_quote(s: &str) -> bool {
    s.trim_start().starts_with(['"', '\u{201c}'])
}

impl Rule for UnbalancedQuotes {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        let paras = ctx.paragraphs();
        let counts = quote_counts(text, paras);
        let mut multi_line = vec![false; paras.len()];
        for k in 0..paras.len() {
            if counts[k] != (0, 1, 0) || multi_line[k] {
                continue;
            }
            // A quotation set out over lines: the next quoted line closes it.
            let mut j = k + 1;
            while j < paras.len() && j - k <= MAX_QUOTED_LINES && counts[j] == (0, 0, 0) {
                j += 1;
            }
            let same_block =
                |a: usize, b: usize| !text[paras[a].end..paras[b].start].contains("\n\n");
            if j < paras.len()
                && j - k <= MAX_QUOTED_LINES
                && counts[j] == (0, 0, 1)
                && same_block(k, j)
            {
                multi_line[k] = true;
                multi_line[j] = true;
            }
        }
        for (k, p) in paras.iter().enumerate() {
            let (straight, open, close) = counts[k];
            if (straight % 2 == 0 && open == close) || multi_line[k] {
                continue;
            }
            let left_open =
                (straight % 2 == 1 && open == close) || (straight % 2 == 0 && open == close + 1);
            let next_opens = paras
                .get(k + 1)
                .is_some_and(|n| opens_with_quote(&text[n.clone()]));
            if left_open && next_opens {
                continue; // continued speech
            }
            let mut parts = Vec::new();
            if straight % 2 == 1 {
                parts.push(format!("{straight} straight \""));
            }
            if open != close {
                parts.push(format!("{open} “ but {close} ”"));
            }
            out.findings.push(Finding::new(
                INFO.id,
                Severity::Warning,
                p.start..p.start,
                format!(
                    "unbalanced double quotes in this paragraph: {}",
                    parts.join(", ")
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quote_counts;
    use crate::validate::paragraphs::paragraphs;
    use proptest::prelude::*;

    proptest! {
        /// One search over the text counts what a search per paragraph counts.
        #[test]
        fn agrees_with_a_count_per_paragraph(
            text in "[a \"\n\r\u{201c}\u{201d}\u{2019}\u{9c}]{0,120}",
        ) {
            let paras = paragraphs(&text);
            let expected: Vec<(usize, usize, usize)> = paras
                .iter()
                .map(|p| {
                    let s = &text[p.clone()];
                    (s.matches('"').count(), s.matches('\u{201c}').count(), s.matches('\u{201d}').count())
                })
                .collect();
            prop_assert_eq!(quote_counts(&text, &paras), expected);
        }
    }
}
