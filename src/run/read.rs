//! Reading a file's bytes, within the size limit: one open, one `fstat`,
//! one read. Also standard input.

use std::fs;
use std::io::Read;
use std::path::Path;

/// What was read, and the file's metadata at the time (to notice, before
/// replacing it, that someone else wrote it meanwhile).
pub struct Read1 {
    pub size: u64,
    pub bytes: Vec<u8>,
    pub metadata: Option<fs::Metadata>,
}

/// The size and bytes of the file at `path` (read from `opened`, the file
/// and its size, when it is already open), or its size (0 when unknown) and
/// why it was not read: unreadable, not a regular file, or over `limit` bytes.
pub fn read_within(
    path: &Path,
    opened: Option<(fs::File, u64)>,
    limit: u64,
) -> Result<Read1, (u64, String)> {
    let file = match opened {
        Some((file, _)) => file,
        None => fs::File::open(path).map_err(|e| (0, format!("cannot read: {e}")))?,
    };
    let metadata = file
        .metadata()
        .map_err(|e| (0, format!("cannot read: {e}")))?;
    if !metadata.is_file() {
        return Err((
            0,
            format!(
                "{}: only regular files are read",
                super::walk::kind_of(metadata.file_type())
            ),
        ));
    }
    let size = metadata.len();
    if size > limit {
        return Err((size, over_limit(size, limit)));
    }
    let bytes = read_sized(file, size, limit).map_err(|e| (size, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err((
            bytes.len() as u64,
            format!("file grew past the limit of {limit} bytes while being read"),
        ));
    }
    Ok(Read1 {
        size,
        bytes,
        metadata: Some(metadata),
    })
}

fn over_limit(size: u64, limit: u64) -> String {
    format!("file is {size} bytes, over the limit of {limit} bytes (--max-file-size or [decode] max-file-size)")
}

/// Standard input, up to `limit` bytes.
pub fn read_stdin(limit: u64) -> Result<Read1, (u64, String)> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| (0, format!("cannot read standard input: {e}")))?;
    let size = bytes.len() as u64;
    if size > limit {
        return Err((size, over_limit(size, limit)));
    }
    Ok(Read1 {
        size,
        bytes,
        metadata: None,
    })
}

/// The bytes of `file`, whose size was `size`, and at most `limit + 1` of
/// them (a file growing while it is read stops past the limit too). The
/// buffer is sized to the file plus one byte, so that a file that did not
/// change is read by one full read and one that finds its end;
/// `read_to_end` without a size hint would read it 8 KiB, 16 KiB, … at a
/// time, a system call each.
fn read_sized(mut file: fs::File, size: u64, limit: u64) -> std::io::Result<Vec<u8>> {
    let want = usize::try_from(size.min(limit).saturating_add(1)).unwrap_or(usize::MAX);
    let mut bytes = vec![0; want];
    let mut filled = 0;
    while filled < want {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    if filled == want {
        // It grew: the rest, up to the limit.
        file.take(limit.saturating_add(1).saturating_sub(filled as u64))
            .read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file read by its size: whole when the size is right, and also when
    /// it grew or shrank since, never more than the limit plus one byte.
    #[test]
    fn read_sized_reads_the_file_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, "abcdef").unwrap();
        let read = |size, limit| read_sized(fs::File::open(&path).unwrap(), size, limit).unwrap();
        assert_eq!(read(6, 100), b"abcdef");
        assert_eq!(read(3, 100), b"abcdef", "grew since its size was taken");
        assert_eq!(read(9, 100), b"abcdef", "shrank");
        assert_eq!(read(3, 4), b"abcde", "grew past the limit: limit + 1 bytes");
        assert_eq!(read(0, 100), b"abcdef");
    }

    #[test]
    fn an_open_handle_reads_the_same_as_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, "caf\u{e9}\n").unwrap();
        let opened = Some((fs::File::open(&path).unwrap(), 6));
        let a = read_within(&path, opened, 100).ok().unwrap();
        let b = read_within(&path, None, 100).ok().unwrap();
        assert_eq!((a.size, &a.bytes), (b.size, &b.bytes));
        assert_eq!(a.bytes, b"caf\xc3\xa9\n");
        assert!(read_within(&path, None, 3).is_err());
    }
}
