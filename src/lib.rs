//! fettle: clean and validate text corpora.
//!
//! The pipeline, one module per stage:
//! [`decode`] → [`repair`] → [`normalize`] → [`validate`] → [`report`].
//! [`pipeline`] runs the stages on one file's bytes; [`run`] walks files and
//! feeds a [`report::Printer`]; [`cli`] is the command line.

pub mod cli;
pub mod config;
pub mod decode;
pub mod edit;
pub mod facts;
pub mod finding;
pub mod normalize;
pub mod pipeline;
pub mod records;
pub mod repair;
pub mod report;
pub mod rule;
pub mod rules;
pub mod run;
pub mod validate;

pub use config::Config;
pub use pipeline::{process, Processed};

/// Clean a string with the default configuration: the library's one-call API.
pub fn clean_str(text: &str) -> String {
    let decoded = decode::with_encoding(
        text.as_bytes(),
        encoding_rs::UTF_8,
        decode::Method::Utf8,
        edit::Confidence::Certain,
        None,
    );
    pipeline::clean_decoded(&decoded, &Config::default()).0
}
