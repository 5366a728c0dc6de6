//! `check --format sarif`: SARIF 2.1.0, for GitHub code scanning and other
//! SARIF viewers.
//!
//! One run; `tool.driver.rules` lists every registered rule (id, summary, the
//! rule file's documentation as help) plus `encoding` for whole-file
//! re-encoding. One result per finding and per edit group (see
//! [`super::groups`]); edit results carry `fixes` whose replacements, applied
//! to the decoded file, give exactly what `fettle clean` writes. A group of
//! more than [`EDITS_PER_RESULT`] edits is split into several results; at most
//! [`MAX_RESULTS`] results are written (GitHub's limit per run), the rest are
//! counted in a tool notification.
//!
//! Regions use `startLine`/`startColumn`/`endLine`/`endColumn` only, in the
//! run's `columnKind` `unicodeCodePoints`, over the *decoded* text (the
//! artifact's `encoding` names what it was decoded from). Lines are counted as
//! SARIF counts them — a line ends at LF, CR or CRLF — so they can differ from
//! the `line` of the JSON report, which counts LF only. `endColumn` is
//! exclusive; an insertion is an empty region (end = start). Byte offsets are
//! not emitted: they would be offsets into the decoded text, not the file.

use super::helpers::{encoding_change, group_edits, is_damage, EditGroup};
use super::{visible, CorpusFindings, FileReport, Printer, Status, Summary, Texts};
use crate::finding::Severity;
use serde_json::{json, Value};
use std::io::{self, Write};

pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Results per run: GitHub code scanning rejects a run with more.
pub const MAX_RESULTS: usize = 25_000;
/// Edits per result: a longer edit group is split, so that one result (and
/// its fix) stays small.
pub const EDITS_PER_RESULT: usize = 100;

/// Pseudo-rule for files that change as a whole (re-encoding, BOM).
const ENCODING_RULE: &str = "encoding";

pub struct SarifPrinter<W: Write> {
    out: W,
    rules: Vec<Value>,
    rule_ids: Vec<&'static str>,
    artifacts: Vec<Value>,
    results: Vec<Value>,
    omitted: usize,
    notifications: Vec<Value>,
}

impl<W: Write> SarifPrinter<W> {
    pub fn new(out: W) -> Self {
        let mut rule_ids: Vec<&'static str> = crate::rules::all_ids();
        rule_ids.push(ENCODING_RULE);
        let rules = rule_ids.iter().map(|id| rule_descriptor(id)).collect();
        SarifPrinter {
            out,
            rules,
            rule_ids,
            artifacts: Vec::new(),
            results: Vec::new(),
            omitted: 0,
            notifications: Vec::new(),
        }
    }

    fn rule_index(&self, id: &str) -> Option<usize> {
        self.rule_ids.iter().position(|r| *r == id)
    }

    fn push(&mut self, result: Value) {
        if self.results.len() < MAX_RESULTS {
            self.results.push(result);
        } else {
            self.omitted += 1;
        }
    }
}

fn rule_descriptor(id: &str) -> Value {
    let (summary, stage, level, doc) = match crate::rules::info(id) {
        Some(info) => {
            let stage = format!("{:?}", info.stage).to_lowercase();
            use crate::rule::Stage;
            let level = if matches!(info.stage, Stage::Validate | Stage::Corpus) {
                "warning"
            } else {
                "note"
            };
            (info.summary.to_string(), stage, level, Some(info.doc()))
        }
        None => (
            "the file is not UTF-8 without a byte-order mark; cleaning re-encodes it".to_string(),
            "decode".to_string(),
            "note",
            None,
        ),
    };
    let full = crate::rules::info(id)
        .and_then(|i| i.description())
        .unwrap_or_else(|| summary.clone());
    let toggle = format!("Turn it off with `{id} = false` under `[rules]` in fettle.toml.");
    let help_md = match doc {
        Some(doc) => format!("{doc}\n\n{toggle}"),
        None => format!("{summary}.\n\n{toggle}"),
    };
    let help_text = help_md.replace("## ", "").replace('`', "");
    json!({
        "id": id,
        "name": id,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": level},
        "properties": {"stage": stage},
    })
}

/// 1-based line/column positions the way SARIF counts them: lines end at LF,
/// CR or CRLF; columns count Unicode code points.
pub struct SarifLines<'a> {
    text: &'a str,
    /// Byte offsets where lines start.
    starts: Vec<usize>,
}

impl<'a> SarifLines<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        SarifLines { text, starts }
    }

    /// (line, column) of a byte offset, both 1-based.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    pub fn region(&self, start: usize, end: usize) -> Value {
        let (sl, sc) = self.position(start);
        let (el, ec) = self.position(end.max(start));
        json!({"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec})
    }
}

/// A relative path as a URI reference (percent-encoded), an absolute one as
/// a `file://` URI.
pub fn path_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

impl<W: Write> Printer for SarifPrinter<W> {
    fn wants_texts(&self) -> bool {
        true
    }

