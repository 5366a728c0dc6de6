//! Byte-order marks. UTF-32 is checked before UTF-16 because the UTF-32LE BOM
//! `FF FE 00 00` begins with the UTF-16LE BOM `FF FE`.

/// The Unicode encodings a BOM can announce. encoding_rs cannot decode UTF-32,
/// so fettle decodes it itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BomKind {
    Utf8,
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl BomKind {
    pub fn name(self) -> &'static str {
        match self {
            BomKind::Utf8 => "UTF-8",
            BomKind::Utf16Le => "UTF-16LE",
            BomKind::Utf16Be => "UTF-16BE",
            BomKind::Utf32Le => "UTF-32LE",
            BomKind::Utf32Be => "UTF-32BE",
        }
    }
}

/// The BOM at the start of `bytes` and its length.
pub fn sniff(bytes: &[u8]) -> Option<(BomKind, usize)> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => Some((BomKind::Utf32Le, 4)),
        [0, 0, 0xFE, 0xFF, ..] => Some((BomKind::Utf32Be, 4)),
        [0xEF, 0xBB, 0xBF, ..] => Some((BomKind::Utf8, 3)),
        [0xFF, 0xFE, ..] => Some((BomKind::Utf16Le, 2)),
        [0xFE, 0xFF, ..] => Some((BomKind::Utf16Be, 2)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf32_before_utf16() {
        assert_eq!(sniff(b"\xff\xfe\0\0a\0\0\0"), Some((BomKind::Utf32Le, 4)));
        assert_eq!(sniff(b"\xff\xfea\0"), Some((BomKind::Utf16Le, 2)));
        assert_eq!(sniff(b"\xef\xbb\xbfx"), Some((BomKind::Utf8, 3)));
        assert_eq!(sniff(b"plain"), None);
    }
}
