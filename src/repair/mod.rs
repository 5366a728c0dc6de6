//! Stage 2, repair: undo damage done to the text before fettle saw it
//! (mojibake, C1 controls, bytes of another encoding, U+FFFD replacements).

use crate::rule::Rule;

/// Repair rules in the order they run.
pub static RULES: &[&dyn Rule] = &[];
