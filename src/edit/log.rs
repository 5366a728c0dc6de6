//! [`EditLog`]: applies each rule's fixes to the current text and keeps
//! every change in coordinates of the decoded input, merging fixes that
//! touch text an earlier fix produced.

use super::buffers::{buffer, keep, kept, rounded, EDIT_LISTS, KEPT_BYTES, TEXTS};
use super::{Confidence, Edit, EditText, Fix, LoneRule, Rules};
use compact_str::CompactString;
use std::borrow::Cow;
use std::ops::Range;

/// The decoded input, the current text, and every change between them.
///
/// The input is borrowed when it can be, and the current text is only
/// allocated once a rule changes something: a clean file costs no copy.
#[derive(Debug, Clone)]
pub struct EditLog<'a> {
    original: Cow<'a, str>,
    /// `None` while nothing has changed: the current text is the original.
    current: Option<String>,
    /// The buffer of the text before the last change, reused for the next
    /// one: a large file is not given fresh pages by every rule.
    spare: String,
    /// Sorted by `start`, non-overlapping.
    edits: Vec<Edit>,
    /// The buffer of the edits before the last change, reused likewise.
    spare_edits: Vec<Edit>,
    /// Current texts from this many bytes on are changed in place
    /// ([`OVERWRITE_FROM`]; tests lower it).
    overwrite_from: usize,
}

impl<'a> EditLog<'a> {
    pub fn new(original: String) -> Self {
        EditLog {
            original: Cow::Owned(original),
            current: None,
            spare: String::new(),
            edits: Vec::new(),
            spare_edits: Vec::new(),
            overwrite_from: OVERWRITE_FROM,
        }
    }

    /// A log over a borrowed input, which is never copied.
    pub fn borrowed(original: &'a str) -> Self {
        EditLog {
            original: Cow::Borrowed(original),
            current: None,
            spare: String::new(),
            edits: Vec::new(),
            spare_edits: Vec::new(),
            overwrite_from: OVERWRITE_FROM,
        }
    }

