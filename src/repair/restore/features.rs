//! What the model reads around a lost character: the same extraction for
//! training (on clean text with its damage simulated) and for restoring, so
//! the two cannot drift apart.
//!
//! Characters that carry no reading of their own (zero-width spaces, soft
//! hyphens, control characters, a stray BOM) are looked through: `don�\u{200B}t`
//! reads as `don�t`, and a later rule removing them changes nothing here.

/// What a U+FFFD can stand for: the roles of the characters Windows-1252
/// bytes 0x80–0xFF encode. `Letter` is decided by the lexicon, `Other`
/// (a symbol, or several characters under one U+FFFD) is left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Label {
    Apostrophe,
    CloseSingle,
    OpenSingle,
    OpenDouble,
    CloseDouble,
    EmDash,
    EnDash,
    Ellipsis,
    Nbsp,
    Pound,
    Letter,
    Other,
}

pub const LABELS: usize = 12;

impl Label {
    pub const ALL: [Label; LABELS] = [
        Label::Apostrophe,
        Label::CloseSingle,
        Label::OpenSingle,
        Label::OpenDouble,
        Label::CloseDouble,
        Label::EmDash,
        Label::EnDash,
        Label::Ellipsis,
        Label::Nbsp,
        Label::Pound,
        Label::Letter,
        Label::Other,
    ];

    /// The character restored for this label (`None`: decided elsewhere or left).
    pub fn char(self) -> Option<char> {
        Some(match self {
            Label::Apostrophe | Label::CloseSingle => '’',
            Label::OpenSingle => '‘',
            Label::OpenDouble => '“',
            Label::CloseDouble => '”',
            Label::EmDash => '—',
            Label::EnDash => '–',
            Label::Ellipsis => '…',
            Label::Nbsp => '\u{a0}',
            Label::Pound => '£',
            Label::Letter | Label::Other => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Label::Apostrophe => "’ apostrophe",
            Label::CloseSingle => "’ closing quote",
            Label::OpenSingle => "‘",
            Label::OpenDouble => "“",
            Label::CloseDouble => "”",
            Label::EmDash => "—",
            Label::EnDash => "–",
            Label::Ellipsis => "…",
            Label::Nbsp => "no-break space",
            Label::Pound => "£",
            Label::Letter => "letters",
            Label::Other => "other",
        }
    }
}

/// Which quotes are open: the state the joint decision carries through a
/// paragraph and, as `carried`, into the next one (a quotation continued
/// over paragraphs leaves its quote open at the paragraph's end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QuoteState {
    pub double: bool,
    pub single: bool,
    pub carried: bool,
}

pub const STATES: usize = 8;

impl QuoteState {
    pub fn index(self) -> usize {
        usize::from(self.double) * 4 + usize::from(self.single) * 2 + usize::from(self.carried)
    }
    pub fn from_index(i: usize) -> Self {
        QuoteState {
            double: i & 4 != 0,
            single: i & 2 != 0,
            carried: i & 1 != 0,
        }
    }
    /// The state after `label`, or `None` when the label cannot occur in
    /// this state (closing a quote that is not open).
    pub fn after(self, label: Label) -> Option<Self> {
        let mut s = self;
        match label {
            Label::OpenDouble => s.double = true,
            Label::CloseDouble if !s.double => return None,
            Label::CloseDouble => (s.double, s.single) = (false, false),
            Label::OpenSingle => s.single = true,
            Label::CloseSingle if !s.single => return None,
            Label::CloseSingle => s.single = false,
            _ => {}
        }
        Some(s)
    }
    /// The state a new paragraph starts in.
    pub fn next_paragraph(self) -> Self {
        QuoteState {
            double: false,
            single: false,
            carried: self.double || self.single,
        }
    }
}

