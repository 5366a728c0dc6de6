//! An external merge sort with a push API and a fixed memory budget, for the
//! corpus rules: records are pushed one at a time; while their estimated size
//! stays under the budget they stay in memory (a small corpus touches no
//! disk); past it, the buffer is sorted and written to an anonymous
//! temporary file (a *run*). [`Sorter::finish`] merges the runs back into
//! one sorted stream.
//!
//! Memory: the buffer (at most `budget` bytes of records, estimated by
//! [`Record::size`]) plus one 8 KiB read buffer per run while merging. Runs
//! are merged [`FAN_IN`] at a time as soon as that many of one size exist
//! (like carrying in a counter in base `FAN_IN`), so fewer than `FAN_IN`
//! runs of each size exist: a billion records make at most a few dozen
//! runs, and the open files and read buffers stay bounded too.
//!
//! (The `extsort` crate was considered: its build script pulls in `skeptic`
//! and a dozen crates into every build, and it merges all its segments at
//! once, one open file each.)

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};

/// Runs merged at once.
pub const FAN_IN: usize = 16;

/// A value that can be sorted on disk: ordered, written and read back.
pub trait Record: Ord + Sized {
    fn write(&self, w: &mut impl Write) -> io::Result<()>;
    /// Read one value written by [`Record::write`].
    fn read(r: &mut impl Read) -> io::Result<Self>;
    /// Estimated bytes of memory the value takes (for the budget).
    fn size(&self) -> usize {
        size_of::<Self>()
    }
}

/// Sorts records in bounded memory; see the module documentation.
pub struct Sorter<T> {
    budget: usize,
    used: usize,
    buffer: Vec<T>,
    /// Sorted runs on disk with their level: a run of level `n` holds about
    /// `FAN_IN^n` buffers. Levels never increase along the list.
    runs: Vec<(u32, File)>,
}

impl<T: Record> Sorter<T> {
    /// A sorter keeping at most about `budget` bytes of records in memory.
    pub fn new(budget: usize) -> Self {
        Sorter {
            budget,
            used: 0,
            buffer: Vec::new(),
            runs: Vec::new(),
        }
    }

    pub fn push(&mut self, item: T) -> io::Result<()> {
        self.used += item.size();
        self.buffer.push(item);
        if self.used >= self.budget {
            self.spill()?;
        }
        Ok(())
    }

    /// Write the buffer as a run of level 0, then merge every `FAN_IN` runs
    /// of one level into a run of the next.
    fn spill(&mut self) -> io::Result<()> {
        self.buffer.sort_unstable();
        let mut w = BufWriter::new(tempfile::tempfile()?);
        for item in self.buffer.drain(..) {
            item.write(&mut w)?;
        }
        self.buffer.shrink_to(0);
        self.used = 0;
        self.runs
            .push((0, w.into_inner().map_err(|e| e.into_error())?));
        loop {
            let n = self.runs.len();
            let level = self.runs[n - 1].0;
            if n < FAN_IN || self.runs[n - FAN_IN].0 != level {
                return Ok(());
            }
            let group: Vec<File> = self.runs.drain(n - FAN_IN..).map(|(_, f)| f).collect();
            let mut w = BufWriter::new(tempfile::tempfile()?);
            for item in Merge::<T>::new(group)? {
                item?.write(&mut w)?;
            }
            self.runs
                .push((level + 1, w.into_inner().map_err(|e| e.into_error())?));
        }
    }

    /// Every pushed record, in order (equal records in no particular order).
    pub fn finish(mut self) -> io::Result<Sorted<T>> {
        if self.runs.is_empty() {
            self.buffer.sort_unstable();
            return Ok(Sorted::Memory(self.buffer.into_iter()));
        }
        if !self.buffer.is_empty() {
            self.spill()?;
        }
        let runs = self.runs.into_iter().map(|(_, f)| f).collect();
        Ok(Sorted::Merge(Merge::new(runs)?))
    }
}

/// The sorted records of a [`Sorter`].
pub enum Sorted<T> {
    Memory(std::vec::IntoIter<T>),
    Merge(Merge<T>),
}

impl<T: Record> Iterator for Sorted<T> {
    type Item = io::Result<T>;
    fn next(&mut self) -> Option<io::Result<T>> {
        match self {
            Sorted::Memory(items) => items.next().map(Ok),
            Sorted::Merge(merge) => merge.next(),
        }
    }
}

/// A k-way merge of sorted runs: a heap of each run's next record.
pub struct Merge<T> {
    readers: Vec<BufReader<File>>,
    heap: BinaryHeap<Reverse<(T, usize)>>,
}

