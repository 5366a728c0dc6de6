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

use super::near_duplicates::HASHES;
use super::sort::{Record, Sorter};
use super::{FileSummary, TextSummary};
use crate::validate::policy::RuleSet;
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};

/// Bytes of records a sorter keeps in memory before it spills to disk.
pub const BUDGET: usize = 512 << 10;

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
        let mut rest = Vec::with_capacity(320);
        self.encode(&file, &mut rest)?;
        self.rows.push((file.path, self.pushed, rest))?;
        self.pushed += 1;
        Ok(())
    }

    /// Every pushed summary, sorted by path, in a table: in memory while
    /// it takes less than the budget, else in temporary files.
    pub fn finish(self) -> io::Result<Files> {
        let mut files = Files {
            rows: Store::default(),
            index: Store::default(),
            signatures: Store::default(),
            len: 0,
            budget: self.budget,
            names: self.names,
            cache: RefCell::new(vec![None; CACHE]),
        };
        let mut bytes = Vec::new();
        let mut offset = 0u64;
        for row in self.rows.finish()? {
            let row: Row = row?;
            // The signature also goes to a table of fixed records (zeros
            // when the file has none): one read gets it back.
            let mut signature = [0u8; SIGNATURE];
            let summary = files.decode(row.0.clone(), &row.2)?;
            if let Some(minhash) = summary.text.and_then(|t| t.minhash) {
                for (to, m) in signature.chunks_mut(4).zip(&minhash) {
                    to.copy_from_slice(&m.to_le_bytes());
                }
            }
            bytes.clear();
            row.write(&mut bytes)?;
            (offset, bytes.len() as u32).write(&mut files.index)?;
            offset += bytes.len() as u64;
            files.rows.write_all(&bytes)?;
            files.signatures.write_all(&signature)?;
            files.len = files
                .len
                .checked_add(1)
                .ok_or_else(|| io::Error::other("more than 2^32 files"))?;
            let in_memory =
                files.rows.in_memory() + files.index.in_memory() + files.signatures.in_memory();
            if in_memory > files.budget {
                files.rows.spill()?;
                files.index.spill()?;
                files.signatures.spill()?;
            }
        }
        files.rows.flush()?;
        files.index.flush()?;
        files.signatures.flush()?;
        Ok(files)
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
                let bytes: Vec<u8> = minhash.iter().flat_map(|m| m.to_le_bytes()).collect();
                bytes.write(w)?;
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

/// The summaries of every file in path order, numbered from 0.
pub struct Files {
    rows: Store,
    /// Per file, where its row is in `rows`: (offset u64, length u32).
    index: Store,
    /// Per file, its MinHash signature in [`SIGNATURE`] bytes.
    signatures: Store,
    len: u32,
    budget: usize,
    names: Vec<&'static str>,
    /// Signatures read from disk, by file number modulo [`CACHE`]: the
    /// near-duplicate pass reads the files of a cluster once per band.
    cache: RefCell<Vec<Option<(u32, Signature)>>>,
}

const INDEX_RECORD: u64 = 12;
const SIGNATURE: usize = HASHES * 4;
/// Signatures cached when they are on disk (256 KiB).
const CACHE: usize = 1024;

/// A MinHash signature.
pub type Signature = [u32; HASHES];

impl Files {
    /// The number of files.
    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of records a sorter keeps in memory.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// A sorter for a rule, under the same memory budget.
    pub fn sorter<T: Record>(&self) -> Sorter<T> {
        Sorter::new(self.budget)
    }

    /// The summary of file `i`.
    pub fn get(&self, i: u32) -> io::Result<FileSummary> {
        let mut at = [0u8; INDEX_RECORD as usize];
        self.index
            .read_exact_at(&mut at, u64::from(i) * INDEX_RECORD)?;
        let (offset, len) = <(u64, u32)>::read(&mut &at[..])?;
        let mut row = vec![0u8; len as usize];
        self.rows.read_exact_at(&mut row, offset)?;
        let (path, _, rest) = <Row>::read(&mut &row[..])?;
        self.decode(path, &rest)
    }

    /// The signature of file `i` (zeros when it has none).
    pub fn signature(&self, i: u32) -> io::Result<Signature> {
        let slot = i as usize % CACHE;
        if let Some((j, sig)) = &self.cache.borrow()[slot] {
            if *j == i {
                return Ok(*sig);
            }
        }
        let mut bytes = [0u8; SIGNATURE];
        self.signatures
            .read_exact_at(&mut bytes, u64::from(i) * SIGNATURE as u64)?;
        let mut sig = [0u32; HASHES];
        for (m, b) in sig.iter_mut().zip(bytes.chunks(4)) {
            *m = u32::from_le_bytes(b.try_into().expect("4 bytes"));
        }
        if let Store::Disk(_) = self.signatures {
            self.cache.borrow_mut()[slot] = Some((i, sig));
        }
        Ok(sig)
    }

    /// Every file's number and summary, in path order.
    pub fn iter(&self) -> impl Iterator<Item = io::Result<(u32, FileSummary)>> + '_ {
        let at = ReaderAt {
            store: &self.rows,
            pos: 0,
        };
        let mut reader = BufReader::with_capacity(64 << 10, at);
        (0..self.len).map(move |i| {
            let (path, _, rest) = <Row>::read(&mut reader)?;
            Ok((i, self.decode(path, &rest)?))
        })
    }

    /// The summary of a row: its path and the rest, encoded by
    /// [`Spool::push`].
    fn decode(&self, path: String, rest: &[u8]) -> io::Result<FileSummary> {
        let r = &mut &rest[..];
        let path_is_utf8 = u8::read(r)? != 0;
        let text = match u8::read(r)? {
            0 => None,
            _ => {
                let (encoding, method, ascii) = <(u8, u8, u8)>::read(r)?;
                let (hash, len) = <(u128, u64)>::read(r)?;
                let bytes = Vec::<u8>::read(r)?;
                let minhash: Box<[u32]> = bytes
                    .chunks_exact(4)
                    .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
                    .collect();
                Some(TextSummary {
                    encoding: self.names[usize::from(encoding)],
                    method: self.names[usize::from(method)],
                    ascii: ascii != 0,
                    hash,
                    len: len as usize,
                    minhash: (!minhash.is_empty()).then_some(minhash),
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

/// Bytes written once, then read at any offset: in memory until
/// [`Store::spill`] moves them to an anonymous temporary file.
enum Store {
    Memory(Vec<u8>),
    Disk(BufWriter<File>),
}

impl Default for Store {
    fn default() -> Self {
        Store::Memory(Vec::new())
    }
}

impl Store {
    fn in_memory(&self) -> usize {
        match self {
            Store::Memory(bytes) => bytes.len(),
            Store::Disk(_) => 0,
        }
    }

    fn spill(&mut self) -> io::Result<()> {
        if let Store::Memory(bytes) = self {
            let mut w = BufWriter::new(tempfile::tempfile()?);
            w.write_all(bytes)?;
            *self = Store::Disk(w);
        }
        Ok(())
    }

    fn read_at(&self, buf: &mut [u8], pos: u64) -> io::Result<usize> {
        match self {
            Store::Memory(bytes) => {
                let from = bytes.len().min(pos as usize);
                (&bytes[from..]).read(buf)
            }
            #[cfg(unix)]
            Store::Disk(w) => std::os::unix::fs::FileExt::read_at(w.get_ref(), buf, pos),
            #[cfg(windows)]
            Store::Disk(w) => std::os::windows::fs::FileExt::seek_read(w.get_ref(), buf, pos),
        }
    }

    fn read_exact_at(&self, buf: &mut [u8], pos: u64) -> io::Result<()> {
        ReaderAt { store: self, pos }.read_exact(buf)
    }
}

impl Write for Store {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Store::Memory(bytes) => bytes.write(buf),
            Store::Disk(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Store::Memory(_) => Ok(()),
            Store::Disk(w) => w.flush(),
        }
    }
}

/// `Read` at a position of its own, so that reading one file after another
/// and by number can interleave.
struct ReaderAt<'a> {
    store: &'a Store,
    pos: u64,
}

impl Read for ReaderAt<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.store.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}
