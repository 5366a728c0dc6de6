//! The rule interface every repair, normalize and validate rule implements.

use crate::config::Config;
use crate::decode::{DecodedText, LineEndings};
use crate::edit::{EditLog, Fix};
use crate::facts::TextFacts;
use crate::finding::Finding;
use crate::text::Lines;
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

/// Static description of a rule, written once with [`declare_rule!`]: what
/// `fettle rules` lists, reports show and `docs/rules.md` is generated from.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable kebab-case id, as used in `fettle.toml` and reports.
    pub id: &'static str,
    pub stage: Stage,
    /// One line: what the rule does.
    pub summary: &'static str,
    /// Whether the rule runs when the configuration says nothing.
    pub default_enabled: bool,
    /// The rule's documentation as written in its declaration
    /// (`## What it does / ## Why / ## Example / ## Fix safety`), one
    /// declaration line per line; read it with [`RuleInfo::doc`].
    pub raw_doc: &'static str,
    /// The rule's options table (`[<id>]` in `fettle.toml`) with its
    /// defaults, as TOML; `None` for a rule without options.
    pub default_options: Option<fn() -> String>,
}

impl RuleInfo {
    /// The rule's documentation, Markdown.
    pub fn doc(&self) -> String {
        let lines: Vec<&str> = self
            .raw_doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        lines.join("\n").trim().to_string()
    }

    /// The first paragraph under `## What it does`, on one line.
    pub fn description(&self) -> Option<String> {
        let doc = self.doc();
        let body = doc.split("## What it does").nth(1)?;
        let para = body.trim_start().split("\n\n").next()?;
        let para = para.split("\n## ").next()?;
        Some(para.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// What [`declare_rule!`] implements for a rule: its static description.
pub trait Declared {
    fn info(&self) -> &'static RuleInfo;
}

/// The defaults of a rule's options as a TOML table body.
pub fn options_toml<T: Default + serde::Serialize>() -> String {
    toml::to_string(&T::default()).expect("rule options serialize to TOML")
}

/// Declares a rule once: its unit struct, its [`RuleInfo`] (in a `static
/// INFO` of the rule's module) and [`Declared`]. The doc comment is the
/// rule's documentation (`## What it does`, `## Why`, `## Example`,
/// `## Fix safety`): `fettle rules --explain ID` prints it and
/// `docs/rules.md` is generated from it. `options` names the type of the
/// rule's `[<id>]` table in `fettle.toml`, defined beside the rule.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct LongLines {
///         id: "long-lines",
///         stage: Validate,
///         summary: "lines longer than [long-lines] max characters",
///         default_enabled: true,
///         options: Options,
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            id: $id:literal,
            stage: $stage:ident,
            summary: $summary:literal,
            default_enabled: $on:literal
            $(, options: $options:ty)?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        static INFO: $crate::rule::RuleInfo = $crate::rule::RuleInfo {
            id: $id,
            stage: $crate::rule::Stage::$stage,
            summary: $summary,
            default_enabled: $on,
            raw_doc: concat!($($doc, "\n"),*),
            default_options: $crate::declare_rule!(@options $($options)?),
        };

        impl $crate::rule::Declared for $name {
            fn info(&self) -> &'static $crate::rule::RuleInfo {
                &INFO
            }
        }
    };
    (@options) => {
        None
    };
    (@options $options:ty) => {
        Some($crate::rule::options_toml::<$options>)
    };
}

/// Declares a rule's options type, its `[<id>]` table in `fettle.toml`: the
/// struct with each field's default beside it, what reading it from TOML
/// needs (unknown keys refused, kebab-case keys), `Default`, and
/// [`RuleOptions`] with the checks written after it (without them, every
/// value is accepted).
///
/// ```ignore
/// rule_options! {
///     /// `[long-lines]` in `fettle.toml`.
///     pub struct Options {
///         /// Longest line, in characters, that is not reported.
///         pub max: usize = 25_000,
///     }
///     check(options) {
///         if options.max == 0 {
///             anyhow::bail!("[long-lines] max must be at least 1");
///         }
///     }
/// }
/// ```
#[macro_export]
macro_rules! rule_options {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            $(
                $(#[doc = $field_doc:literal])*
                pub $field:ident: $ty:ty = $default:expr,
            )*
        }
        $(check($options:ident) $check:block)?
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
        #[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
        pub struct $name {
            $(
                $(#[doc = $field_doc])*
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name {
                    $($field: $default,)*
                }
            }
        }

        impl $crate::rule::RuleOptions for $name {
            $(
                fn check(&self) -> anyhow::Result<()> {
                    let $options = self;
                    $check
                    Ok(())
                }
            )?
        }
    };
}

/// An options type of a rule: its `[<id>]` table in `fettle.toml`.
pub trait RuleOptions {
    /// Reject values the rule cannot work with (the message names the table).
    fn check(&self) -> anyhow::Result<()> {
        Ok(())
    }
}

/// What a rule sees besides the text.
///
/// Shared scanning facilities, so that no rule scans the whole text for
/// what another already found:
/// - [`Context::facts`]: one pass over the text telling what it may contain
///   (`src/facts.rs`); a rule returns at once when what it looks for is
///   certainly absent. [`Context::input_facts`]: the same for the text as
///   found, for rules that read `decoded.text`.
/// - [`Context::lines`] and [`Context::paragraphs`]: the lines and
///   paragraphs of the current text (`src/text.rs`), found by the first rule
///   that asks and reused by the next ones until a rule changes the text.
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
    /// Lazily computed views of the current text ([`Context::lines`],
    /// [`Context::paragraphs`]).
    pub views: &'a TextViews,
    /// Input ranges of the fixes earlier rules proposed and the run withheld
    /// (`crate::applicability`), sorted: their findings already name these
    /// places.
    pub withheld: &'a [Range<usize>],
}

/// Views of the current text computed on first use; the pipeline starts a
/// new one whenever a rule changes the text.
#[derive(Debug, Default)]
pub struct TextViews {
    lines: OnceCell<Lines>,
    paragraphs: OnceCell<Vec<Range<usize>>>,
}

impl Context<'_> {
    /// The lines of the current text (the text the rule was given).
    pub fn lines(&self) -> &Lines {
        self.views
            .lines
            .get_or_init(|| Lines::of(self.log.current()))
    }

    /// Byte ranges of the paragraphs of the current text, as
    /// [`crate::text::paragraphs`] finds them.
    pub fn paragraphs(&self) -> &[Range<usize>] {
        self.views.paragraphs.get_or_init(|| {
            let text = self.log.current();
            crate::text::paragraphs_of_lines(text, self.lines().bodies(text))
        })
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

/// A per-file rule; its description comes from [`declare_rule!`].
pub trait Rule: Declared + Send + Sync {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome);
    /// Does the rule judge its fixes without regard to which of its other
    /// fixes are applied (or read `ctx.config.fix.min_confidence` and judge
    /// with it)? Then the pipeline does not run it again when some of its
    /// fixes were withheld and others applied (`crate::pipeline`), a second
    /// run of the rule saved.
    fn settles_withheld_itself(&self) -> bool {
        false
    }
}
