use super::{CorpusFinding, CorpusRule, Files, FindingCollector};
use crate::config::Config;
use std::io;

crate::declare_rule! {
    /// ## What it does
    /// Reports files whose cleaned text is identical to an earlier file's (in
    /// path order); the first file of each group is the one kept, the others are
    /// reported naming it.
    ///
    /// ## Why
    /// A collection that ships the same text twice skews every count and model
    /// trained on it; copies usually come from re-downloads or merged dumps.
    ///
    /// ## Example
    /// `b/story.txt` with the same text as `a/story.txt` (even if one had CRLF
    /// line endings or trailing blanks) → `b/story.txt: duplicate-files: identical
    /// to a/story.txt after cleaning`.
    ///
    /// ## How and cost
    /// Compares an xxh3-128 hash (and the length) of each cleaned text: one pass
    /// over the text per file; at the end, (hash, length, file) for every file
    /// are sorted (an external sort, in bounded memory) so that identical texts
    /// are neighbours, the first in path order leading.
    /// A false match needs a 128-bit hash collision. Empty files are left to
    /// `short-file`.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct DuplicateFiles {
        id: "duplicate-files",
        stage: Corpus,
        summary: "files whose cleaned text is identical to another file's",
        default_enabled: true,
    }
}

impl CorpusRule for DuplicateFiles {
    fn run(&self, files: &Files, _config: &Config, out: &mut FindingCollector) -> io::Result<()> {
        let mut by_text = files.sorter::<(u128, u64, u32)>();
        for f in files.iter() {
            let (i, f) = f?;
            match f.text {
                Some(t) if t.len > 0 => by_text.push((t.hash, t.len as u64, i))?,
                _ => {}
            }
        }
        // The first file of each run of equal (hash, length), and its path.
        let mut first: Option<(u128, u64, String)> = None;
        for entry in by_text.finish()? {
            let (hash, len, i) = entry?;
            match &first {
                Some((h, l, kept)) if (*h, *l) == (hash, len) => {
                    let f = files.get(i)?;
                    let message = format!("identical to {kept} after cleaning");
                    out.push(CorpusFinding::warning(
                        &f,
                        &INFO,
                        message,
                        vec![kept.clone()],
                    ))?;
                }
                _ => first = Some((hash, len, files.get(i)?.path)),
            }
        }
        Ok(())
    }
}
