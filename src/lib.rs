//! fettle: clean and validate text corpora.
//!
//! The pipeline, one module per stage:
//! [`decode`] → [`repair`] → [`normalize`] → [`validate`] → [`report`].
//! [`pipeline`] runs the stages on one file's bytes; [`run`] walks files and
//! feeds a [`report::Printer`]; [`cli`] is the command line.

pub mod applicability;
pub mod cli;
pub mod config;
pub mod decode;
pub mod edit;
pub mod facts;
pub mod finding;
pub mod line_col;
pub mod normalize;
pub mod pipeline;
pub mod records;
pub mod repair;
pub mod report;
pub mod rule;
pub mod rules;
pub mod run;
pub mod text;
pub mod validate;

pub use config::Config;
pub use pipeline::{process, Processed};

/// Clean a string with the default configuration: the library's one-call API.
pub fn clean_str(text: &str) -> String {
    clean_str_with(text, &Config::default()).0
}

/// Clean a string with `config`: the output, every edit and every finding,
/// in byte offsets of `text` (what the Python package builds on).
pub fn clean_str_with(
    text: &str,
    config: &Config,
) -> (String, Vec<edit::Edit>, Vec<finding::Finding>) {
    let decoded = decode::DecodedText::of_string(text.to_string());
    pipeline::clean_decoded(&decoded, config)
}