    fn file(&mut self, r: &FileReport, texts: Option<&Texts>) -> io::Result<()> {
        let uri = path_uri(&r.path);
        if r.status == Status::Error {
            self.notifications.push(json!({
                "level": "error",
                "message": {"text": format!("{}: {}", r.path, r.error.as_deref().unwrap_or(""))},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
            }));
            return Ok(());
        }
        let (Some(enc), Some(texts)) = (&r.encoding, texts) else {
            return Ok(()); // binary
        };
        if r.edits.is_empty() && r.findings.is_empty() && encoding_change(r).is_none() {
            return Ok(());
        }
        let index = self.artifacts.len();
        self.artifacts.push(json!({
            "location": {"uri": uri},
            "encoding": enc.name,
            "length": r.size,
        }));
        let artifact = json!({"uri": uri, "index": index});
        let lines = SarifLines::new(texts.input);

        for f in &r.findings {
            let lvl = if is_damage(f) {
                "error"
            } else {
                level(f.severity)
            };
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": self.rule_index(f.rule).map_or(-1, |i| i as i64),
                "level": lvl,
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": artifact,
                    "region": lines.region(f.start, f.end),
                }}],
                "properties": {"severity": f.severity.as_str()},
            });
            if let Some(p) = f.proposed.as_ref().filter(|p| {
                // Where earlier edits changed the place, the proposal is not
                // a replacement of the input's text.
                texts.input.get(f.start..f.end) == Some(p.before.as_str())
            }) {
                // A withheld fix: offered, not applied.
                result["fixes"] = json!([{
                    "description": {"text": format!("{} (confidence {}, not applied by fettle)", f.rule, p.confidence.as_str())},
                    "artifactChanges": [{"artifactLocation": artifact, "replacements": [{
                        "deletedRegion": lines.region(f.start, f.end),
                        "insertedContent": {"text": p.after},
                    }]}],
                }]);
                result["properties"]["confidence"] = json!(p.confidence.as_str());
                result["properties"]["applied"] = json!(false);
            }
            self.push(result);
        }
        if let Some(change) = encoding_change(r) {
            self.push(json!({
                "ruleId": ENCODING_RULE,
                "ruleIndex": self.rule_index(ENCODING_RULE).map_or(-1, |i| i as i64),
                "level": "warning",
                "message": {"text": format!("cleaning would change the whole file: {change}")},
                "locations": [{"physicalLocation": {"artifactLocation": artifact}}],
                "properties": {"encoding": enc.name, "bom": enc.bom},
            }));
        }
        let edits: Vec<_> = r.edits.iter().collect();
        let groups = group_edits(&edits);
        let chunks = groups.iter().flat_map(|g| {
            g.edits.chunks(EDITS_PER_RESULT).map(|edits| EditGroup {
                rule: g.rule,
                edits,
            })
        });
        for g in chunks {
            if self.results.len() >= MAX_RESULTS {
                self.omitted += 1;
                continue;
            }
            let first = g.first();
            let n = g.edits.len();
            let message = format!(
                "{}: {} edit{}, confidence {}; first `{}` → `{}`",
                crate::rules::summary(g.rule),
                n,
                if n == 1 { "" } else { "s" },
                g.confidence().as_str(),
                visible(first.before),
                visible(first.after),
            );
            let replacements: Vec<Value> = g
                .edits
                .iter()
                .map(|e| {
                    json!({
                        "deletedRegion": lines.region(e.start, e.end),
                        "insertedContent": {"text": e.after},
                    })
                })
                .collect();
            let mut merged: Vec<&str> = g
                .edits
                .iter()
                .flat_map(|e| e.merged.iter().copied())
                .collect();
            merged.sort_unstable();
            merged.dedup();
            self.push(json!({
                "ruleId": g.rule,
                "ruleIndex": self.rule_index(g.rule).map_or(-1, |i| i as i64),
                "level": "warning",
                "message": {"text": message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": artifact,
                    "region": lines.region(first.start, g.last().end),
                }}],
                "fixes": [{
                    "description": {"text": format!("apply {} ({}, confidence {})", g.rule, if n == 1 { "1 edit".to_string() } else { format!("{n} edits") }, g.confidence().as_str())},
                    "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
                }],
                "properties": {"confidence": g.confidence().as_str(), "edits": n, "merged": merged},
            }));
        }
        Ok(())
    }

    /// Corpus findings: a result on the file they name (no region), the
    /// other files involved as `relatedLocations`.
    /// Streams the findings; the results kept are capped at `MAX_RESULTS`.
    fn corpus(&mut self, findings: CorpusFindings) -> io::Result<()> {
        for f in findings {
            let f = f?;
            let related: Vec<Value> = f
                .related
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    json!({"id": i, "physicalLocation": {"artifactLocation": {"uri": path_uri(p)}}})
                })
                .collect();
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": self.rule_index(f.rule).map_or(-1, |i| i as i64),
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": path_uri(&f.path)}}}],
                "properties": {"severity": f.severity.as_str(), "corpus": true},
            });
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            self.push(result);
        }
        Ok(())
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        if self.omitted > 0 {
            self.notifications.push(json!({
                "level": "warning",
                "message": {"text": format!(
                    "{} more results not written: GitHub code scanning accepts at most {MAX_RESULTS} results per run; `fettle check --format json` lists everything",
                    self.omitted
                )},
            }));
        }
        let log = json!({
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "fettle",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": self.rules,
                }},
                "invocations": [{
                    "executionSuccessful": s.errors == 0,
                    "toolExecutionNotifications": self.notifications,
                }],
                "columnKind": "unicodeCodePoints",
                "artifacts": self.artifacts,
                "results": self.results,
                "properties": {"summary": s},
            }],
        });
        serde_json::to_writer_pretty(&mut self.out, &log)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
