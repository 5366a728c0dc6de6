//! `--format json` / `--report FILE`: the full report as one JSON document.
//!
//! Schema (version 1):
//! `{"version": 1, "files": [FileReport…], "corpus": [CorpusFinding…],
//! "summary": Summary}`; see
//! README "JSON report" for every field.

use super::{CorpusFinding, FileReport, Printer, Summary, Texts, SCHEMA_VERSION};
use std::io::{self, Write};

pub struct JsonPrinter<W: Write> {
    out: W,
    first: bool,
    corpus: Vec<CorpusFinding>,
}

impl<W: Write> JsonPrinter<W> {
    pub fn new(out: W) -> Self {
        JsonPrinter {
            out,
            first: true,
            corpus: Vec::new(),
        }
    }
}

impl<W: Write> Printer for JsonPrinter<W> {
    fn file(&mut self, report: &FileReport, _texts: Option<&Texts>) -> io::Result<()> {
        if self.first {
            write!(self.out, "{{\"version\":{SCHEMA_VERSION},\"files\":[")?;
            self.first = false;
        } else {
            self.out.write_all(b",")?;
        }
        serde_json::to_writer(&mut self.out, report)?;
        self.out.write_all(b"\n")
    }

    fn corpus(&mut self, findings: &[CorpusFinding]) -> io::Result<()> {
        self.corpus.extend_from_slice(findings);
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if self.first {
            write!(self.out, "{{\"version\":{SCHEMA_VERSION},\"files\":[")?;
        }
        self.out.write_all(b"],\"corpus\":")?;
        serde_json::to_writer(&mut self.out, &self.corpus)?;
        self.out.write_all(b",\n\"summary\":")?;
        serde_json::to_writer(&mut self.out, summary)?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}
