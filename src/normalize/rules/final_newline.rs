use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Ends a non-empty file with exactly one newline: adds a missing one, removes
    /// blank lines at the end.
    ///
    /// ## Why
    /// POSIX tools expect it (`cat a b` glues lines otherwise; `wc -l` miscounts),
    /// and trailing blank lines are noise.
    ///
    /// ## Example
    /// `The end.` → `The end.\n`; `The end.\n\n\n` → `The end.\n`
    ///
    /// ## Fix safety
    /// Certain.
    pub struct FinalNewline {
        id: "final-newline",
        stage: Normalize,
        summary: "exactly one newline at the end of the file",
        default_enabled: true,
    }
}

impl Rule for FinalNewline {
    fn run(&self, text: &str, _ctx: &Context, out: &mut Outcome) {
        let body = text.trim_end_matches(|c: char| c.is_whitespace());
        if body.is_empty() {
            if !text.is_empty() {
                out.fixes
                    .push(Fix::delete(0..text.len(), Confidence::Certain));
            }
            return;
        }
        if &text[body.len()..] != "\n" {
            out.fixes
                .push(Fix::new(body.len()..text.len(), "\n", Confidence::Certain));
        }
    }
}