impl<T: Record> Merge<T> {
    fn new(runs: Vec<File>) -> io::Result<Self> {
        let mut merge = Merge {
            readers: Vec::with_capacity(runs.len()),
            heap: BinaryHeap::with_capacity(runs.len()),
        };
        for (i, mut run) in runs.into_iter().enumerate() {
            run.rewind()?;
            merge.readers.push(BufReader::new(run));
            merge.refill(i)?;
        }
        Ok(merge)
    }

    /// Put run `i`'s next record, if any, on the heap.
    fn refill(&mut self, i: usize) -> io::Result<()> {
        let reader = &mut self.readers[i];
        if !reader.fill_buf()?.is_empty() {
            self.heap.push(Reverse((T::read(reader)?, i)));
        }
        Ok(())
    }
}

impl<T: Record> Iterator for Merge<T> {
    type Item = io::Result<T>;
    fn next(&mut self) -> Option<io::Result<T>> {
        let Reverse((item, i)) = self.heap.pop()?;
        Some(self.refill(i).map(|()| item))
    }
}

// Encodings: integers little-endian, strings and byte strings with a u32
// length, tuples field by field.

macro_rules! int_record {
    ($($t:ty),*) => {$(
        impl Record for $t {
            fn write(&self, w: &mut impl Write) -> io::Result<()> {
                w.write_all(&self.to_le_bytes())
            }
            fn read(r: &mut impl Read) -> io::Result<Self> {
                let mut b = [0; size_of::<$t>()];
                r.read_exact(&mut b)?;
                Ok(<$t>::from_le_bytes(b))
            }
        }
    )*};
}
int_record!(u8, u32, u64, u128);

fn read_len(r: &mut impl Read) -> io::Result<usize> {
    Ok(u32::read(r)? as usize)
}

fn write_len(w: &mut impl Write, len: usize) -> io::Result<()> {
    let len = u32::try_from(len).map_err(|_| io::Error::other("record over 4 GiB"))?;
    len.write(w)
}

impl Record for Vec<u8> {
    fn write(&self, w: &mut impl Write) -> io::Result<()> {
        write_len(w, self.len())?;
        w.write_all(self)
    }
    fn read(r: &mut impl Read) -> io::Result<Self> {
        let mut b = vec![0; read_len(r)?];
        r.read_exact(&mut b)?;
        Ok(b)
    }
    fn size(&self) -> usize {
        size_of::<Self>() + self.capacity()
    }
}

impl Record for String {
    fn write(&self, w: &mut impl Write) -> io::Result<()> {
        write_len(w, self.len())?;
        w.write_all(self.as_bytes())
    }
    fn read(r: &mut impl Read) -> io::Result<Self> {
        String::from_utf8(Vec::read(r)?).map_err(io::Error::other)
    }
    fn size(&self) -> usize {
        size_of::<Self>() + self.capacity()
    }
}

macro_rules! tuple_record {
    ($($name:ident),*) => {
        impl<$($name: Record),*> Record for ($($name,)*) {
            #[allow(non_snake_case)]
            fn write(&self, w: &mut impl Write) -> io::Result<()> {
                let ($($name,)*) = self;
                $($name.write(w)?;)*
                Ok(())
            }
            fn read(r: &mut impl Read) -> io::Result<Self> {
                Ok(($($name::read(r)?,)*))
            }
            #[allow(non_snake_case)]
            fn size(&self) -> usize {
                let ($($name,)*) = self;
                0 $(+ $name.size())*
            }
        }
    };
}
tuple_record!(A, B);
tuple_record!(A, B, C);
tuple_record!(A, B, C, D);

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted<T: Record + Clone>(items: &[T], budget: usize) -> Vec<T> {
        let mut sorter = Sorter::new(budget);
        for item in items {
            sorter.push(item.clone()).unwrap();
        }
        sorter.finish().unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn sorts_in_memory_and_on_disk() {
        let mut x = 1u64;
        let items: Vec<(u64, String, u32)> = (0..5000u32)
            .map(|i| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 60, format!("p{}", x >> 50), i)
            })
            .collect();
        let mut expect = items.clone();
        expect.sort();
        assert_eq!(sorted(&items, usize::MAX), expect);
        // About 60 records per run: 80 runs, merged in two levels.
        assert_eq!(sorted(&items, 4096), expect);
        // One record per run: levels up to 3.
        assert_eq!(sorted(&items, 1), expect);
        assert_eq!(sorted::<(u64, u32)>(&[], 1), vec![]);
    }

    #[test]
    fn runs_stay_few() {
        let mut sorter = Sorter::new(1);
        for i in (0..10_000u32).rev() {
            sorter.push(i).unwrap();
            assert!(sorter.runs.len() < 4 * FAN_IN);
        }
        let out: Vec<u32> = sorter.finish().unwrap().map(Result::unwrap).collect();
        assert_eq!(out, (0..10_000).collect::<Vec<_>>());
    }
}
