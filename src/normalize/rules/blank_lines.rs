use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Removes blank lines at the start of the file and shortens every run of
    /// blank lines to at most `[blank-lines] max` (default 1). Lines holding only
    /// white space count as blank. Blank lines at the end are `final-newline`'s.
    ///
    /// ## Why
    /// Runs of blank lines are left over from HTML export and page layout; a
    /// single blank line is the paragraph separator readers and tools expect.
    ///
    /// ## Example
    /// `one\n\n\n\ntwo` → `one\n\ntwo`
    ///
    /// ## Fix safety
    /// Likely: spacing was sometimes a deliberate pause; raise `max` to keep it.
    pub struct BlankLines {
        id: "blank-lines",
        stage: Normalize,
        summary: "blank lines at the start removed, runs capped",
        default_enabled: true,
        options: Options,
    }
}

crate::rule_options! {
    /// `[blank-lines]` in `fettle.toml`.
    pub struct Options {
        /// Longest run of blank lines kept inside the text.
        pub max: usize = 1,
    }
}

impl Rule for BlankLines {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        let max = ctx.config.blank_lines.max;
        let mut blanks = 0usize; // blank lines since the last line with text
        let mut run_start = 0; // where those blank lines begin
        let mut seen_text = false;
        let mut spans = ctx.lines().spans().peekable();
        while let Some(line) = spans.next() {
            // Every line but the last is followed by a `\n`.
            let newline = spans.peek().is_some();
            let (line_start, line_end) = (line.start, line.end);
            if text[line].trim().is_empty() {
                blanks += usize::from(newline);
            } else {
                let limit = if seen_text { max } else { 0 };
                if blanks > limit {
                    out.fixes.push(Fix::new(
                        run_start..line_start,
                        "\n".repeat(limit),
                        Confidence::Likely,
                    ));
                }
                seen_text = true;
                blanks = 0;
                run_start = line_end + 1;
            }
        }
    }
}
