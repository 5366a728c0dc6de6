//! One record: find its text, clean it, and give the line back with only
//! the text's value replaced and the report field added.
//!
//! The line is not re-serialised: the text's value and the report field
//! are spliced into the bytes as read, so every other field (its key
//! escapes, number spellings such as `1.0` or `1e400`, big integers, white
//! space, key order) stays exactly as it was. A record whose text needs no
//! change keeps even the text's own spelling (`\u00e9` stays escaped).

use super::report_field::RecordReport;
use crate::config::Config;
use crate::decode;
use crate::pipeline;
use crate::validate::policy::{self, PathPolicy};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::ops::Range;

/// How records are read and what is added to them.
#[derive(Debug, Clone)]
pub struct Cleaner {
    /// The record profile (`Config::for_records`) or the user's version of it.
    pub config: Config,
    pub text_key: String,
    pub report_key: String,
    /// List each edit in the report field.
    pub with_edits: bool,
    /// Build the output line (`--check` needs only the report).
    pub output: bool,
}

/// A line after processing.
#[derive(Debug)]
pub struct Done {
    /// The line to write, ending in a newline (empty when not `output`).
    pub line: Vec<u8>,
    pub verdict: Verdict,
}

#[derive(Debug)]
pub enum Verdict {
    /// A record whose text was cleaned.
    Record(RecordReport),
    /// A line passed through unchanged, and why.
    Bad(String),
}

impl Cleaner {
    /// Clean the record on `line` (its bytes as read, terminator included),
    /// grading its findings with the input's `policy`.
    pub fn process(&self, mut line: Vec<u8>, policy: &PathPolicy) -> Done {
        match self.clean(&line, policy) {
            Ok((spliced, report)) => Done {
                line: spliced,
                verdict: Verdict::Record(report),
            },
            Err(reason) => {
                if !line.ends_with(b"\n") {
                    line.push(b'\n');
                }
                Done {
                    line,
                    verdict: Verdict::Bad(reason),
                }
            }
        }
    }

    fn clean(&self, line: &[u8], policy: &PathPolicy) -> Result<(Vec<u8>, RecordReport), String> {
        let json = std::str::from_utf8(line)
            .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.valid_up_to() + 1))?;
        if json.trim().is_empty() {
            return Err("empty line".to_string());
        }
        let Members(members) = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
        let text_raw = self
            .only_member(&members, &self.text_key)?
            .ok_or_else(|| format!("no `{}` field", self.text_key))?;
        let text: String =
            serde_json::from_str(text_raw.get()).map_err(|e| match kind(text_raw) {
                "a string" => format!("`{}` is not a valid string: {e}", self.text_key),
                other => format!("`{}` is {other}, not a string", self.text_key),
            })?;
        let report_raw = self.only_member(&members, &self.report_key)?;

        let decoded = decode::DecodedText::of_string(text);
        let (cleaned, edits, mut findings) = pipeline::clean_decoded(&decoded, &self.config);
        policy::apply_file(policy, &decoded.text, &mut findings);
        let report = RecordReport::new(&decoded.text, &cleaned, &edits, &findings, self.with_edits);
        if !self.output {
            return Ok((Vec::new(), report));
        }

        let report_json = serde_json::to_string(&report).expect("a report serialises");
        let mut splices: Vec<(Range<usize>, String)> = Vec::with_capacity(2);
        if report.changed {
            let text_json = serde_json::to_string(&cleaned).expect("a string serialises");
            splices.push((span(json, text_raw), text_json));
        }
        match report_raw {
            Some(old) => splices.push((span(json, old), report_json)),
            None => {
                let (_, last) = members.last().expect("the text field is a member");
                let at = span(json, last).end;
                let key = serde_json::to_string(&self.report_key).expect("a string serialises");
                splices.push((at..at, format!(",{key}:{report_json}")));
            }
        }
        splices.sort_by_key(|(range, _)| range.start);
        Ok((spliced(line, &splices), report))
    }

    /// The value of the member named `key`, if any; a key given twice is
    /// an error, since readers disagree on which one counts.
    fn only_member<'a>(
        &self,
        members: &[(String, &'a RawValue)],
        key: &str,
    ) -> Result<Option<&'a RawValue>, String> {
        let mut found = members.iter().filter(|(k, _)| k == key).map(|(_, v)| *v);
        let first = found.next();
        if found.next().is_some() {
            return Err(format!("the `{key}` field is given more than once"));
        }
        Ok(first)
    }
}

