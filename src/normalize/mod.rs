//! Stage 3, normalize: white space, invisible characters, Unicode form and
//! markers. Each rule is one file in [`rules`]; the order below is the order
//! they run in.

pub mod rules;

// The rules' modules keep their paths of before the `rules/` folder.
pub use rules::{
    blank_lines, final_newline, invisible_chars, line_endings, nbsp_spacing, nfc, quote_style,
    scene_breaks, trailing_whitespace,
};

use crate::rule::Rule;

/// Normalize rules in the order they run: line endings first so that every
/// later rule sees only LF; blank lines and the final newline last, after the
/// rules that can empty a line.
pub static RULES: &[&dyn Rule] = &[
    &line_endings::LineEndings,
    &invisible_chars::InvisibleChars,
    &nbsp_spacing::NbspSpacing,
    &nfc::Nfc,
    &quote_style::QuoteStyle,
    &trailing_whitespace::TrailingWhitespace,
    &scene_breaks::SceneBreaks,
    &blank_lines::BlankLines,
    &final_newline::FinalNewline,
];
