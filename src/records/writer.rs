//! Writing records: to stdout, or to `--out FILE`, compressed when the file
//! name ends in `.gz` or `.zst`.
//!
//! A file is written under a temporary name beside it and renamed into place
//! once complete: a run that fails half-way leaves no truncated shard, and
//! `--out` may name one of the inputs.

use anyhow::{Context as _, Result};
use flate2::write::GzEncoder;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

const WRITE_BUFFER: usize = 256 << 10;

/// zstd's default level: fast, and within a few percent of gzip -9's size.
const ZSTD_LEVEL: i32 = 3;

/// Where the output records go.
pub struct Sink {
    out: Encoded,
    /// For `--out`: the temporary file and the name it gets when done.
    file: Option<(NamedTempFile, PathBuf)>,
}

enum Encoded {
    Plain(BufWriter<Box<dyn Write + Send>>),
    Gzip(GzEncoder<BufWriter<File>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<File>>),
}

/// How a file name asks to be compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn of(path: &Path) -> Compression {
        match path.extension().and_then(|e| e.to_str()) {
            Some("gz") => Compression::Gzip,
            Some("zst") => Compression::Zstd,
            _ => Compression::None,
        }
    }
}

impl Sink {
    pub fn stdout() -> Sink {
        Sink {
            out: Encoded::Plain(BufWriter::with_capacity(
                WRITE_BUFFER,
                Box::new(io::stdout()),
            )),
            file: None,
        }
    }

    /// A new file at `path`, compressed as its name says.
    pub fn create(path: &Path) -> Result<Sink> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        // A new file's usual mode (less the umask), not a temporary file's 0600.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder
            .tempfile_in(dir)
            .with_context(|| format!("{}: cannot create output", path.display()))?;
        let file = temp
            .reopen()
            .with_context(|| format!("{}: cannot create output", path.display()))?;
        let out = match Compression::of(path) {
            Compression::None => {
                Encoded::Plain(BufWriter::with_capacity(WRITE_BUFFER, Box::new(file)))
            }
            Compression::Gzip => Encoded::Gzip(GzEncoder::new(
                BufWriter::with_capacity(WRITE_BUFFER, file),
                flate2::Compression::default(),
            )),
            Compression::Zstd => Encoded::Zstd(zstd::stream::write::Encoder::new(
                BufWriter::with_capacity(WRITE_BUFFER, file),
                ZSTD_LEVEL,
            )?),
        };
        Ok(Sink {
            out,
            file: Some((temp, path.to_path_buf())),
        })
    }

    /// Flush everything, end the compressed stream and put the file in
    /// place.
    pub fn finish(self) -> Result<()> {
        let file = match self.out {
            Encoded::Plain(mut w) => {
                w.flush()?;
                None
            }
            Encoded::Gzip(e) => Some(e.finish()?),
            Encoded::Zstd(e) => Some(e.finish()?),
        };
        if let Some(mut file) = file {
            file.flush()?;
        }
        if let Some((temp, path)) = self.file {
            temp.as_file().sync_all().ok();
            temp.persist(&path)
                .with_context(|| format!("{}: cannot write output", path.display()))?;
        }
        Ok(())
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.out {
            Encoded::Plain(w) => w.write(buf),
            Encoded::Gzip(w) => w.write(buf),
            Encoded::Zstd(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.out {
            Encoded::Plain(w) => w.write_all(buf),
            Encoded::Gzip(w) => w.write_all(buf),
            Encoded::Zstd(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.out {
            Encoded::Plain(w) => w.flush(),
            Encoded::Gzip(w) => w.flush(),
            Encoded::Zstd(w) => w.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(name: &str) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        let mut sink = Sink::create(&path).unwrap();
        sink.write_all(b"{\"text\":\"a\"}\n").unwrap();
        assert!(!path.exists(), "the file appears only when finished");
        sink.finish().unwrap();
        std::fs::read(&path).unwrap()
    }

    #[test]
    fn the_extension_chooses_the_compression() {
        let line = b"{\"text\":\"a\"}\n".to_vec();
        assert_eq!(written("out.jsonl"), line);
        let gz = written("out.jsonl.gz");
        assert_eq!(&gz[..2], &[0x1f, 0x8b]);
        let mut plain = Vec::new();
        io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain).unwrap();
        assert_eq!(plain, line);
        assert_eq!(
            zstd::decode_all(&written("out.jsonl.zst")[..]).unwrap(),
            line
        );
    }
}