/// `line` with each range replaced (ranges sorted and apart), ending in a
/// newline.
fn spliced(line: &[u8], splices: &[(Range<usize>, String)]) -> Vec<u8> {
    let added: usize = splices.iter().map(|(_, s)| s.len()).sum();
    let mut out = Vec::with_capacity(line.len() + added + 1);
    let mut at = 0;
    for (range, replacement) in splices {
        out.extend_from_slice(&line[at..range.start]);
        out.extend_from_slice(replacement.as_bytes());
        at = range.end;
    }
    out.extend_from_slice(&line[at..]);
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out
}

/// Where a raw value borrowed from `json` lies in it.
fn span(json: &str, value: &RawValue) -> Range<usize> {
    let start = value.get().as_ptr() as usize - json.as_ptr() as usize;
    start..start + value.get().len()
}

/// What kind of JSON value a raw value is, for messages.
fn kind(value: &RawValue) -> &'static str {
    match value.get().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// A JSON object's members in order, each value as its raw JSON text
/// borrowed from the line.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, &'de RawValue>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaner(output: bool) -> Cleaner {
        Cleaner {
            config: Config::default().for_records(),
            text_key: "text".to_string(),
            report_key: "fettle".to_string(),
            with_edits: true,
            output,
        }
    }

    fn process(line: &str) -> (String, Verdict) {
        let done = cleaner(true).process(line.as_bytes().to_vec(), &PathPolicy::default());
        (String::from_utf8(done.line).unwrap(), done.verdict)
    }

    #[test]
    fn only_the_text_changes_and_the_report_is_added_after_the_last_member() {
        let (line, verdict) =
            process("{\"id\": 1.0, \"text\": \"caf\\u00c3\\u00a9  \", \"n\": 1e400, \"k\\u00e9y\": 123456789012345678901234567890 }\r\n");
        let Verdict::Record(report) = verdict else {
            panic!("{verdict:?}")
        };
        assert!(report.changed);
        let report_json = serde_json::to_string(&report).unwrap();
        assert_eq!(
            line,
            format!("{{\"id\": 1.0, \"text\": \"café\", \"n\": 1e400, \"k\\u00e9y\": 123456789012345678901234567890,\"fettle\":{report_json} }}\r\n")
        );
    }

    #[test]
    fn an_unchanged_text_keeps_its_spelling() {
        let (line, _) = process("{\"text\":\"caf\\u00e9\"}");
        assert!(
            line.starts_with("{\"text\":\"caf\\u00e9\",\"fettle\":{\"changed\":false,"),
            "{line}"
        );
        assert!(line.ends_with("}\n"));
    }

    #[test]
    fn an_existing_report_field_is_replaced_where_it_is() {
        let (line, _) = process("{\"fettle\":{\"old\":[1,2]},\"text\":\"a\",\"z\":0}\n");
        assert!(
            line.starts_with("{\"fettle\":{\"changed\":false,"),
            "{line}"
        );
        assert!(line.ends_with("},\"text\":\"a\",\"z\":0}\n"), "{line}");
        assert!(!line.contains("old"));
    }

    #[test]
    fn bad_lines_pass_through_unchanged_with_a_reason() {
        for (line, reason) in [
            ("not json\n", "not JSON"),
            (
                "[1, 2]\n",
                "not JSON: invalid type: sequence, expected a JSON object",
            ),
            ("{\"id\": 1}\n", "no `text` field"),
            ("{\"text\": 5}\n", "`text` is a number, not a string"),
            ("{\"text\": null}\n", "`text` is null, not a string"),
            ("{\"text\": \"\\ud800\"}\n", "`text` is not a valid string"),
            (
                "{\"text\": \"a\", \"text\": \"b\"}\n",
                "the `text` field is given more than once",
            ),
            ("   \n", "empty line"),
        ] {
            let (out, verdict) = process(line);
            assert_eq!(out, line);
            let Verdict::Bad(why) = verdict else {
                panic!("{line}: {verdict:?}")
            };
            assert!(why.starts_with(reason), "{line}: {why}");
        }
        let done = cleaner(true).process(b"{\"text\": \"\xff\"}".to_vec(), &PathPolicy::default());
        assert_eq!(done.line, b"{\"text\": \"\xff\"}\n");
        assert!(
            matches!(done.verdict, Verdict::Bad(why) if why == "invalid UTF-8 at byte 11 of the line")
        );
    }

    #[test]
    fn whole_file_rules_do_not_run_on_records() {
        let (line, verdict) = process("{\"text\":\"Short and unfinished\"}");
        let Verdict::Record(report) = verdict else {
            panic!()
        };
        assert!(!report.changed, "{line}");
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }

    #[test]
    fn check_mode_builds_no_line() {
        let done = cleaner(false).process(b"{\"text\":\"a  \"}".to_vec(), &PathPolicy::default());
        assert!(done.line.is_empty());
        assert!(matches!(done.verdict, Verdict::Record(r) if r.changed));
    }
}
