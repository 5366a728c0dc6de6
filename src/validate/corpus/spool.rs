//! Where the runner keeps the files' [`FileSummary`]s until the corpus rules
//! run, in memory that does not grow with the number of files.
//!
//! [`Spool::push`] encodes each summary (a few hundred bytes) and hands it
//! to an external sort by path ([`Sorter`]); [`Spool::finish`] writes the
//! sorted summaries to an anonymous temporary file with an index of fixed
//! records, giving [`Files`]: the files in path order, numbered from 0, read
//! one after another ([`Files::iter`]) or by number ([`Files::get`]). The
//! corpus rules work on `Files` with sorters of their own.
//!
//! Memory: each sorter keeps at most [`BUDGET`] bytes of records in memory
//! before it writes a sorted run to disk; at most two sorters fill at once
//! (a rule reading one sorted stream while filling the next), so the corpus
//! stage stays under about 2 × [`BUDGET`] plus small read buffers, whatever
//! the number of files. Below the budget nothing is written but the table of
//! summaries (a few hundred bytes per file, in the page cache).

use super::sort::{Record, Sorter};
use super::{FileSummary, TextSummary};
use crate::validate::policy::RuleSet;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};

/// Bytes of records a sorter keeps in memory before it spills to disk.
pub const BUDGET: usize = 2 << 20;

/// One spooled file: path, push order (ties of equal paths keep it), the
/// rest of its summary encoded.
type Row = (String, u64, Vec<u8>);

/// The summaries pushed so far; see the module documentation.
pub struct Spool {
    rows: Sorter<Row>,
    pushed: u64,
    budget: usize,
    /// The distinct encoding and method names, stored by index.
    names: Vec<&'static str>,
}

impl Default for Spool {
    fn default() -> Self {
        Spool::new()
    }
}

impl Spool {
    pub fn new() -> Self {
        Spool::with_budget(BUDGET)
    }

    /// A spool whose sorters (its own and the rules') keep at most `budget`
    /// bytes in memory: tests use a tiny budget to take the disk path.
    pub fn with_budget(budget: usize) -> Self {
        Spool {
            rows: Sorter::new(budget),
            pushed: 0,
            budget,
            names: Vec::new(),
        }
    }

    pub fn push(&mut self, file: FileSummary) -> io::Result<()> {
        let mut rest = Vec::with_capacity(64);
        self.encode(&file, &mut rest)?;
        self.rows.push((file.path, self.pushed, rest))?;
        self.pushed += 1;
        Ok(())
    }

    /// Every pushed summary, sorted by path, in a table on disk.
    pub fn finish(self) -> io::Result<Files> {
        let mut data = BufWriter::new(tempfile::tempfile()?);
        let mut index = BufWriter::new(tempfile::tempfile()?);
        let mut offset = 0u64;
        let mut len = 0u32;
        let mut bytes = Vec::new();
        for row in self.rows.finish()? {
            bytes.clear();
            row?.write(&mut bytes)?;
            data.write_all(&bytes)?;
            (offset, bytes.len() as u32).write(&mut index)?;
            offset += bytes.len() as u64;
            len = len
                .checked_add(1)
                .ok_or_else(|| io::Error::other("more than 2^32 files"))?;
        }
        Ok(Files {
            data: data.into_inner().map_err(|e| e.into_error())?,
            index: index.into_inner().map_err(|e| e.into_error())?,
            len,
            budget: self.budget,
            names: self.names,
        })
    }

    fn name_id(&mut self, name: &'static str) -> u8 {
        match self.names.iter().position(|&n| n == name) {
            Some(i) => i as u8,
            None => {
                assert!(self.names.len() < 256, "at most 256 encoding names");
                self.names.push(name);
                (self.names.len() - 1) as u8
            }
        }
    }

    /// Everything but the path: flags, the text summary, the markers.
    fn encode(&mut self, file: &FileSummary, w: &mut Vec<u8>) -> io::Result<()> {
        u8::from(file.path_is_utf8).write(w)?;
        match &file.text {
            None => 0u8.write(w)?,
            Some(t) => {
                1u8.write(w)?;
                let (encoding, method) = (self.name_id(t.encoding), self.name_id(t.method));
                (encoding, method, u8::from(t.ascii)).write(w)?;
                (t.hash, t.len as u64).write(w)?;
                let minhash = t.minhash.as_deref().unwrap_or(&[]);
                (minhash.len() as u32).write(w)?;
                for m in minhash {
                    m.write(w)?;
                }
            }
        }
        u8::from(file.ignore_file.all).write(w)?;
        (file.ignore_file.rules.len() as u32).write(w)?;
        for rule in &file.ignore_file.rules {
            rule.write(w)?;
        }
        Ok(())
    }
}

/// The summaries of every file in path order, numbered from 0, on disk.
pub struct Files {
    data: File,
    /// Per file, where its row is in `data`: (offset u64, length u32).
    index: File,
    len: u32,
    budget: usize,
    names: Vec<&'static str>,
}

const INDEX_RECORD: u64 = 12;

impl Files {
    /// The number of files.
    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A sorter for a rule, under the same memory budget.
    pub fn sorter<T: Record>(&self) -> Sorter<T> {
        Sorter::new(self.budget)
    }

    /// The summary of file `i`.
    pub fn get(&self, i: u32) -> io::Result<FileSummary> {
        let mut at = [0u8; INDEX_RECORD as usize];
        read_at(&self.index, &mut at, u64::from(i) * INDEX_RECORD)?;
        let (offset, len) = <(u64, u32)>::read(&mut &at[..])?;
        let mut row = vec![0u8; len as usize];
        read_at(&self.data, &mut row, offset)?;
        self.decode(<Row>::read(&mut &row[..])?)
    }

    /// Every file's number and summary, in path order.
    pub fn iter(&self) -> impl Iterator<Item = io::Result<(u32, FileSummary)>> + '_ {
        let mut reader = BufReader::new(ReaderAt {
            file: &self.data,
            pos: 0,
        });
        (0..self.len).map(move |i| Ok((i, self.decode(<Row>::read(&mut reader)?)?)))
    }

    fn decode(&self, (path, _, rest): Row) -> io::Result<FileSummary> {
        let r = &mut &rest[..];
        let path_is_utf8 = u8::read(r)? != 0;
        let text = match u8::read(r)? {
            0 => None,
            _ => {
                let (encoding, method, ascii) = <(u8, u8, u8)>::read(r)?;
                let (hash, len) = <(u128, u64)>::read(r)?;
                let n = u32::read(r)?;
                let minhash = (0..n)
                    .map(|_| u32::read(r))
                    .collect::<io::Result<Box<[u32]>>>()?;
                Some(TextSummary {
                    encoding: self.names[usize::from(encoding)],
                    method: self.names[usize::from(method)],
                    ascii: ascii != 0,
                    hash,
                    len: len as usize,
                    minhash: (n > 0).then_some(minhash),
                })
            }
        };
        let all = u8::read(r)? != 0;
        let n = u32::read(r)?;
        let rules = (0..n).map(|_| String::read(r)).collect::<io::Result<_>>()?;
        Ok(FileSummary {
            path,
            path_is_utf8,
            text,
            ignore_file: RuleSet { all, rules },
        })
    }
}

/// `Read` at a position of its own, so that reading one file after another
/// and by number can interleave.
struct ReaderAt<'a> {
    file: &'a File,
    pos: u64,
}

impl Read for ReaderAt<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(self.file, buf, self.pos)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

fn read_at(file: &File, buf: &mut [u8], pos: u64) -> io::Result<()> {
    ReaderAt { file, pos }.read_exact(buf)
}
