//! Stage 4, validate: report what could not be fixed.

pub mod corpus;
pub mod policy;
pub mod replacement_char;

use crate::rule::Rule;

/// Validate rules; they only report, on the final text.
pub static RULES: &[&dyn Rule] = &[&replacement_char::ReplacementChar];
