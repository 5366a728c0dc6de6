//! Buffers that finished edit logs hand on to the next file's log on the
//! same thread.

use super::Edit;
use std::cell::RefCell;
use std::thread::LocalKey;

// Buffers left by finished logs on this thread, for the next ones. Taking
// the same buffers file after file, instead of new ones of each file's own
// size, keeps the allocator from opening pages for ever more size classes,
// which costs page faults and the kernel's zeroing of fresh memory.
thread_local! {
    pub(super) static TEXTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    pub(super) static EDIT_LISTS: RefCell<Vec<Vec<Edit>>> = const { RefCell::new(Vec::new()) };
}

/// At most this many buffers of each kind are kept per thread, ...
const KEPT_BUFFERS: usize = 2;
/// ... each of at most this many bytes: a large file's buffers are freed, so
/// memory does not grow with the number or size of the files.
pub(super) const KEPT_BYTES: usize = 2 << 20;

/// A text buffer or a list of edits.
pub(super) trait Buffer {
    fn bytes(&self) -> usize;
    fn clear(&mut self);
}
impl Buffer for String {
    fn bytes(&self) -> usize {
        self.capacity()
    }
    fn clear(&mut self) {
        String::clear(self);
    }
}
impl<T> Buffer for Vec<T> {
    fn bytes(&self) -> usize {
        self.capacity() * size_of::<T>()
    }
    fn clear(&mut self) {
        Vec::clear(self);
    }
}

/// An empty kept buffer of at least `bytes` bytes, the smallest there is;
/// none more than four times too large, for a text may become the output,
/// held as long as the file's report.
pub(super) fn kept<T: Buffer>(kept: &'static LocalKey<RefCell<Vec<T>>>, bytes: usize) -> Option<T> {
    let fits = |b: &T| b.bytes() >= bytes && b.bytes() / 4 <= bytes.max(4096);
    kept.with_borrow_mut(|kept| {
        let (i, _) = kept
            .iter()
            .enumerate()
            .filter(|(_, b)| fits(b))
            .min_by_key(|(_, b)| b.bytes())?;
        Some(kept.swap_remove(i))
    })
}

/// Keep `buffer` for [`kept`], if it is not too large; when
/// [`KEPT_BUFFERS`] are kept already, it replaces the smallest if larger.
pub(super) fn keep<T: Buffer>(kept: &'static LocalKey<RefCell<Vec<T>>>, mut buffer: T) {
    if buffer.bytes() == 0 || buffer.bytes() > KEPT_BYTES {
        return;
    }
    buffer.clear();
    kept.with_borrow_mut(|kept| {
        if kept.len() < KEPT_BUFFERS {
            kept.push(buffer);
        } else if let Some(small) = kept.iter_mut().min_by_key(|b| b.bytes()) {
            if small.bytes() < buffer.bytes() {
                *small = buffer;
            }
        }
    });
}

/// An empty text buffer with room for `size` bytes, kept or new; see
/// [`rounded`].
pub(super) fn buffer(size: usize) -> String {
    kept(&TEXTS, size).unwrap_or_else(|| String::with_capacity(rounded(size)))
}

/// The capacity to give a new buffer for `n` items: up to [`KEPT_BYTES`],
/// the next power of two, so that the buffers of many files fall in a few of
/// the allocator's size classes and can be kept and taken again.
pub(super) fn rounded(n: usize) -> usize {
    if n <= KEPT_BYTES {
        n.next_power_of_two()
    } else {
        n
    }
}
