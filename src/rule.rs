//! The rule interface every repair, normalize and validate rule implements.

use crate::config::Config;
use crate::decode::{DecodedText, LineEndings};
use crate::edit::{EditLog, Fix};
use crate::facts::TextFacts;
use crate::finding::Finding;
use std::cell::OnceCell;
use std::ops::Range;

/// Where in the pipeline a rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Repair,
    Normalize,
    Validate,
    /// Validate rules that need the whole collection (`src/validate/corpus/`).
    Corpus,
}

/// Static description of a rule, used by `--help`-style listings and reports.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable kebab-case id, as used in `fettle.toml` and reports.
    pub id: &'static str,
    pub stage: Stage,
    /// One line: what the rule does.
    pub summary: &'static str,
    /// Whether the rule runs when the configuration says nothing.
    pub default_enabled: bool,
}

/// What a rule sees besides the text.
///
/// Shared scanning facilities, so that no rule scans the whole text for
/// what another already found:
/// - [`Context::facts`]: one pass over the text telling what it may contain
///   (`src/facts.rs`); a rule returns at once when what it looks for is
///   certainly absent. [`Context::input_facts`]: the same for the text as
///   found, for rules that read `decoded.text`.
/// - [`Context::paragraphs`]: the paragraphs of the current text
///   (`src/validate/paragraphs.rs`), computed by the first rule that asks and
///   reused by the next ones until a rule changes the text.
pub struct Context<'a> {
    pub config: &'a Config,
    pub decoded: &'a DecodedText,
    /// Changes so far; maps offsets of the current text back to the input.
    pub log: &'a EditLog<'a>,
    /// What the text may contain (one shared scan): a rule returns at once
    /// when what it looks for is certainly absent.
    pub facts: TextFacts,
    /// The facts of the text as found (`decoded.text`), for rules about the
    /// input.
    pub input_facts: TextFacts,
    /// The line endings of the text as found, counted once by the pipeline
    /// (the report shows them too).
    pub input_line_endings: LineEndings,
    /// Lazily computed views of the current text ([`Context::paragraphs`]).
    pub shared: &'a Shared,
}

/// Views of the current text computed on first use; the pipeline starts a
/// new one whenever a rule changes the text.
#[derive(Debug, Default)]
pub struct Shared {
    paragraphs: OnceCell<Vec<Range<usize>>>,
}

impl Context<'_> {
    /// Byte ranges of the paragraphs of the current text (the text the rule
    /// was given), as [`crate::validate::paragraphs::paragraphs`] finds them.
    pub fn paragraphs(&self) -> &[Range<usize>] {
        self.shared
            .paragraphs
            .get_or_init(|| crate::validate::paragraphs::paragraphs(self.log.current()))
    }
}

/// What a rule returns: fixes and findings, in coordinates of the text it saw.
#[derive(Debug, Default)]
pub struct Outcome {
    pub fixes: Vec<Fix>,
    pub findings: Vec<Finding>,
    /// Findings about the text *as found* (`ctx.decoded.text`), already in
    /// byte offsets of the decoded input: the pipeline keeps their positions
    /// as they are instead of mapping them from the current text.
    pub input_findings: Vec<Finding>,
}

pub trait Rule: Send + Sync {
    fn info(&self) -> &'static RuleInfo;
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome);
}
