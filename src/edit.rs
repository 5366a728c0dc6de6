//! Edits: what a rule proposes, and the log that records every applied change
//! in coordinates of the decoded input.
//!
//! Rules run one after another, each on the text the previous rules left. A
//! rule proposes [`Fix`]es in the coordinates of the text it saw; the
//! [`EditLog`] applies them and translates them back to the decoded input, so
//! the final report can say "bytes 120..123 of the input became `’`" even when
//! several rules touched the same place. Overlapping edits are resolved here,
//! in one place: when a later fix touches text an earlier fix produced, the two
//! are merged into one [`Edit`] that names both rules.
//!
//! This file holds the types; [`log`] the log and its merging, [`buffers`]
//! the buffers logs hand on from file to file.

use compact_str::CompactString;
use serde::Serialize;
use std::ops::Range;

/// How sure a rule is that its change restores what the author wrote.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Context leaves a real doubt; the fix is the most likely reading.
    Guess,
    /// Strong evidence, but a legitimate reading exists in principle.
    Likely,
    /// Certainly damage or noise; the fix cannot lose information the author meant.
    Certain,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Certain => "certain",
            Confidence::Likely => "likely",
            Confidence::Guess => "guess",
        }
    }
}

/// A change proposed by one rule, in coordinates of the text the rule saw.
///
/// Replacements and the texts of [`Edit`]s are [`CompactString`]s: most are
/// a few bytes (`\n`, `’`), held inline without an allocation each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub range: Range<usize>,
    pub replacement: CompactString,
    pub confidence: Confidence,
}

impl Fix {
    pub fn new(
        range: Range<usize>,
        replacement: impl Into<CompactString>,
        confidence: Confidence,
    ) -> Self {
        Fix {
            range,
            replacement: replacement.into(),
            confidence,
        }
    }
    pub fn delete(range: Range<usize>, confidence: Confidence) -> Self {
        Fix::new(range, CompactString::default(), confidence)
    }
}

/// A recorded change, in byte coordinates of the decoded input.
///
/// A large file can have millions of edits, each held while the file is
/// processed and reported, so an edit is kept small (40 bytes): the text it
/// replaced is not copied (it is `original[start..end]`, see
/// [`Edit::before`]), its replacement is held inline when short
/// ([`EditText`]), and its rule, the rules merged into it and its
/// confidence are one pointer to an interned [`Rules`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte offsets `start..end` in the decoded input.
    pub start: usize,
    pub end: usize,
    pub after: EditText,
    rules: &'static Rules,
}

impl Edit {
    /// The edit a lone fix makes to `original[span]` (the span the fix covers,
    /// in input offsets); `None` when the fix gives back what the input had
    /// there.
    #[inline]
    fn of_fix(rule: &LoneRule, original: &str, span: Range<usize>, fix: &Fix) -> Option<Edit> {
        let before = &original[span.clone()];
        (before != fix.replacement).then(|| Edit {
            start: span.start,
            end: span.end,
            after: EditText::new(&fix.replacement),
            rules: rule[fix.confidence as usize],
        })
    }

    /// The rule that made the change (the last one, when several were merged).
    pub fn rule(&self) -> &'static str {
        self.rules.rule
    }
    /// Earlier rules whose changes at this place were merged into this edit.
    pub fn merged(&self) -> &'static [&'static str] {
        &self.rules.merged
    }
    /// The lowest confidence of the merged changes.
    pub fn confidence(&self) -> Confidence {
        self.rules.confidence
    }
    /// The text the edit replaced, in `original`, the decoded input.
    pub fn before<'a>(&self, original: &'a str) -> &'a str {
        &original[self.start..self.end]
    }
}

/// A rule, the earlier rules merged into its edit and the edit's
/// confidence, interned: each combination is allocated once per process,
/// and an edit holds a pointer.
#[derive(Debug, PartialEq, Eq)]
pub struct Rules {
    rule: &'static str,
    merged: Vec<&'static str>,
    confidence: Confidence,
}

/// The [`Rules`] of a rule's edits that merge nothing, by confidence.
type LoneRule = [&'static Rules; 3];

impl Rules {
    /// The edits of `rule` alone, at each confidence.
    fn lone(rule: &'static str) -> LoneRule {
        [Confidence::Guess, Confidence::Likely, Confidence::Certain]
            .map(|c| Rules::of(rule, &[], c))
    }

    /// The interned `rule` with `merged` and `confidence`.
    pub fn of(
        rule: &'static str,
        merged: &[&'static str],
        confidence: Confidence,
    ) -> &'static Rules {
        // Few combinations exist (a rule with the rules it can overlap), and
        // this is called once per rule and file, and once per merged edit.
        static INTERNED: std::sync::Mutex<Vec<&'static Rules>> = std::sync::Mutex::new(Vec::new());
        let mut interned = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = interned
            .iter()
            .find(|r| r.rule == rule && r.merged == merged && r.confidence == confidence)
        {
            return r;
        }
        let r: &'static Rules = Box::leak(Box::new(Rules {
            rule,
            merged: merged.to_vec(),
            confidence,
        }));
        interned.push(r);
        r
    }
}

/// The replacement text of an [`Edit`]: up to [`EditText::INLINE`] bytes
/// (most replacements: `\n`, `’`, nothing) held inline, a longer one boxed.
/// 16 bytes, where a `String` or `CompactString` takes 24.
#[derive(Clone, PartialEq, Eq)]
pub enum EditText {
    Inline {
        len: u8,
        bytes: [u8; EditText::INLINE],
    },
    Boxed(Box<String>),
}

impl EditText {
    pub const INLINE: usize = 14;

    pub fn new(s: &str) -> EditText {
        if s.len() <= Self::INLINE {
            let mut bytes = [0; Self::INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            EditText::Inline {
                len: s.len() as u8,
                bytes,
            }
        } else {
            EditText::Boxed(Box::new(s.to_string()))
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            EditText::Inline { len, bytes } => std::str::from_utf8(&bytes[..usize::from(*len)])
                .expect("an edit's text is a whole string"),
            EditText::Boxed(s) => s,
        }
    }
    pub fn len(&self) -> usize {
        match self {
            EditText::Inline { len, .. } => usize::from(*len),
            EditText::Boxed(s) => s.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for EditText {
    fn default() -> Self {
        EditText::new("")
    }
}

impl std::ops::Deref for EditText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for EditText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

impl Serialize for EditText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for EditText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
impl PartialEq<&str> for EditText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

mod buffers;
mod log;

pub use log::EditLog;

#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<Edit>() == 40 && size_of::<EditText>() == 16);

/// Apply recorded edits to the decoded input: the inverse check of the log.
pub fn apply_edits(original: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(original.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&original[at..e.start]);
        out.push_str(&e.after);
        at = e.end;
    }
    out.push_str(&original[at..]);
    out
}
