use super::{CorpusFinding, CorpusRule, Files, FindingCollector};
use crate::config::Config;
use std::collections::BTreeMap;
use std::io;

crate::declare_rule! {
    /// ## What it does
    /// Reports text files decoded with another encoding than most of the
    /// collection: when more than half of the non-ASCII text files share one
    /// encoding, every other non-ASCII file is listed with how its encoding was
    /// decided. Pure-ASCII files read the same in every such encoding and are
    /// never outliers; with fewer than three non-ASCII files nothing is said.
    ///
    /// ## Why
    /// A lone Windows-1252 or Shift_JIS file in a UTF-8 collection was usually
    /// saved by another tool; if its encoding was guessed, the guess is worth a
    /// look (a wrong guess turns every accented letter into the wrong one).
    /// `clean` converts it to UTF-8 either way.
    ///
    /// ## Example
    /// 9 UTF-8 files and `old.txt` in windows-1252 → `old.txt: encoding-outlier:
    /// decoded as windows-1252 (guess) while 9 of 10 non-ASCII files are UTF-8`.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct EncodingOutlier {
        id: "encoding-outlier",
        stage: Corpus,
        summary: "files whose encoding differs from most of the collection",
        default_enabled: true,
    }
}

impl CorpusRule for EncodingOutlier {
    /// Two passes: count the encodings of the non-ASCII texts, then list
    /// the files not in the major one.
    fn run(&self, files: &Files, _config: &Config, out: &mut FindingCollector) -> io::Result<()> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for f in files.iter() {
            match f?.1.text {
                Some(t) if !t.ascii => *counts.entry(t.encoding).or_insert(0) += 1,
                _ => {}
            }
        }
        let total: usize = counts.values().sum();
        if total < 3 {
            return Ok(());
        }
        let Some((&major, &n)) = counts.iter().max_by_key(|(_, n)| **n) else {
            return Ok(());
        };
        if n * 2 <= total {
            return Ok(());
        }
        for f in files.iter() {
            let (_, f) = f?;
            let Some(t) = &f.text else { continue };
            if !t.ascii && t.encoding != major {
                let message = format!(
                    "decoded as {} ({}) while {n} of {total} non-ASCII files are {major}",
                    t.encoding, t.method,
                );
                out.push(CorpusFinding::warning(&f, &INFO, message, Vec::new()))?;
            }
        }
        Ok(())
    }
}
