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
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        for line in ctx.lines().spans() {
            let kept = text[line.clone()].trim_end_matches(is_blank).len();
            if line.start + kept < line.end {
                out.fixes.push(Fix::delete(
                    line.start + kept..line.end,
                    Confidence::Certain,
                ));
            }
        }
    }
}

fn is_blank(c: char) -> bool {
    c != '\n' && c.is_whitespace()
}
