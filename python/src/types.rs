//! The objects the functions return: `Edit`, `Finding`, `Detection`.
//!
//! Offsets are Python string indices (code points) of the text passed in.

use pyo3::prelude::*;
use pyo3::types::PyString;

/// Python's `repr` of a string, for the `__repr__`s.
fn repr(py: Python<'_>, text: &str) -> PyResult<String> {
    Ok(PyString::new(py, text).repr()?.to_str()?.to_string())
}

/// One change fettle made: `text[start:end]` was `before` and became `after`.
#[pyclass(frozen, get_all, eq, module = "fettle_text")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The rule that made the change (the last, when several were merged).
    pub rule: String,
    /// Earlier rules whose changes at this place were merged into this one.
    pub merged: Vec<String>,
    pub start: usize,
    pub end: usize,
    pub before: String,
    pub after: String,
    /// "certain", "likely" or "guess": the lowest of the merged changes.
    pub confidence: &'static str,
}

#[pymethods]
impl Edit {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Edit(rule={}, start={}, end={}, before={}, after={}, confidence={})",
            repr(py, &self.rule)?,
            self.start,
            self.end,
            repr(py, &self.before)?,
            repr(py, &self.after)?,
            repr(py, self.confidence)?,
        ))
    }
}

/// Something fettle reports in `text[start:end]` but does not fix.
#[pyclass(frozen, get_all, eq, module = "fettle_text")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    /// "error", "warning" or "info".
    pub severity: &'static str,
    pub start: usize,
    pub end: usize,
    pub message: String,
}

#[pymethods]
impl Finding {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Finding(rule={}, severity={}, start={}, end={}, message={})",
            repr(py, &self.rule)?,
            repr(py, self.severity)?,
            self.start,
            self.end,
            repr(py, &self.message)?,
        ))
    }
}

/// What encoding detection makes of some bytes.
#[pyclass(frozen, get_all, module = "fettle_text")]
#[derive(Debug, Clone)]
pub struct Detection {
    /// The encoding (WHATWG / encoding_rs name, or UTF-32LE/BE); `None`
    /// for binary data.
    pub encoding: Option<&'static str>,
    /// 0..1: how sure detection is (1 for a BOM and for valid UTF-8).
    pub confidence: f32,
    /// How it was decided: "bom", "utf-8", "utf-8-mixed", "nul-pattern",
    /// "escape" or "guess".
    pub method: Option<&'static str>,
    /// The best alternative that decodes to different text, and its score.
    pub runner_up: Option<(&'static str, f32)>,
    /// The top candidates decode to different text and the evidence is thin.
    pub ambiguous: bool,
    /// Whether the data starts with a byte-order mark.
    pub bom: bool,
    /// The language (ISO 639 code) the detector read the text in, when it
    /// had to guess the encoding; `None` otherwise.
    pub language: Option<&'static str>,
    /// Why the data is taken for binary, not text; `None` for text.
    pub binary: Option<String>,
}

#[pymethods]
impl Detection {
    fn __repr__(&self) -> String {
        match &self.binary {
            Some(reason) => format!("Detection(binary={reason:?})"),
            None => format!(
                "Detection(encoding={:?}, confidence={:.3}, method={:?}, runner_up={}, ambiguous={})",
                self.encoding.unwrap_or_default(),
                self.confidence,
                self.method.unwrap_or_default(),
                match self.runner_up {
                    Some((name, score)) => format!("({name:?}, {score:.3})"),
                    None => "None".to_string(),
                },
                if self.ambiguous { "True" } else { "False" },
            ),
        }
    }
}
