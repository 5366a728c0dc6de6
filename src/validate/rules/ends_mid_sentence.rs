use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a text whose last paragraph stops mid-sentence: its last
    /// character is a letter, a digit, or one of `, ; : - (`, and the paragraph
    /// has at least five words (a short last line such as `THE END` or
    /// `Chapter 12` is a heading, not a cut sentence). Closing punctuation,
    /// quotes, brackets, an ellipsis or a dash (a deliberate break-off) count as
    /// an ending, also when a footnote number follows (`help us!4017`).
    ///
    /// ## Why
    /// A story that stops in the middle of a sentence was usually truncated: a
    /// download cut short, a size limit, a lost last page.
    ///
    /// ## Example
    /// `She opened the door and saw` → finding at 1:1: `the text ends
    /// mid-sentence ("…the door and saw"): the file may be truncated`.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct EndsMidSentence {
        id: "ends-mid-sentence",
        stage: Validate,
        summary: "the text stops mid-sentence: a truncation hint",
        default_enabled: true,
    }
}

/// Fewest words of a last paragraph that is a sentence, not a heading.
const MIN_WORDS: usize = 5;

impl Rule for EndsMidSentence {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        let Some(last) = ctx.paragraphs().last().cloned() else {
            return;
        };
        let para = text[last.clone()].trim_end();
        // A footnote number glued to the last sentence (`help us!4017`)
        // is not part of the sentence.
        let unnumbered = para.trim_end_matches(|c: char| c.is_ascii_digit());
        let Some(end) = para.chars().last() else {
            return;
        };
        if unnumbered.len() < para.len()
            && unnumbered.ends_with(['.', '!', '?', '"', '\u{201d}', '\u{2019}', ')'])
        {
            return;
        }
        let cut = end.is_alphanumeric() || matches!(end, ',' | ';' | ':' | '-' | '(');
        // Fewer than MIN_WORDS words (counted no further: the last paragraph
        // of a file without blank lines can be the whole file).
        let short = para.split_whitespace().nth(MIN_WORDS - 1).is_none();
        if !cut || short {
            return;
        }
        let tail: String = {
            let chars: Vec<char> = para.chars().collect();
            let from = chars.len().saturating_sub(30);
            let s: String = chars[from..].iter().collect();
            if from > 0 {
                format!("…{}", s.trim_start())
            } else {
                s
            }
        };
        out.findings.push(Finding::new(
            INFO.id,
            Severity::Warning,
            last.start..last.start,
            format!(
                "the text ends mid-sentence (\"{}\"): the file may be truncated",
                crate::report::visible(&tail)
            ),
        ));
    }
}