    pub fn original(&self) -> &str {
        &self.original
    }
    pub fn current(&self) -> &str {
        self.current.as_deref().unwrap_or(&self.original)
    }
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }
    pub fn into_parts(mut self) -> (String, String, Vec<Edit>) {
        let original = std::mem::take(&mut self.original);
        let current = self
            .current
            .take()
            .unwrap_or_else(|| original.clone().into_owned());
        (
            original.into_owned(),
            current,
            std::mem::take(&mut self.edits),
        )
    }
    /// The current text and the edits (copying the input only if nothing
    /// changed and it was borrowed).
    pub fn into_output(mut self) -> (String, Vec<Edit>) {
        let current = match self.current.take() {
            Some(current) => current,
            None => match std::mem::take(&mut self.original) {
                Cow::Owned(original) => original,
                Cow::Borrowed(original) => {
                    let mut copy = String::with_capacity(rounded(original.len()));
                    copy.push_str(original);
                    copy
                }
            },
        };
        (current, std::mem::take(&mut self.edits))
    }

    /// Map a byte offset of the current text back to the decoded input. An
    /// offset inside text an edit produced maps to the start of that edit.
    pub fn to_original(&self, pos: usize) -> usize {
        let mut delta: isize = 0;
        for e in &self.edits {
            let cs = (e.start as isize + delta) as usize;
            let ce = cs + e.after.len();
            if pos < cs {
                break;
            }
            if pos < ce {
                return e.start;
            }
            delta += e.after.len() as isize - (e.end - e.start) as isize;
        }
        (pos as isize - delta) as usize
    }

    /// [`Self::to_original`] for many offsets at once, in one sweep.
    pub fn to_original_many(&self, positions: &mut [usize]) {
        let mut order: Vec<usize> = (0..positions.len()).collect();
        order.sort_by_key(|&i| positions[i]);
        let mut delta: isize = 0;
        let mut e = 0;
        for i in order {
            let pos = positions[i];
            while let Some(edit) = self.edits.get(e) {
                let cs = (edit.start as isize + delta) as usize;
                if pos < cs + edit.after.len() {
                    break;
                }
                delta += growth(edit);
                e += 1;
            }
            positions[i] = match self.edits.get(e) {
                Some(edit)
                    if pos >= (edit.start as isize + delta) as usize && !edit.after.is_empty() =>
                {
                    edit.start
                }
                _ => (pos as isize - delta) as usize,
            };
        }
    }

    /// Apply one rule's fixes. Overlapping fixes of one rule are a bug in that
    /// rule; the later of two is dropped.
    pub fn apply(&mut self, rule: &'static str, fixes: Vec<Fix>) {
        self.apply_with(rule, fixes, true);
    }

    /// [`Self::apply`]; `in_place`: a few fixes may be made in place.
    fn apply_with(&mut self, rule: &'static str, mut fixes: Vec<Fix>, in_place: bool) {
        if fixes.is_empty() {
            return;
        }
        let current: &str = self.current.as_deref().unwrap_or(&self.original);
        // Rules mostly give their fixes sorted, apart, and each changing
        // something: one read of them checks that, and then they need no
        // removal, sorting nor deduplication, nor the passes to do them.
        let (mut sorted, mut apart, mut noops) = (true, true, false);
        let mut grown: isize = 0;
        let mut last = None::<&Range<usize>>;
        for f in &fixes {
            noops |= is_noop(current, f);
            if let Some(last) = last {
                sorted &= (last.start, last.end) <= (f.range.start, f.range.end);
                apart &= last.end <= f.range.start && *last != f.range;
            }
            last = Some(&f.range);
            grown += f.replacement.len() as isize - f.range.len() as isize;
        }
        if noops {
            // What was checked holds of the fixes left too (and a no-op's
            // growth is 0).
            fixes.retain(|f| !is_noop(current, f));
            if fixes.is_empty() {
                return;
            }
        }
        if !sorted {
            fixes.sort_by_key(|f| (f.range.start, f.range.end));
        }
        for f in &fixes {
            debug_assert!(
                current.is_char_boundary(f.range.start),
                "{rule}: {:?}",
                f.range
            );
            debug_assert!(
                current.is_char_boundary(f.range.end),
                "{rule}: {:?}",
                f.range
            );
        }
        if !(sorted && apart) {
            // A fix overlapping the last one kept is dropped.
            fixes.dedup_by(|f, last| f.range.start < last.range.end || f.range == last.range);
            grown = fixes
                .iter()
                .map(|f| f.replacement.len() as isize - f.range.len() as isize)
                .sum();
        }
        debug_assert!(fixes
            .windows(2)
            .all(|w| !overlaps(&w[0].range, &w[1].range)));
        let mut news = fixes;
        let lone = Rules::lone(rule);
        if in_place && self.apply_in_place(&lone, &mut news) {
            return;
        }

        // Old edits (as spans of the current text) and new fixes are taken in
        // one sorted order, at equal spans an old edit first, without being
        // listed: both are sorted already. A cluster is a run of them in
        // that order each overlapping the ones before it.
        let mut olds = std::mem::take(&mut self.edits);
        let mut edits = emptied(
            std::mem::take(&mut self.spare_edits),
            olds.len() + news.len(),
        );
        // The new text's length is known: it is sized once, never regrown.
        let size = self.current().len().saturating_add_signed(grown);
        // The current text, when it is not the original: copied from and
        // kept as the next apply's buffer, or changed in place when large.
        let mut previous = None;
        let mut out = match self.current.take() {
            Some(current) if current.len() >= self.overwrite_from => {
                TextOut::overwrite(current, lead(&news))
            }
            current => {
                let mut text = std::mem::take(&mut self.spare);
                text.clear();
                if text.capacity() < size {
                    // Another buffer: growing this one would copy its bytes.
                    keep(&TEXTS, std::mem::replace(&mut text, buffer(size)));
                }
                previous = current;
                TextOut::Copy {
                    from: previous.as_deref().unwrap_or(&self.original),
                    to: text,
                }
            }
        };
        let original: &str = &self.original;
        // Old edits are taken from the front of `taken`: the first `pending`
        // of them are untouched, moved with the next cluster (or at the end).
        let mut taken = olds.drain(..);
        let mut pending = 0;
        let mut copied = 0; // how much of the current text is in the output
        let mut shift: isize = 0; // growth of the old edits before `pending`
        let mut nf = 0; // the next new fix
        while let Some(f) = news.get(nf) {
            let rest = taken.as_slice();
            // Old edits before the next fix and not overlapping it are alone
            // in their clusters (the one after each is an old edit, which
            // never overlaps, or that fix).
            while let Some(e) = rest.get(pending) {
                let o = span(e, shift);
                if (o.start, o.end) > (f.range.start, f.range.end) || overlaps(&o, &f.range) {
                    break;
                }
                pending += 1;
                shift += growth(e);
            }
            // The cluster: its first item is this fix or the old edit
            // overlapping it; then items while they overlap the union. (Most
            // often the fix alone: the fixes of one rule never overlap each
            // other once deduplicated, and most touch no old edit.)
            let (mut j, mut s, mut m) = (pending, shift, nf);
            let (mut lo, mut hi) = (f.range.start, f.range.end);
            match rest.get(j).map(|e| span(e, s)) {
                Some(o) if (o.start, o.end) <= (lo, hi) => {
                    (lo, hi) = (o.start, o.end);
                    s += growth(&rest[j]);
                    j += 1;
                }
                _ => m += 1,
            }
            loop {
                let old = rest.get(j).map(|e| span(e, s));
                let new = news.get(m).map(|f| f.range.clone());
                let (r, is_old) = match (old, new) {
                    (Some(o), Some(n)) if (o.start, o.end) <= (n.start, n.end) => (o, true),
                    (_, Some(n)) => (n, false),
                    (Some(o), None) => (o, true),
                    (None, None) => break,
                };
                if !overlaps(&r, &(lo..hi)) {
                    break;
                }
                lo = lo.min(r.start);
                hi = hi.max(r.end);
                if is_old {
                    s += growth(&rest[j]);
                    j += 1;
                } else {
                    m += 1;
                }
            }
            let n_olds = j - pending;
            if pending > 0 {
                edits.extend(taken.by_ref().take(pending));
                pending = 0;
            }
            out.copy(copied..lo);
            copied = hi;
            let start = (lo as isize - shift) as usize;
            if n_olds == 0 && m == nf + 1 {
                // One fix alone: its replacement is the new text.
                let f = &news[nf];
                out.put(&f.replacement);
                let end = (hi as isize - shift) as usize;
                edits.extend(Edit::of_fix(&lone, original, start..end, f));
            } else {
                let mut after = CompactString::default();
                let mut at = lo;
                let mut confidence = Confidence::Certain;
                for f in &news[nf..m] {
                    after.push_str(out.read(at..f.range.start));
                    after.push_str(&f.replacement);
                    at = f.range.end;
                    confidence = confidence.min(f.confidence);
                }
                after.push_str(out.read(at..hi));
                out.put(&after);
                let mut merged: Vec<&'static str> = Vec::new();
                for e in taken.by_ref().take(n_olds) {
                    confidence = confidence.min(e.confidence());
                    for r in e.merged().iter().copied().chain([e.rule()]) {
                        if r != rule && !merged.contains(&r) {
                            merged.push(r);
                        }
                    }
                }
                let end = (hi as isize - s) as usize;
                if original[start..end] != after {
                    edits.push(Edit {
                        start,
                        end,
                        after: EditText::new(&after),
                        rules: Rules::of(rule, &merged, confidence),
                    });
                }
            }
            shift = s;
            nf = m;
        }
        let end = out.len_read();
        out.copy(copied..end);
        edits.extend(taken);
        let text = out.finish();
        debug_assert_eq!(text.len(), size);
        self.current = Some(text);
        if let Some(previous) = previous {
            self.spare = previous;
        }
        self.edits = edits;
        // A large list is freed rather than kept for the next apply: the
        // rules after this one would run with it held.
        if olds.capacity() * size_of::<Edit>() <= KEPT_BYTES {
            self.spare_edits = olds;
        }
    }
}

