//! The normalize rules, one file each; `super::RULES` is the order they run in.

pub mod blank_lines;
pub mod final_newline;
pub mod invisible_chars;
pub mod line_endings;
pub mod nbsp_spacing;
pub mod nfc;
pub mod quote_style;
pub mod scene_breaks;
pub mod trailing_whitespace;
