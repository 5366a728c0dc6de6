//! How `fix_batch` cuts its texts into chunks for the thread pool, and puts
//! the chunks back in order as they come back done.

use std::collections::BTreeMap;
use std::ops::Range;

/// A chunk holds about this much text: small enough that the last one
/// done leaves little to convert alone, large enough that a chunk's
/// bookkeeping is nothing beside its cleaning.
const CHUNK_BYTES: usize = 64 << 10;

/// About this many chunks per thread when the texts are fewer than
/// [`CHUNK_BYTES`] per thread, so that uneven texts even out.
const CHUNKS_PER_THREAD: usize = 4;

/// Consecutive ranges of `texts`, covering them all, of about
/// [`CHUNK_BYTES`] each (fewer bytes for a small batch, so that every one of
/// `threads` has chunks to take).
pub fn chunks<T: AsRef<str>>(texts: &[T], threads: usize) -> Vec<Range<usize>> {
    let total: usize = texts.iter().map(|t| t.as_ref().len()).sum();
    let target = (total / (threads.max(1) * CHUNKS_PER_THREAD)).clamp(1, CHUNK_BYTES);
    let mut chunks = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, text) in texts.iter().enumerate() {
        bytes += text.as_ref().len();
        if bytes >= target {
            chunks.push(start..i + 1);
            (start, bytes) = (i + 1, 0);
        }
    }
    if start < texts.len() {
        chunks.push(start..texts.len());
    }
    chunks
}

/// Chunks that arrive in any order, handed on in order.
pub struct InOrder<T> {
    next: usize,
    waiting: BTreeMap<usize, T>,
}

impl<T> InOrder<T> {
    pub fn new() -> Self {
        InOrder {
            next: 0,
            waiting: BTreeMap::new(),
        }
    }

    /// Take chunk `index`; give back the chunks now in order (with their
    /// ranges among `chunks`), possibly none.
    pub fn push(
        &mut self,
        index: usize,
        chunk: T,
        chunks: &[Range<usize>],
    ) -> Vec<(Range<usize>, T)> {
        self.waiting.insert(index, chunk);
        let mut ready = Vec::new();
        while let Some(chunk) = self.waiting.remove(&self.next) {
            ready.push((chunks[self.next].clone(), chunk));
            self.next += 1;
        }
        ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_text_once_in_order() {
        let texts: Vec<String> = (0..1000).map(|i| "x".repeat(i % 97 + 1)).collect();
        for threads in [1, 2, 16] {
            let chunks = chunks(&texts, threads);
            // Each chunk closes at the text that reaches the target, so a
            // few are larger than it and there may be fewer than the aim.
            assert!(chunks.len() >= threads * CHUNKS_PER_THREAD / 2, "{threads}");
            let flat: Vec<usize> = chunks.into_iter().flatten().collect();
            assert_eq!(flat, (0..1000).collect::<Vec<_>>());
        }
        assert!(super::chunks::<&str>(&[], 2).is_empty());
        assert_eq!(super::chunks(&["", ""], 2), vec![0..2]);
    }

    #[test]
    fn chunks_come_out_in_order() {
        let ranges = [0..2, 2..3, 3..5];
        let mut in_order = InOrder::new();
        assert!(in_order.push(1, "b", &ranges).is_empty());
        assert!(in_order.push(2, "c", &ranges).is_empty());
        let ready = in_order.push(0, "a", &ranges);
        assert_eq!(ready, vec![(0..2, "a"), (2..3, "b"), (3..5, "c")]);
    }
}