/// Texts from this many bytes on are changed in their own buffer, not
/// copied into another: a large file holds two texts (the input and the
/// current one), not three.
const OVERWRITE_FROM: usize = 16 << 20;

/// How far the untouched rest of the text must be moved ahead so that
/// changes made in place, from the front, never overwrite what is still to
/// be read: the largest growth of a prefix of the (sorted) fixes.
fn lead(fixes: &[Fix]) -> usize {
    let mut grown: isize = 0;
    let mut most: isize = 0;
    for f in fixes {
        grown += f.replacement.len() as isize - f.range.len() as isize;
        most = most.max(grown);
    }
    most as usize
}

/// Where an apply writes the new text: a new buffer, read from the
/// current text; or the current text's own buffer, whose unread part lies
/// `lead` bytes ahead of where it was, written from the front.
enum TextOut<'t> {
    Copy {
        from: &'t str,
        to: String,
    },
    Overwrite {
        buf: Vec<u8>,
        lead: usize,
        len: usize,
        written: usize,
    },
}

impl TextOut<'_> {
    fn overwrite(current: String, lead: usize) -> Self {
        let len = current.len();
        let mut buf = current.into_bytes();
        if lead > 0 {
            buf.resize(len + lead, 0);
            buf.copy_within(0..len, lead);
        }
        TextOut::Overwrite {
            buf,
            lead,
            len,
            written: 0,
        }
    }

    /// `current[range]` (not yet overwritten).
    fn read(&self, range: Range<usize>) -> &str {
        match self {
            TextOut::Copy { from, .. } => &from[range],
            TextOut::Overwrite { buf, lead, .. } => {
                std::str::from_utf8(&buf[range.start + lead..range.end + lead])
                    .expect("fixes lie on character boundaries")
            }
        }
    }
    /// The length of the current text.
    fn len_read(&self) -> usize {
        match self {
            TextOut::Copy { from, .. } => from.len(),
            TextOut::Overwrite { len, .. } => *len,
        }
    }
    /// Copy `current[range]` to the output.
    fn copy(&mut self, range: Range<usize>) {
        match self {
            TextOut::Copy { from, to } => to.push_str(&from[range]),
            TextOut::Overwrite {
                buf, lead, written, ..
            } => {
                let n = range.len();
                buf.copy_within(range.start + *lead..range.end + *lead, *written);
                *written += n;
            }
        }
    }
    /// Write `s` to the output.
    fn put(&mut self, s: &str) {
        match self {
            TextOut::Copy { to, .. } => to.push_str(s),
            TextOut::Overwrite { buf, written, .. } => {
                buf[*written..*written + s.len()].copy_from_slice(s.as_bytes());
                *written += s.len();
            }
        }
    }
    fn finish(self) -> String {
        match self {
            TextOut::Copy { to, .. } => to,
            TextOut::Overwrite {
                mut buf, written, ..
            } => {
                buf.truncate(written);
                String::from_utf8(buf).expect("fixes replace whole characters with text")
            }
        }
    }
}