/// The role of each character of a clean paragraph that Windows-1252 would
/// write as a byte from 0x80 (what a U+FFFD would stand for), with the quote
/// state before it; used to train and to score by role.
pub fn truth_roles(
    paragraph: &str,
    mut state: QuoteState,
) -> (Vec<(usize, Label, QuoteState)>, QuoteState) {
    let mut out = Vec::new();
    let mut chars = paragraph.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if !c.is_ascii() {
            let label = match c {
                '“' => Label::OpenDouble,
                '”' => Label::CloseDouble,
                '‘' => Label::OpenSingle,
                '’' if state.single && !next.is_some_and(char::is_alphanumeric) => {
                    Label::CloseSingle
                }
                '’' => Label::Apostrophe,
                '—' => Label::EmDash,
                '–' => Label::EnDash,
                '…' => Label::Ellipsis,
                '\u{a0}' => Label::Nbsp,
                '£' => Label::Pound,
                c if c.is_alphabetic() => Label::Letter,
                _ => Label::Other,
            };
            out.push((i, label, state));
            state = state.after(label).unwrap_or(state);
        }
    }
    (out, state)
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Is `c` looked through when reading context?
pub fn transparent(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}'
    ) || (c.is_control() && !matches!(c, '\n' | '\r' | '\t') && !is_break(c))
}

/// A lost character (or one Windows-1252 writes above 0x7F) in a key.
pub const LOST: u8 = 0x80;
/// Any other character outside ASCII in a key.
pub const FOREIGN: u8 = 0x81;
/// A line break, or the paragraph's edge, in a key.
pub const EDGE: u8 = 0x82;

/// A character as the context keys see it: ASCII as itself (digits as `0`),
/// white space as a space, the rest as [`LOST`], [`FOREIGN`] or [`EDGE`].
pub fn norm(c: char) -> u8 {
    match c {
        '0'..='9' => b'0',
        '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => EDGE,
        c if c.is_ascii_whitespace() => b' ',
        c if c.is_ascii() => c as u8,
        '\u{FFFD}' => LOST,
        c if is_cp1252_high(c) => LOST,
        c if c.is_whitespace() => b' ',
        _ => FOREIGN,
    }
}

/// Is `c` a character Windows-1252 encodes as a byte from 0x80?
pub fn is_cp1252_high(c: char) -> bool {
    matches!(c as u32, 0xA0..=0xFF)
        || matches!(
            c,
            '€' | '‚'
                | 'ƒ'
                | '„'
                | '…'
                | '†'
                | '‡'
                | 'ˆ'
                | '‰'
                | 'Š'
                | '‹'
                | 'Œ'
                | 'Ž'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '•'
                | '–'
                | '—'
                | '˜'
                | '™'
                | 'š'
                | '›'
                | 'œ'
                | 'ž'
                | 'Ÿ'
        )
}

/// The shape of a normalized character: letters by case, punctuation that
/// tells quotes apart as itself, the rest by class.
pub fn shape(b: u8) -> u8 {
    match b {
        b'a'..=b'z' => b'a',
        b'A'..=b'Z' => b'A',
        b'0' | b' ' | LOST | FOREIGN | EDGE => b,
        b'.' | b',' | b';' | b':' | b'!' | b'?' | b'"' | b'\'' | b'(' | b')' | b'-' | b'['
        | b']' => b,
        _ => b'#',
    }
}

/// How many normalized characters each side keeps.
pub const SIDE: usize = 3;
/// How many characters of the neighbouring tokens the keys keep.
pub const TOKEN: usize = 14;

/// The context of one U+FFFD.
#[derive(Debug, Clone, Default)]
pub struct Window {
    /// Normalized characters before it, nearest first; [`EDGE`] past the paragraph.
    pub left: [u8; SIDE],
    /// Normalized characters after it, nearest first.
    pub right: [u8; SIDE],
    /// The token (run of non-blank characters) ending right before it,
    /// lowercase, nearest last; empty when a blank precedes.
    pub left_token: Token,
    /// The token starting right after it, lowercase.
    pub right_token: Token,
    /// The letters of the word it sits in on each side (for the lexicon).
    pub left_letters: String,
    pub right_letters: String,
    /// Which readings make known words (see [`Window::set_lexical`]).
    pub lexical: u8,
}

