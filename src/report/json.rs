//! `--format json` / `--report FILE`: the full report as one JSON document.
//!
//! Schema (version 1):
//! `{"version": 1, "files": [FileReport…], "corpus": [CorpusFinding…],
//! "summary": Summary}`; see
//! README "JSON report" for every field.
//!
//! Streams: each file's report is written when it comes, and the corpus
//! findings one by one as they are read back (the same bytes as
//! serializing the whole array at once), so memory does not grow with the
//! number of files or findings.

use super::{CorpusFindings, FileReport, Printer, Summary, Texts, SCHEMA_VERSION};
use std::io::{self, Write};

pub struct JsonPrinter<W: Write> {
    out: W,
    /// Nothing written yet.
    first: bool,
    /// The `corpus` array is written.
    corpus: bool,
}

impl<W: Write> JsonPrinter<W> {
    pub fn new(out: W) -> Self {
        JsonPrinter {
            out,
            first: true,
            corpus: false,
        }
    }

    /// Write the document's opening if nothing is written yet.
    fn open(&mut self) -> io::Result<()> {
        if self.first {
            write!(self.out, "{{\"version\":{SCHEMA_VERSION},\"files\":[")?;
            self.first = false;
        }
        Ok(())
    }
}

impl<W: Write> Printer for JsonPrinter<W> {
    fn file(&mut self, report: &FileReport, _texts: Option<&Texts>) -> io::Result<()> {
        if self.first {
            self.open()?;
        } else {
            self.out.write_all(b",")?;
        }
        serde_json::to_writer(&mut self.out, report)?;
        self.out.write_all(b"\n")
    }

    fn corpus(&mut self, findings: CorpusFindings) -> io::Result<()> {
        self.open()?;
        self.out.write_all(b"],\"corpus\":[")?;
        for (i, f) in findings.enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            serde_json::to_writer(&mut self.out, &f?)?;
        }
        self.out.write_all(b"]")?;
        self.corpus = true;
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if !self.corpus {
            self.open()?;
            self.out.write_all(b"],\"corpus\":[]")?;
        }
        self.out.write_all(b",\n\"summary\":")?;
        serde_json::to_writer(&mut self.out, summary)?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::report::CorpusFinding;

    fn finding(path: &str, related: &[&str]) -> CorpusFinding {
        CorpusFinding {
            path: path.to_string(),
            rule: "duplicate-files",
            severity: Severity::Warning,
            message: "identical to \"a\\b\" é".to_string(),
            related: related.iter().map(|r| r.to_string()).collect(),
            ignore_file: Default::default(),
        }
    }

    fn print(corpus: Option<Vec<CorpusFinding>>) -> String {
        let mut out = Vec::new();
        let mut printer = JsonPrinter::new(&mut out);
        if let Some(findings) = corpus {
            printer.corpus(CorpusFindings::from_vec(findings)).unwrap();
        }
        printer.finish(&Summary::default()).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The streamed `corpus` array has the bytes of the array serialized
    /// at once.
    #[test]
    fn corpus_array_streamed_as_serialized_at_once() {
        let summary = serde_json::to_string(&Summary::default()).unwrap();
        for findings in [
            vec![],
            vec![finding("b", &["a"])],
            vec![
                finding("b", &["a"]),
                finding("c", &[]),
                finding("d", &["a", "b"]),
            ],
        ] {
            let whole = serde_json::to_string(&findings).unwrap();
            assert_eq!(
                print(Some(findings)),
                format!(
                    "{{\"version\":1,\"files\":[],\"corpus\":{whole},\n\"summary\":{summary}}}\n"
                )
            );
        }
        assert_eq!(print(None), print(Some(vec![])));
    }
}