/// The spare buffers outlive the log: the next file's log takes them.
impl Drop for EditLog<'_> {
    fn drop(&mut self) {
        keep(&TEXTS, std::mem::take(&mut self.spare));
        keep(&EDIT_LISTS, std::mem::take(&mut self.spare_edits));
    }
}

impl EditLog<'_> {
    /// [`Self::apply`] for a few sorted, non-overlapping fixes near the end of
    /// an owned text, none of which touches an earlier edit: each is made in
    /// place, from the last one back, and moves only what follows it. Returns
    /// false, changing nothing, when that does not hold.
    fn apply_in_place(&mut self, lone: &LoneRule, news: &mut [Fix]) -> bool {
        const FEW: usize = 8;
        let Some(current) = self.current.as_mut() else {
            return false;
        };
        let len = current.len();
        if news.len() > FEW || news.iter().map(|f| len - f.range.end).sum::<usize>() > len / 2 {
            return false;
        }
        // For each fix, the old edits before it (in the order `apply` sorts
        // them: at equal spans the old edit first) and their growth.
        let mut at = [(0usize, 0isize); FEW];
        let (mut k, mut shift) = (0, 0isize);
        for (n, f) in news.iter().enumerate() {
            while let Some(e) = self.edits.get(k) {
                let s = span(e, shift);
                if (s.start, s.end) > (f.range.start, f.range.end) {
                    break;
                }
                if overlaps(&s, &f.range) {
                    return false;
                }
                shift += growth(e);
                k += 1;
            }
            if let Some(e) = self.edits.get(k) {
                if overlaps(&span(e, shift), &f.range) {
                    return false;
                }
            }
            at[n] = (k, shift);
        }
        for (f, &(k, shift)) in news.iter_mut().zip(&at).rev() {
            let start = (f.range.start as isize - shift) as usize;
            let end = (f.range.end as isize - shift) as usize;
            current.replace_range(f.range.clone(), &f.replacement);
            if let Some(edit) = Edit::of_fix(lone, &self.original, start..end, f) {
                self.edits.insert(k, edit);
            }
        }
        true
    }
}