impl Window {
    /// The context of the U+FFFD at byte `at` of the paragraph `text[start..end]`.
    pub fn read(text: &str, start: usize, end: usize, at: usize) -> Window {
        let mut w = Window {
            left: [EDGE; SIDE],
            right: [EDGE; SIDE],
            ..Default::default()
        };
        let mut k = 0;
        let mut in_token = true;
        let mut in_word = true;
        let mut after_blank = false;
        let mut word_start = at;
        // A CRLF is one line break, as it is once `line-endings` has run.
        let mut next = None;
        for (i, c) in text[start..at]
            .char_indices()
            .rev()
            .filter(|&(_, c)| !transparent(c))
        {
            let crlf = c == '\r' && next == Some('\n');
            next = Some(c);
            if crlf {
                continue;
            }
            // A no-break space next to a blank is one blank once
            // `nbsp-spacing` has run: read it so now.
            let blank = c.is_whitespace();
            if c == '\u{a0}' && after_blank {
                continue;
            }
            after_blank = blank;
            let n = norm(c);
            if k < SIDE {
                w.left[k] = n;
            }
            k += 1;
            if in_word && c.is_alphabetic() && c != '\u{FFFD}' {
                word_start = start + i;
            } else {
                in_word = false;
            }
            if in_token && n != b' ' && n != EDGE && !w.left_token.is_full() {
                w.left_token.push(n.to_ascii_lowercase());
            } else {
                in_token = false;
            }
            if k >= SIDE && !in_token && !in_word {
                break;
            }
        }
        w.left_token.reverse();
        // Everything read between the word's start and the U+FFFD was a
        // letter or looked through.
        w.left_letters = text[word_start..at]
            .chars()
            .filter(|&c| !transparent(c))
            .collect();
        let from = at + '\u{FFFD}'.len_utf8();
        let (mut k, mut in_token, mut in_word) = (0, true, true);
        // Blanks before a line break are looked through too: normalizing
        // removes them.
        let rest = &text[from.min(end)..end];
        let mut chars = rest.char_indices().peekable();
        let mut last_blank = false;
        let right = std::iter::from_fn(|| loop {
            let (i, c) = chars.next()?;
            if transparent(c) {
                continue;
            }
            // A no-break space before a blank is one blank once
            // `nbsp-spacing` has run: read it so now.
            if c == '\u{a0}'
                && (last_blank || chars.peek().is_some_and(|&(_, n)| n.is_whitespace()))
            {
                continue;
            }
            // A CRLF is one line break, as it is once `line-endings` has run.
            if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
                continue;
            }
            last_blank = c.is_whitespace();
            if c.is_whitespace() && !is_break(c) {
                let run = rest[i..]
                    .find(|c: char| !(c.is_whitespace() && !is_break(c) || transparent(c)))
                    .map_or(rest.len(), |n| i + n);
                if run == rest.len() || rest[run..].starts_with(is_break) {
                    while chars.peek().is_some_and(|&(j, _)| j < run) {
                        chars.next();
                    }
                    continue;
                }
            }
            return Some(c);
        });
        for c in right {
            let n = norm(c);
            if k < SIDE {
                w.right[k] = n;
            }
            k += 1;
            if in_word && c.is_alphabetic() && c != '\u{FFFD}' {
                w.right_letters.push(c);
            } else {
                in_word = false;
            }
            if in_token && n != b' ' && n != EDGE && !w.right_token.is_full() {
                w.right_token.push(n.to_ascii_lowercase());
            } else {
                in_token = false;
            }
            if k >= SIDE && !in_token && !in_word {
                break;
            }
        }
        w
    }

    /// Record which readings make known words: with letters on both sides,
    /// whether joined by `’` they are a word (1), else whether both sides
    /// are words (2), the side before only (3), the side after only (4) or
    /// neither (5); with letters on one side, whether they are a word (6/7
    /// before, 8/9 after); 0 with no letters beside it.
    pub fn set_lexical(&mut self, knows: impl Fn(&str) -> bool) {
        let (l, r) = (
            lowercase(&self.left_letters),
            lowercase(&self.right_letters),
        );
        self.lexical = match (l.is_empty(), r.is_empty()) {
            (true, true) => 0,
            (false, false) if knows(&joined(&l, '’', &r)) => 1,
            (false, false) => match (knows(&l), knows(&r)) {
                (true, true) => 2,
                (true, false) => 3,
                (false, true) => 4,
                (false, false) => 5,
            },
            (false, true) => 6 + u8::from(!knows(&l)),
            (true, false) => 8 + u8::from(!knows(&r)),
        };
    }

    /// The coarse context the quote-state model conditions on.
    pub fn coarse(&self) -> usize {
        coarse_index(shape(self.left[0]), shape(self.right[0]))
    }

    /// The keys of the context model, coarse to fine: each level adds to
    /// the one before, so a level's estimate backs off to its parent.
    pub fn keys(&self) -> [u64; LEVELS] {
        let s = |b: &[u8; SIDE]| [shape(b[0]), shape(b[1]), shape(b[2])];
        let (ls, rs) = (s(&self.left), s(&self.right));
        let k0 = hash(0, &[ls[0], rs[0]]);
        let k1 = hash(k0, &[ls[1], rs[1], ls[2], rs[2], self.lexical]);
        let k2 = hash(
            k1,
            &[self.left[0], self.right[0], self.left[1], self.right[1]],
        );
        let k3 = hash(k2, &[self.left[2], self.right[2]]);
        let mut k4 = hash(k3, self.left_token.as_bytes());
        k4 = hash(k4, &[0xFF]);
        k4 = hash(k4, self.right_token.as_bytes());
        [k0, k1, k2, k3, k4]
    }
}

