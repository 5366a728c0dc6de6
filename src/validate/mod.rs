//! Stage 4, validate: report what could not be fixed.

pub mod ambiguous_encoding;
pub mod control_chars;
pub mod corpus;
pub mod ends_mid_sentence;
pub mod long_lines;
pub mod mixed_line_endings;
pub mod mixed_quotes;
pub mod paragraphs;
pub mod policy;
pub mod quote_convention;
pub mod replacement_char;
pub mod residual_mojibake;
pub mod short_file;
pub mod trailing_note;
pub mod unbalanced_quotes;

use crate::rule::Rule;

/// Per-file validate rules; they only report, on the final text (rules about
/// the text as found read `ctx.decoded` and report in `input_findings`).
/// Corpus-level rules are in [`corpus`]; severities, overrides and inline
/// suppression are applied afterwards in one place, [`policy`].
pub static RULES: &[&dyn Rule] = &[
    &replacement_char::ReplacementChar,
    &ambiguous_encoding::AmbiguousEncoding,
    &residual_mojibake::ResidualMojibake,
    &control_chars::ControlChars,
    &mixed_line_endings::MixedLineEndings,
    &mixed_quotes::MixedQuotes,
    &unbalanced_quotes::UnbalancedQuotes,
    &long_lines::LongLines,
    &short_file::ShortFile,
    &ends_mid_sentence::EndsMidSentence,
    &trailing_note::TrailingNote,
];
