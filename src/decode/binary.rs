//! Is this file text at all? Binary files are reported and skipped, never
//! rewritten.

/// Signatures of common binary formats that may look like text at the start.
const MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"%PDF-", "PDF document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"RIFF", "RIFF media"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE document"),
    (b"wOFF", "web font"),
    (b"\x00asm", "WebAssembly"),
];

/// The reason the bytes are binary, if they are. Call after BOM and UTF-16/32
/// detection, since those legitimately contain NUL bytes.
pub fn binary_reason(bytes: &[u8]) -> Option<String> {
    if let Some(reason) = magic(bytes) {
        return Some(reason.to_string());
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    // Control bytes other than tab, LF, FF, CR and ESC are rare in any text.
    // Most text has no byte below 0x20 but LF, CR and tab: a first count of
    // all of those but LF, which is cheaper, settles most files; the exact
    // count, which it bounds from above, is only needed when it is high.
    // The same walk looks for NUL, which is searched for again only when
    // present, to say where.
    let (low, nul) = low_bytes(sample);
    if nul {
        let pos = memchr::memchr(0, sample).expect("a NUL byte");
        return Some(format!("NUL byte at offset {pos}"));
    }
    if sample.len() < 32 || low * 10 <= sample.len() {
        return None;
    }
    let controls = super::count_bytes(sample, |b| {
        (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != 0x0c) & (b != b'\r') & (b != 0x1b)
    });
    if controls * 10 > sample.len() {
        return Some(format!(
            "{controls} control bytes in the first {} bytes",
            sample.len()
        ));
    }
    None
}

/// How many bytes of `bytes` are below 0x20 and not LF, and whether one is
/// NUL: one branch-free walk, counting in a byte per 128-byte chunk, that
/// compiles to wide vector instructions.
fn low_bytes(bytes: &[u8]) -> (usize, bool) {
    let mut chunks = bytes.chunks_exact(128);
    let mut low = 0;
    let mut nul = false;
    for chunk in &mut chunks {
        let mut n = 0u8;
        let mut zero = false;
        for &b in chunk {
            n += u8::from((b < 0x20) & (b != b'\n'));
            zero |= b == 0;
        }
        low += usize::from(n);
        nul |= zero;
    }
    for &b in chunks.remainder() {
        low += usize::from((b < 0x20) & (b != b'\n'));
        nul |= b == 0;
    }
    (low, nul)
}

/// A known binary signature at the start of the file.
pub fn magic(bytes: &[u8]) -> Option<&'static str> {
    MAGIC
        .iter()
        .find(|(sig, name)| {
            bytes.starts_with(sig)
                // "MZ", "ID3" and "BZh" are also how words begin: demand more evidence.
                && (sig.len() >= 4 || bytes.len() < 64 || bytes[..64].iter().filter(|&&b| b < 0x09).count() > 2
                    || *name == "JPEG image" || *name == "gzip archive")
        })
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_formats_are_binary() {
        assert!(binary_reason(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").is_some());
        assert!(binary_reason(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").is_some());
        assert!(binary_reason(b"PK\x03\x04\x14\0\0\0").is_some());
        assert!(binary_reason(b"\xff\xd8\xff\xe0\0\x10JFIF").is_some());
    }

    #[test]
    fn prose_is_not() {
        assert!(binary_reason(
            b"MZ is how this line of ordinary prose happens to begin, and that is fine."
        )
        .is_none());
        assert!(binary_reason("caf\u{e9}\r\n\ttab".as_bytes()).is_none());
    }

    /// The cheap first count never hides a file the exact count calls
    /// binary: tab-separated columns pass it only to be cleared by the
    /// exact one, control-heavy data is caught.
    #[test]
    fn controls_counted_exactly() {
        let tabs = "a\tb\tc\td\te\r\n".repeat(40);
        assert!(binary_reason(tabs.as_bytes()).is_none());
        let data: Vec<u8> = (0..400u32)
            .map(|i| [b'x', 0x01, 0x1b, b'\t'][i as usize % 4])
            .collect();
        assert_eq!(
            binary_reason(&data).as_deref(),
            Some("100 control bytes in the first 400 bytes")
        );
        let bell: Vec<u8> = (0..400u32)
            .map(|i| if i % 9 == 0 { 0x07 } else { b'y' })
            .collect();
        assert!(binary_reason(&bell).is_some());
        let rare: Vec<u8> = (0..400u32)
            .map(|i| if i % 11 == 0 { 0x07 } else { b'y' })
            .collect();
        assert!(binary_reason(&rare).is_none());
        let mut nul = "plain text ".repeat(30).into_bytes();
        nul[200] = 0;
        assert_eq!(
            binary_reason(&nul).as_deref(),
            Some("NUL byte at offset 200")
        );
    }
}
