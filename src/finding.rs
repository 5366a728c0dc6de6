//! Findings: what fettle reports but does not (or cannot) fix.

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
        }
    }
}
