//! Results computed on many threads, handed back in input order.
//!
//! Workers [`put`](InOrder::put) each result as it finishes; the calling
//! thread [`take`](InOrder::take)s them in order. It sleeps until a batch
//! is ready rather than waking for every file: with one core shared by the
//! worker and the printer, a wake-up per file would cost two context
//! switches per file.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};

/// The calling thread waits until this many results are ready in order (or
/// all that remain): one wake-up per batch of files.
const BATCH: usize = 32;

pub struct InOrder<T> {
    pending: Mutex<Pending<T>>,
    ready: Condvar,
}

struct Pending<T> {
    /// Finished results not yet taken, by input number.
    results: BTreeMap<usize, T>,
    /// The input number of the next result to take.
    next: usize,
    /// While the taker sleeps: how many results it is waiting for.
    wanted: Option<usize>,
}

impl<T> Pending<T> {
    /// How many results from `next` on are ready, counting up to `limit`.
    fn ready_in_order(&self, limit: usize) -> usize {
        self.results
            .range(self.next..)
            .take(limit)
            .enumerate()
            .take_while(|&(k, (&i, _))| i == self.next + k)
            .count()
    }
}

impl<T> InOrder<T> {
    pub fn new() -> Self {
        InOrder {
            pending: Mutex::new(Pending {
                results: BTreeMap::new(),
                next: 0,
                wanted: None,
            }),
            ready: Condvar::new(),
        }
    }

    /// A worker's result for input number `i`.
    pub fn put(&self, i: usize, result: T) {
        let mut p = self
            .pending
            .lock()
            .expect("no thread panics holding the lock");
        p.results.insert(i, result);
        if let Some(wanted) = p.wanted {
            if p.ready_in_order(wanted) >= wanted {
                p.wanted = None;
                self.ready.notify_one();
            }
        }
    }

    /// The next results in input order, once a batch of them is ready or
    /// all of the `sent` inputs are: never empty while results remain to
    /// be taken of the `sent` inputs.
    pub fn take(&self, sent: usize) -> Vec<T> {
        let mut p = self
            .pending
            .lock()
            .expect("no thread panics holding the lock");
        let wanted = BATCH.min(sent.saturating_sub(p.next));
        while p.ready_in_order(wanted) < wanted {
            p.wanted = Some(wanted);
            p = self
                .ready
                .wait(p)
                .expect("no thread panics holding the lock");
        }
        let p = &mut *p;
        let mut taken = Vec::new();
        while let Some(entry) = p.results.first_entry() {
            if *entry.key() != p.next {
                break;
            }
            taken.push(entry.remove());
            p.next += 1;
        }
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_whatever_order_they_finish_in() {
        let in_order = InOrder::new();
        let n = 1000;
        let mut got = Vec::new();
        std::thread::scope(|s| {
            for t in 0..4 {
                let in_order = &in_order;
                s.spawn(move || {
                    // Each thread finishes its inputs backwards.
                    for i in (0..n).filter(|i| i % 4 == t).rev() {
                        in_order.put(i, i * 10);
                    }
                });
            }
            while got.len() < n {
                let batch = in_order.take(n);
                assert!(!batch.is_empty());
                got.extend(batch);
            }
        });
        assert_eq!(got, (0..n).map(|i| i * 10).collect::<Vec<_>>());
    }

    #[test]
    fn the_last_short_batch_is_handed_back() {
        let in_order = InOrder::new();
        for i in [2, 0, 1] {
            in_order.put(i, i);
        }
        assert_eq!(in_order.take(3), vec![0, 1, 2]);
        assert!(in_order.take(3).is_empty());
    }
}