pub const LEVELS: usize = 5;

/// Up to [`TOKEN`] normalized characters of a neighbouring token, kept
/// inline: a window is read for every lost character.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Token {
    bytes: [u8; TOKEN],
    len: usize,
}

impl Token {
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub fn is_full(&self) -> bool {
        self.len == TOKEN
    }

    /// Append `b`; the caller checks [`Token::is_full`] first.
    fn push(&mut self, b: u8) {
        self.bytes[self.len] = b;
        self.len += 1;
    }

    fn reverse(&mut self) {
        self.bytes[..self.len].reverse();
    }
}

/// `word` lowercased, borrowed when it is lowercase ASCII already (the
/// common case: no allocation per lost character).
pub fn lowercase(word: &str) -> std::borrow::Cow<'_, str> {
    if word.bytes().all(|b| b.is_ascii_lowercase()) {
        std::borrow::Cow::Borrowed(word)
    } else {
        std::borrow::Cow::Owned(word.to_lowercase())
    }
}

/// `left`, `mid` and `right` as one string.
pub fn joined(left: &str, mid: char, right: &str) -> String {
    let mut s = String::with_capacity(left.len() + mid.len_utf8() + right.len());
    s.push_str(left);
    s.push(mid);
    s.push_str(right);
    s
}

/// Shapes the coarse context distinguishes.
const SHAPES: &[u8] = &[
    b'a', b'A', b'0', b' ', EDGE, LOST, FOREIGN, b'.', b',', b';', b':', b'!', b'?', b'"', b'\'',
    b'(', b')', b'-', b'[', b']', b'#',
];
pub const COARSE: usize = SHAPES.len() * SHAPES.len();

fn coarse_index(l: u8, r: u8) -> usize {
    let i = |b: u8| {
        SHAPES
            .iter()
            .position(|&s| s == b)
            .unwrap_or(SHAPES.len() - 1)
    };
    i(l) * SHAPES.len() + i(r)
}

/// A 64-bit hash of `bytes` continuing `seed` (FNV-1a, then mixed).
fn hash(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed ^ 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= bytes.len() as u64;
    h = (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}