/// `v` emptied, with room for `n` edits: a kept or new vector if it has not
/// (growing it would copy the old elements' bytes).
fn emptied(mut v: Vec<Edit>, n: usize) -> Vec<Edit> {
    v.clear();
    if v.capacity() < n {
        keep(&EDIT_LISTS, v);
        return kept(&EDIT_LISTS, n * size_of::<Edit>())
            .unwrap_or_else(|| Vec::with_capacity(rounded(n)));
    }
    v
}

/// The span of the current text an edit produced, given the growth of the
/// edits before it.
fn span(e: &Edit, shift: isize) -> Range<usize> {
    let cs = (e.start as isize + shift) as usize;
    cs..cs + e.after.len()
}

/// Does a fix give back what the text has there? (Lengths first: most fixes
/// change the length.)
fn is_noop(current: &str, f: &Fix) -> bool {
    f.range.len() == f.replacement.len()
        && current.get(f.range.clone()) == Some(f.replacement.as_str())
}

/// How many bytes an edit adds to the text (negative when it removes).
fn growth(e: &Edit) -> isize {
    e.after.len() as isize - (e.end - e.start) as isize
}

/// Do two current-text ranges collide? Ranges that only touch do not, except
/// that an insertion strictly inside a range, or a range strictly around an
/// empty one, does.
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.start.max(b.start) < a.end.min(b.end) {
        return true;
    }
    let inside = |p: usize, r: &Range<usize>| r.start < p && p < r.end;
    (a.is_empty() && inside(a.start, b)) || (b.is_empty() && inside(b.start, a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply_edits;

    fn check(log: &EditLog) {
        assert_eq!(apply_edits(log.original(), log.edits()), log.current());
        for w in log.edits().windows(2) {
            assert!(w[0].end <= w[1].start, "{:?}", log.edits());
        }
    }

    #[test]
    fn single_rule() {
        let mut log = EditLog::new("a\r\nb\r\n".into());
        log.apply(
            "le",
            vec![
                Fix::new(1..3, "\n", Confidence::Certain),
                Fix::new(4..6, "\n", Confidence::Certain),
            ],
        );
        assert_eq!(log.current(), "a\nb\n");
        assert_eq!(log.edits().len(), 2);
        assert_eq!(log.edits()[1].start, 4);
        check(&log);
    }

    #[test]
    fn later_rule_merges_with_earlier() {
        let mut log = EditLog::new("x\r\n\r\n\r\ny".into());
        log.apply(
            "le",
            vec![
                Fix::new(1..3, "\n", Confidence::Certain),
                Fix::new(3..5, "\n", Confidence::Certain),
                Fix::new(5..7, "\n", Confidence::Certain),
            ],
        );
        assert_eq!(log.current(), "x\n\n\ny");
        log.apply("blank", vec![Fix::new(2..3, "", Confidence::Likely)]);
        assert_eq!(log.current(), "x\n\ny");
        check(&log);
        let merged = log.edits().iter().find(|e| e.rule() == "blank").unwrap();
        assert_eq!(merged.merged(), ["le"]);
        assert_eq!(merged.confidence(), Confidence::Likely);
    }

    #[test]
    fn disjoint_rules_keep_positions() {
        let mut log = EditLog::new("ab  \ncd\u{200b}e".into());
        log.apply("trail", vec![Fix::delete(2..4, Confidence::Certain)]);
        assert_eq!(log.current(), "ab\ncd\u{200b}e");
        log.apply("zw", vec![Fix::delete(5..8, Confidence::Certain)]);
        assert_eq!(log.current(), "ab\ncde");
        check(&log);
        assert_eq!(log.edits()[1].start, 7);
        assert_eq!(log.to_original(5), 10);
        let mut many = [0, 3, 5];
        log.to_original_many(&mut many);
        assert_eq!(many, [0, 5, 10]);
    }

    proptest::proptest! {
        /// Fixes made in place, and the general way, give the same text and
        /// edits as the reference [`apply_listed`], over six rounds of up to
        /// nine fixes each (in any order, overlapping or not).
        #[test]
        fn in_place_agrees(
            text in proptest::collection::vec(0..PIECES.len(), 0..60),
            rounds in proptest::collection::vec(
                proptest::collection::vec(
                    (
                        proptest::arbitrary::any::<proptest::sample::Index>(),
                        proptest::arbitrary::any::<proptest::sample::Index>(),
                        0..PIECES.len(),
                        proptest::bool::weighted(1.0 / 3.0),
                        0..3usize,
                    ),
                    0..10,
                ),
                6,
            ),
        ) {
            let text: String = text.into_iter().map(|i| PIECES[i]).collect();
            let (mut fast, mut slow) = (EditLog::new(text.clone()), EditLog::new(text.clone()));
            slow.overwrite_from = 0;
            let mut listed = EditLog::new(text);
            for (round, picks) in rounds.into_iter().enumerate() {
                let current = fast.current().to_string();
                let bounds = char_bounds(&current);
                let mut fixes: Vec<Fix> = picks
                    .into_iter()
                    .map(|(a, b, piece, empty, sure)| {
                        let (a, b) = (*a.get(&bounds), *b.get(&bounds));
                        let replacement = if empty { "" } else { PIECES[piece] };
                        let levels = [Confidence::Guess, Confidence::Likely, Confidence::Certain];
                        Fix::new(a.min(b)..a.max(b), replacement, levels[sure])
                    })
                    .collect();
                let rule = ["one", "two", "three"][round % 3];
                if round % 2 == 1 {
                    // Sorted, as most rules give them.
                    fixes.sort_by_key(|f| (f.range.start, f.range.end));
                }
                apply_three_ways(&mut fast, &mut slow, &mut listed, rule, fixes)?;
                check(&fast);
            }
        }
    }

    proptest::proptest! {
        /// Fixes as most rules give them, sorted and apart (some giving
        /// back what the text has), over six rounds: the one-read check and
        /// the fast way for a fix no old edit overlaps agree with
        /// [`apply_listed`].
        #[test]
        fn apart_fixes_agree(
            text in proptest::collection::vec(0..PIECES.len(), 0..60),
            rounds in proptest::collection::vec(
                proptest::collection::vec(
                    (
                        proptest::arbitrary::any::<proptest::sample::Index>(),
                        0..4usize,
                        0..PIECES.len(),
                        proptest::bool::weighted(1.0 / 3.0),
                        proptest::bool::weighted(1.0 / 4.0),
                    ),
                    0..10,
                ),
                6,
            ),
        ) {
            let text: String = text.into_iter().map(|i| PIECES[i]).collect();
            let (mut fast, mut slow) = (EditLog::new(text.clone()), EditLog::new(text.clone()));
            slow.overwrite_from = 0;
            let mut listed = EditLog::new(text);
            for (round, picks) in rounds.into_iter().enumerate() {
                let current = fast.current().to_string();
                let bounds = char_bounds(&current);
                let mut starts: Vec<(usize, usize, usize, bool, bool)> = picks
                    .into_iter()
                    .map(|(a, wide, piece, empty, same)| {
                        let a = a.index(bounds.len());
                        (a, (a + wide).min(bounds.len() - 1), piece, empty, same)
                    })
                    .collect();
                starts.sort();
                let mut fixes: Vec<Fix> = Vec::new();
                let mut free = 0; // the first bound index a next fix may use
                for (a, b, piece, empty, same) in starts {
                    if a < free || (a == b && fixes.last().is_some_and(|f: &Fix| f.range == (bounds[a]..bounds[b]))) {
                        continue;
                    }
                    let range = bounds[a]..bounds[b];
                    let replacement = if same {
                        current[range.clone()].to_string()
                    } else if empty {
                        String::new()
                    } else {
                        PIECES[piece].to_string()
                    };
                    fixes.push(Fix::new(range, replacement, Confidence::Likely));
                    free = b;
                }
                let rule = ["one", "two", "three"][round % 3];
                apply_three_ways(&mut fast, &mut slow, &mut listed, rule, fixes)?;
                check(&slow);
            }
        }
    }

    /// The byte offsets of `text` that are character boundaries, its end
    /// included.
    fn char_bounds(text: &str) -> Vec<usize> {
        (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect()
    }

    /// Apply `fixes` the fast way, the general way (which `slow`, of a
    /// lowered [`EditLog::overwrite_from`], makes in the text's own buffer)
    /// and the listed reference way, and check that the three give the same
    /// text and edits.
    fn apply_three_ways(
        fast: &mut EditLog,
        slow: &mut EditLog,
        listed: &mut EditLog,
        rule: &'static str,
        fixes: Vec<Fix>,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        fast.apply_with(rule, fixes.clone(), true);
        slow.apply_with(rule, fixes.clone(), false);
        apply_listed(listed, rule, fixes);
        proptest::prop_assert_eq!(fast.current(), listed.current());
        proptest::prop_assert_eq!(fast.edits(), listed.edits());
        proptest::prop_assert_eq!(slow.current(), listed.current());
        proptest::prop_assert_eq!(slow.edits(), listed.edits());
        Ok(())
    }

    /// The general way as it was first written, with a sorted list of all
    /// old edits and new fixes: the reference the faster ways must agree with.
    fn apply_listed(log: &mut EditLog, rule: &'static str, mut fixes: Vec<Fix>) {
        let current: &str = log.current.as_deref().unwrap_or(&log.original);
        fixes.retain(|f| current.get(f.range.clone()) != Some(f.replacement.as_str()));
        if fixes.is_empty() {
            return;
        }
        fixes.sort_by_key(|f| (f.range.start, f.range.end));
        for f in &fixes {
            debug_assert!(
                current.is_char_boundary(f.range.start),
                "{rule}: {:?}",
                f.range
            );
            debug_assert!(
                current.is_char_boundary(f.range.end),
                "{rule}: {:?}",
                f.range
            );
        }
        // A fix overlapping the last one kept is dropped.
        fixes.dedup_by(|f, last| f.range.start < last.range.end || f.range == last.range);
        let mut news = fixes;
        let current: &str = log.current.as_deref().unwrap_or(&log.original);

        // Old edits and new fixes as spans of the current text, in one sorted
        // list; at equal spans an old edit comes first. Both are sorted
        // already (old edits do not overlap, new fixes were sorted above):
        // they are merged.
        let mut olds = std::mem::take(&mut log.edits);
        let mut items = Vec::new();
        let mut shift: isize = 0;
        let mut n = 0;
        for e in &olds {
            let cs = (e.start as isize + shift) as usize;
            shift += growth(e);
            let span = cs..cs + e.after.len();
            while let Some(f) = news.get(n) {
                if (f.range.start, f.range.end) >= (span.start, span.end) {
                    break;
                }
                items.push((f.range.clone(), Item::New(n)));
                n += 1;
            }
            items.push((span, Item::Old));
        }
        items.extend(
            news[n..]
                .iter()
                .enumerate()
                .map(|(i, f)| (f.range.clone(), Item::New(n + i))),
        );
        debug_assert!(items.is_sorted_by_key(|(r, item)| (
            r.start,
            r.end,
            matches!(item, Item::New(_))
        )));

        // Each old edit is in exactly one cluster, in order: they are taken
        // from `olds` one by one.
        let mut edits = Vec::new();
        let mut taken = olds.drain(..);
        let mut text = String::new();
        let mut copied = 0; // how much of the current text is in `text`
        let mut shift: isize = 0; // growth of the old edits left of the cursor
        let mut untouched = 0; // old edits to move before the next cluster
        let mut i = 0;
        while i < items.len() {
            let (mut lo, mut hi) = (items[i].0.start, items[i].0.end);
            let first = i;
            i += 1;
            while i < items.len() && overlaps(&items[i].0, &(lo..hi)) {
                lo = lo.min(items[i].0.start);
                hi = hi.max(items[i].0.end);
                i += 1;
            }
            let cluster = &items[first..i];
            if let [(_, Item::Old)] = cluster {
                // Untouched: moved, not copied, with the next ones.
                untouched += 1;
                continue;
            }
            if untouched > 0 {
                let from = edits.len();
                edits.extend(taken.by_ref().take(untouched));
                shift += edits[from..].iter().map(growth).sum::<isize>();
                untouched = 0;
            }
            if let [(_, Item::New(n))] = cluster {
                // One fix alone: its replacement is the new text.
                let f = &mut news[*n];
                text.push_str(&current[copied..lo]);
                text.push_str(&f.replacement);
                copied = hi;
                let start = (lo as isize - shift) as usize;
                let end = (hi as isize - shift) as usize;
                edits.extend(Edit::of_fix(
                    &Rules::lone(rule),
                    &log.original,
                    start..end,
                    f,
                ));
                continue;
            }
            let mut after = CompactString::default();
            let mut at = lo;
            let mut confidence = Confidence::Certain;
            let mut merged: Vec<&'static str> = Vec::new();
            let mut inside: isize = 0;
            for (_, item) in cluster {
                match *item {
                    Item::New(n) => {
                        let f = &news[n];
                        after.push_str(&current[at..f.range.start]);
                        after.push_str(&f.replacement);
                        at = f.range.end;
                        confidence = confidence.min(f.confidence);
                    }
                    Item::Old => {
                        let e = taken.next().expect("an old edit per item");
                        inside += growth(&e);
                        confidence = confidence.min(e.confidence());
                        for r in e.merged().iter().copied().chain([e.rule()]) {
                            if r != rule && !merged.contains(&r) {
                                merged.push(r);
                            }
                        }
                    }
                }
            }
            after.push_str(&current[at..hi]);
            text.push_str(&current[copied..lo]);
            text.push_str(&after);
            copied = hi;

            let start = (lo as isize - shift) as usize;
            let end = (hi as isize - shift - inside) as usize;
            shift += inside;
            let before = &log.original[start..end];
            if before != after {
                edits.push(Edit {
                    start,
                    end,
                    after: EditText::new(&after),
                    rules: Rules::of(rule, &merged, confidence),
                });
            }
        }
        text.push_str(&current[copied..]);
        edits.extend(taken.by_ref().take(untouched));
        debug_assert!(taken.next().is_none());
        drop(taken);
        log.current = Some(text);
        log.edits = edits;
    }

    /// An old edit (they come in order) or the new fix of that index.
    enum Item {
        Old,
        New(usize),
    }

    const PIECES: [&str; 8] = ["a", "b", " ", "\n", "\r\n", "\u{e9}", "\u{2019}", "xyz"];

    #[test]
    fn fix_undone_by_later_rule_disappears() {
        let mut log = EditLog::new("a b".into());
        log.apply("one", vec![Fix::new(1..2, "_", Confidence::Certain)]);
        log.apply("two", vec![Fix::new(1..2, " ", Confidence::Certain)]);
        assert_eq!(log.current(), "a b");
        assert!(log.edits().is_empty());
    }
}
