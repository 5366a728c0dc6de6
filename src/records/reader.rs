//! Reading records: a file or stdin, gzip and zstd recognised by their
//! magic bytes and decompressed on the fly, cut into batches of lines.
//!
//! Only one batch is held at a time, so memory stays flat however many
//! records a shard has: it is bounded by [`BATCH_BYTES`] or, when larger,
//! by the longest line.

use anyhow::{Context as _, Result};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;

/// A batch is closed once its lines hold this many bytes...
pub const BATCH_BYTES: usize = 1 << 20;
/// ...or this many lines, whichever comes first.
pub const BATCH_LINES: usize = 2048;

/// What the reader's buffer holds: large reads, few system calls.
const READ_BUFFER: usize = 256 << 10;

/// The name a path gets in messages; `-` is standard input.
pub fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// One line as read: its number in its input (from 1) and its bytes,
/// line terminator included when there was one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLine {
    pub number: u64,
    pub bytes: Vec<u8>,
}

/// The lines of one input, decompressed.
pub struct Lines {
    reader: Box<dyn BufRead + Send>,
    next_number: u64,
}

impl Lines {
    /// Open `path` (`-` for stdin), decompressing gzip or zstd if its
    /// first bytes say so.
    pub fn open(path: &Path) -> Result<Lines> {
        let raw: Box<dyn Read + Send> = if path == Path::new("-") {
            Box::new(io::stdin())
        } else {
            Box::new(File::open(path).with_context(|| format!("{}: cannot open", path.display()))?)
        };
        let reader =
            decompressed(raw).with_context(|| format!("{}: cannot read", display_name(path)))?;
        Ok(Lines::new(reader))
    }

    /// Lines of an already decompressed reader.
    pub fn new(reader: Box<dyn BufRead + Send>) -> Lines {
        Lines {
            reader,
            next_number: 1,
        }
    }

    /// The number the next line will have: one more than the lines read.
    pub fn next_number(&self) -> u64 {
        self.next_number
    }

    /// The next lines, up to [`BATCH_BYTES`] or [`BATCH_LINES`] (at least
    /// one line); an empty batch at the end of the input.
    pub fn next_batch(&mut self) -> io::Result<Vec<RawLine>> {
        let mut lines = Vec::new();
        let mut bytes = 0;
        while bytes < BATCH_BYTES && lines.len() < BATCH_LINES {
            let mut line = Vec::new();
            if self.reader.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            bytes += line.len();
            lines.push(RawLine {
                number: self.next_number,
                bytes: line,
            });
            self.next_number += 1;
        }
        Ok(lines)
    }
}

/// Gzip (any number of members, as `cat a.gz b.gz` makes) or zstd (any
/// number of frames) when the first bytes are their magic numbers; the
/// bytes as they are otherwise. A JSON line can start with neither.
fn decompressed(mut raw: Box<dyn Read + Send>) -> io::Result<Box<dyn BufRead + Send>> {
    const GZIP: &[u8] = &[0x1f, 0x8b];
    const ZSTD: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];
    let mut head = Vec::with_capacity(ZSTD.len());
    (&mut raw).take(ZSTD.len() as u64).read_to_end(&mut head)?;
    let (gzip, zstd) = (head.starts_with(GZIP), head.starts_with(ZSTD));
    let whole = BufReader::with_capacity(READ_BUFFER, Cursor::new(head).chain(raw));
    Ok(if gzip {
        Box::new(BufReader::with_capacity(
            READ_BUFFER,
            flate2::bufread::MultiGzDecoder::new(whole),
        ))
    } else if zstd {
        Box::new(BufReader::with_capacity(
            READ_BUFFER,
            zstd::stream::read::Decoder::with_buffer(whole)?,
        ))
    } else {
        Box::new(whole)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn all_lines(reader: Box<dyn Read + Send>) -> Vec<RawLine> {
        let mut lines = Lines::new(decompressed(reader).unwrap());
        let mut all = Vec::new();
        loop {
            let batch = lines.next_batch().unwrap();
            if batch.is_empty() {
                return all;
            }
            all.extend(batch);
        }
    }

    const TEXT: &[u8] = b"{\"a\":1}\n{\"a\":2}\r\nlast";

    fn expected() -> Vec<RawLine> {
        [&b"{\"a\":1}\n"[..], b"{\"a\":2}\r\n", b"last"]
            .iter()
            .enumerate()
            .map(|(i, b)| RawLine {
                number: i as u64 + 1,
                bytes: b.to_vec(),
            })
            .collect()
    }

    #[test]
    fn plain_lines_keep_their_terminators_and_numbers() {
        assert_eq!(all_lines(Box::new(Cursor::new(TEXT))), expected());
    }

    #[test]
    fn gzip_members_and_zstd_frames_are_read_through() {
        let gzip = |part: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(part).unwrap();
            e.finish().unwrap()
        };
        let (first, second) = TEXT.split_at(10);
        let two_members = [gzip(first), gzip(second)].concat();
        assert_eq!(all_lines(Box::new(Cursor::new(two_members))), expected());
        let zstd = |part: &[u8]| zstd::encode_all(part, 1).unwrap();
        let two_frames = [zstd(first), zstd(second)].concat();
        assert_eq!(all_lines(Box::new(Cursor::new(two_frames))), expected());
    }

    #[test]
    fn inputs_shorter_than_a_magic_number_are_read() {
        assert_eq!(all_lines(Box::new(Cursor::new(&b"{"[..])))[0].bytes, b"{");
        assert!(all_lines(Box::new(Cursor::new(&b""[..]))).is_empty());
    }

    #[test]
    fn batches_are_bounded_by_lines() {
        let many = "{}\n".repeat(BATCH_LINES + 5);
        let mut lines = Lines::new(decompressed(Box::new(Cursor::new(many.into_bytes()))).unwrap());
        assert_eq!(lines.next_batch().unwrap().len(), BATCH_LINES);
        let rest = lines.next_batch().unwrap();
        assert_eq!(rest.len(), 5);
        assert_eq!(rest[0].number, BATCH_LINES as u64 + 1);
    }
}
