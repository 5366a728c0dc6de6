//! Findings: what fettle reports but does not (or cannot) fix.

use crate::edit::Confidence;
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// How much a finding matters to someone about to publish the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A finding, positioned in byte offsets of the decoded input (or of the raw
/// bytes for decode findings, whose text does not exist yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub start: usize,
    pub end: usize,
    pub message: String,
    /// A fix the rule proposed and the run withheld (its confidence is
    /// below `--min-confidence`): what it would have written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Box<Proposal>>,
}

/// A fix not applied: the input text it would replace, the text it would
/// write, and how sure the rule was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub before: CompactString,
    pub after: CompactString,
    pub confidence: Confidence,
}

impl Finding {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        range: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity,
            start: range.start,
            end: range.end,
            message: message.into(),
            proposed: None,
        }
    }
}
