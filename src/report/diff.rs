//! `check --diff`: unified diffs of what `clean` would do, which `git apply`
//! and `patch` accept. Stdout carries the patch and nothing else; the
//! summary goes to stderr.
//!
//! A patch holds text, so it can only show changes to a file whose bytes
//! are its text: UTF-8, with or without a byte-order mark (whose removal
//! shows on the first line). A file that is re-encoded (windows-1252,
//! UTF-16...) or holds bytes that are not UTF-8 gets no hunks: a note on
//! stderr names it and the change, which `fettle fix` makes.

use super::names::git_header;
use super::{count, CorpusFindings, FileReport, Printer, Summary, Texts};
use std::io::{self, Write};

pub struct DiffPrinter<W: Write> {
    out: W,
}

impl<W: Write> DiffPrinter<W> {
    pub fn new(out: W) -> Self {
        DiffPrinter { out }
    }
}

/// Write a unified diff between two texts, with `a/` and `b/` headers like
/// git's, of the file whose name is the bytes `name`, quoted as git quotes
/// it. The diff is written as it is made, never held whole: a large file's
/// diff can be twice its size.
///
/// Lines end at `\n` only, as git and `patch` count them: a lone CR, NEL or
/// U+2028 is part of a line, not its end. With `bom`, the file's first line
/// starts with the byte-order mark `input` is without.
fn write_unified_diff(
    out: impl Write,
    name: &[u8],
    bom: bool,
    input: &str,
    output: &str,
) -> io::Result<()> {
    let mut old: Vec<&str> = input.split_inclusive('\n').collect();
    let first_with_bom;
    if bom {
        first_with_bom = format!("\u{feff}{}", old.first().copied().unwrap_or(""));
        match old.first_mut() {
            Some(first) => *first = &first_with_bom,
            None => old.push(&first_with_bom),
        }
    }
    let new: Vec<&str> = output.split_inclusive('\n').collect();
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new);
    let groups = similar::group_diff_ops(ops, 3);
    if groups.is_empty() {
        return Ok(());
    }
    // Lines are small writes: buffered here, whatever `out` is.
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    write!(
        out,
        "--- {}\n+++ {}\n",
        git_header("a/", name),
        git_header("b/", name)
    )?;
    let range = |start: usize, len: usize| match len {
        0 => format!("{start},0"),
        _ => format!("{},{len}", start + 1),
    };
    let line = |out: &mut io::BufWriter<_>, sign: u8, text: &str| -> io::Result<()> {
        out.write_all(&[sign])?;
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            out.write_all(b"\n\\ No newline at end of file\n")?;
        }
        Ok(())
    };
    for group in groups {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let old_lines = first.old_range().start..last.old_range().end;
        let new_lines = first.new_range().start..last.new_range().end;
        writeln!(
            out,
            "@@ -{} +{} @@",
            range(old_lines.start, old_lines.len()),
            range(new_lines.start, new_lines.len())
        )?;
        for op in &group {
            let (tag, o, n) = op.as_tag_tuple();
            match tag {
                similar::DiffTag::Equal => {
                    for i in o {
                        line(&mut out, b' ', old[i])?;
                    }
                }
                _ => {
                    for i in o {
                        line(&mut out, b'-', old[i])?;
                    }
                    for i in n {
                        line(&mut out, b'+', new[i])?;
                    }
                }
            }
        }
    }
    // Handed on to `out`, not flushed through it: `out` buffers as it will.
    out.into_inner().map_err(io::IntoInnerError::into_error)?;
    Ok(())
}

/// Does the decoded text stand for the file's bytes, so that a text patch
/// applies to the file?
fn bytes_are_text(r: &FileReport) -> bool {
    r.encoding
        .as_ref()
        .is_some_and(|e| e.name == "UTF-8" && e.undecodable == 0)
}

impl<W: Write> Printer for DiffPrinter<W> {
    fn wants_texts(&self) -> bool {
        true
    }
    /// The patch is made from the texts.
    fn wants_edit_positions(&self) -> bool {
        false
    }

    fn file(&mut self, report: &FileReport, texts: Option<&Texts>) -> io::Result<()> {
        let Some(t) = texts else { return Ok(()) };
        if !report.would_change() {
            return Ok(());
        }
        if !bytes_are_text(report) {
            let change = report
                .reencoding()
                .unwrap_or_else(|| "replace bytes that are not UTF-8".to_string());
            eprintln!(
                "{}: {change}, {}: not in the patch (a text patch cannot express it); `fettle fix` makes the change",
                report.path,
                count(report.edits.len(), "edit")
            );
            return Ok(());
        }
        let name = match &report.path_bytes {
            Some(bytes) => bytes.clone(),
            None => super::names::normalized(&report.path).into_bytes(),
        };
        let name = name
            .strip_prefix(b"./")
            .map_or(name.clone(), <[u8]>::to_vec);
        let bom = report.encoding.as_ref().is_some_and(|e| e.bom.is_some());
        if bom || t.input != t.output {
            write_unified_diff(&mut self.out, &name, bom, t.input, t.output)?;
        }
        Ok(())
    }

    /// Corpus findings have no diff: they go to stderr, like the summary.
    fn corpus(&mut self, findings: CorpusFindings) -> io::Result<()> {
        for f in findings {
            let f = f?;
            eprintln!(
                "{}: {} {}: {}",
                f.path,
                f.severity.as_str(),
                f.rule,
                f.message
            );
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.out.flush()?;
        eprintln!(
            "{}: {} would change, {}, {}",
            count(summary.files, "file"),
            summary.changed,
            count(summary.findings, "finding"),
            count(summary.errors, "error")
        );
        Ok(())
    }
}
