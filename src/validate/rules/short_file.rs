use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a text file that is empty or only white space (a warning), or
    /// has fewer than `[short-file] min-words` words (default 20; a word is a run
    /// of letters or digits; an `info`, so a short note does not fail `check`
    /// unless `[severity] short-file` says so).
    ///
    /// ## Why
    /// An empty or near-empty file in a corpus is almost always a failed
    /// download, a placeholder or an index page, not a text.
    ///
    /// ## Example
    /// `Chapter 1\n` → finding at 1:1: `only 2 words (min-words 20): a
    /// placeholder or a failed download?`.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct ShortFile {
        id: "short-file",
        stage: Validate,
        summary: "empty files and files with fewer than [short-file] min-words words",
        default_enabled: true,
        options: Options,
    }
}

crate::rule_options! {
    /// `[short-file]` in `fettle.toml`.
    pub struct Options {
        /// Files with fewer words than this are reported.
        pub min_words: usize = 20,
    }
}

impl Rule for ShortFile {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        let min = ctx.config.short_file.min_words;
        let words = crate::text::words(text).take(min).count();
        if words >= min {
            return;
        }
        let (severity, message) = if text.trim().is_empty() {
            let what = if text.is_empty() {
                "the file is empty"
            } else {
                "the file has only white space"
            };
            (Severity::Warning, what.to_string())
        } else {
            (
                Severity::Info,
                format!(
                    "only {words} words (min-words {min}): a placeholder or a failed download?"
                ),
            )
        };
        out.findings
            .push(Finding::new(INFO.id, severity, 0..0, message));
    }
}
