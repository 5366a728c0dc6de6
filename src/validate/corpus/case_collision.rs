use super::{CorpusFinding, CorpusRule, Files, FindingCollector};
use crate::config::Config;
use std::io;
use unicode_normalization::UnicodeNormalization;

crate::declare_rule! {
    /// ## What it does
    /// Reports paths that differ only in letter case or in Unicode normalization
    /// (`é` as one code point or as `e` + U+0301) from another path in the run.
    /// The first path (in sorted order) is kept; the others are reported naming it.
    ///
    /// ## Why
    /// Windows and macOS file systems treat such names as the same file by
    /// default: unpacking the corpus there silently overwrites one of them.
    ///
    /// ## Example
    /// `Story.txt` and `story.txt` → `story.txt: case-collision: differs only in
    /// letter case from Story.txt`.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct CaseCollision {
        id: "case-collision",
        stage: Corpus,
        summary: "paths that differ only in letter case or Unicode normalization",
        default_enabled: true,
    }
}

impl CorpusRule for CaseCollision {
    /// (folded path, file, path) for every file, sorted (an external sort,
    /// in bounded memory): colliding paths are neighbours, the first in path
    /// order leading.
    fn run(&self, files: &Files, _config: &Config, out: &mut FindingCollector) -> io::Result<()> {
        let mut by_key = files.sorter::<(String, u32, String)>();
        for f in files.iter() {
            let (i, f) = f?;
            by_key.push((fold(&f.path), i, f.path))?;
        }
        let mut first: Option<(String, String)> = None;
        for entry in by_key.finish()? {
            let (key, i, path) = entry?;
            match &first {
                Some((k, other)) if *k == key => {
                    if *other == path {
                        continue; // the same path named twice on the command line
                    }
                    let how = if path.nfc().eq(other.nfc()) {
                        "Unicode normalization"
                    } else {
                        "letter case"
                    };
                    let message = format!(
                        "differs only in {how} from {other}: the two collide on Windows and macOS file systems"
                    );
                    let f = files.get(i)?;
                    out.push(CorpusFinding::warning(
                        &f,
                        &INFO,
                        message,
                        vec![other.clone()],
                    ))?;
                }
                _ => first = Some((key, path)),
            }
        }
        Ok(())
    }
}

/// A path's collision key: NFC, then lowercase. An ASCII path is already
/// NFC, so it only needs ASCII lowercasing (the normalizer costs about a
/// hundred instructions a character, on every path of the corpus).
fn fold(path: &str) -> String {
    if path.is_ascii() {
        path.to_ascii_lowercase()
    } else {
        path.nfc().collect::<String>().to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The ASCII shortcut gives the key the normalizer would.
        #[test]
        fn fold_is_nfc_then_lowercase(path in "[a-zA-Z0-9/._ -]{0,40}|\\PC{0,20}") {
            prop_assert_eq!(fold(&path), path.nfc().collect::<String>().to_lowercase());
        }
    }
}
