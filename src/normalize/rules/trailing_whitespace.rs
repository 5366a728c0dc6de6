use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Removes white space (spaces, tabs, no-break and other Unicode spaces) at
    /// the end of every line.
    ///
    /// ## Why
    /// Trailing blanks are invisible, carry no meaning in prose, and make lines
    /// that look identical compare different.
    ///
    /// ## Example
    /// `He left. \t\n` → `He left.\n`
    ///
    /// ## Fix safety
    /// Certain.
    pub struct TrailingWhitespace {
        id: "trailing-whitespace",
        stage: Normalize,
        summary: "white space at line ends is removed",
        default_enabled: true,
    }
}

impl Rule for TrailingWhitespace {
    fn run(&self, text: &str, _ctx: &Context, out: &mut Outcome) {
        let mut line_start = 0;
        let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
        for end in ends {
            let line = &text[line_start..end];
            let kept = line.trim_end_matches(is_blank).len();
            if kept < line.len() {
                out.fixes
                    .push(Fix::delete(line_start + kept..end, Confidence::Certain));
            }
            line_start = end + 1;
        }
    }
}

fn is_blank(c: char) -> bool {
    c != '\n' && c.is_whitespace()
}
