//! Quotation conventions: which marks open and close a quotation in the
//! text's language. English opens with `“` and closes with `”`; German with
//! `„` and `“` (Polish, Czech, Hungarian and Romanian close with `”`);
//! French with `«` and `»` (often with a no-break space inside); German and
//! Danish books also with `»` and `«`; Swedish and Finnish with `”` and `”`.
//!
//! The convention is read from the text's own marks: a paragraph's, when they
//! tell (`„`, guillemets), else the file's, else English. `quote-style`
//! (curly) and `unbalanced-quotes` both ask here, so a German text neither
//! gets English quotes nor fails for having German ones.

/// A way of quoting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    /// `“…”`, `‘…’`.
    English,
    /// `„…“`, `‚…‘` (German); `close` is `”` for `„…”` (Polish, Hungarian).
    LowNine { close: char },
    /// `«…»`, `‹…›` (French, Russian, Swiss).
    Guillemets,
    /// `»…«`, `›…‹` (German and Danish books).
    Reversed,
    /// `”…”`, `’…’` (Swedish, Finnish).
    Swedish,
}

impl Convention {
    /// The opening and closing double quotation marks.
    pub fn double(self) -> (char, char) {
        match self {
            Convention::English => ('“', '”'),
            Convention::LowNine { close } => ('„', close),
            Convention::Guillemets => ('«', '»'),
            Convention::Reversed => ('»', '«'),
            Convention::Swedish => ('”', '”'),
        }
    }

    /// The opening and closing single quotation marks.
    pub fn single(self) -> (char, char) {
        match self {
            Convention::English => ('‘', '’'),
            Convention::LowNine { close: '”' } => ('‚', '’'),
            Convention::LowNine { .. } => ('‚', '‘'),
            Convention::Guillemets => ('‹', '›'),
            Convention::Reversed => ('›', '‹'),
            Convention::Swedish => ('’', '’'),
        }
    }
}

/// The double quotation marks of a stretch of text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    /// Straight `"`.
    pub straight: usize,
    /// `“`
    pub left: usize,
    /// `”`
    pub right: usize,
    /// `”` where a quotation opens: first in the paragraph or after a space,
    /// and before something else than a space (Swedish).
    pub right_opening: usize,
    /// `„`
    pub low: usize,
    /// `«`
    pub laquo: usize,
    /// `»`
    pub raquo: usize,
    /// Which guillemet comes first, if any.
    pub first_guillemet: Option<char>,
}

impl Marks {
    /// The marks of `paragraph` (whose start counts as a place where a
    /// quotation may open), read character by character.
    pub fn of(paragraph: &str) -> Marks {
        let mut m = Marks::default();
        let mut prev: Option<char> = None;
        let mut chars = paragraph.chars().peekable();
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            m.count(c, || {
                prev.is_none_or(char::is_whitespace) && next.is_some_and(|n| !n.is_whitespace())
            });
            prev = Some(c);
        }
        m
    }

    /// Count `c`; `opening` says whether a `”` stands where a quotation opens.
    #[inline]
    pub fn count(&mut self, c: char, opening: impl FnOnce() -> bool) {
        match c {
            '"' => self.straight += 1,
            '“' => self.left += 1,
            '”' => {
                self.right += 1;
                self.right_opening += usize::from(opening());
            }
            '„' => self.low += 1,
            '«' | '»' => {
                if c == '«' {
                    self.laquo += 1;
                } else {
                    self.raquo += 1;
                }
                self.first_guillemet.get_or_insert(c);
            }
            _ => {}
        }
    }

    /// The marks of two stretches together.
    pub fn add(&mut self, other: &Marks) {
        self.straight += other.straight;
        self.left += other.left;
        self.right += other.right;
        self.right_opening += other.right_opening;
        self.low += other.low;
        self.laquo += other.laquo;
        self.raquo += other.raquo;
        if self.first_guillemet.is_none() {
            self.first_guillemet = other.first_guillemet;
        }
    }

    /// The convention these marks show by themselves, if any: `„` (as
    /// often as `“`, which is then its closing mark), guillemets (at least as
    /// many as `“`, whose pairs are then nested quotations), `”` opening
    /// quotations with no `“` at all, or `“`/`”`.
    pub fn convention(&self) -> Option<Convention> {
        if self.low > 0 && self.low * 2 >= self.left {
            let close = if self.right > self.left { '”' } else { '“' };
            return Some(Convention::LowNine { close });
        }
        if self.laquo + self.raquo > 0 && self.laquo + self.raquo >= self.left {
            return Some(match self.first_guillemet {
                Some('»') => Convention::Reversed,
                _ => Convention::Guillemets,
            });
        }
        if self.left == 0 && self.right_opening > 0 {
            return Some(Convention::Swedish);
        }
        (self.left + self.right > 0).then_some(Convention::English)
    }

    /// The convention of a paragraph with these marks in a file whose marks
    /// show `file`: the paragraph's own when its marks are distinctive (`„`,
    /// guillemets), else the file's (a German paragraph that only closes a
    /// quotation has just a `“`), else English.
    pub fn convention_in(&self, file: Option<Convention>) -> Convention {
        let own = self.convention();
        match own {
            Some(
                c @ (Convention::LowNine { .. } | Convention::Guillemets | Convention::Reversed),
            ) => c,
            _ => file.or(own).unwrap_or(Convention::English),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Option<Convention> {
        Marks::of(text).convention()
    }

    #[test]
    fn conventions_from_marks() {
        assert_eq!(
            of("„Ja“, sagte er. „Nein.“"),
            Some(Convention::LowNine { close: '“' })
        );
        assert_eq!(
            of("„Tak”, powiedział."),
            Some(Convention::LowNine { close: '”' })
        );
        assert_eq!(of("« Oui », dit-il."), Some(Convention::Guillemets));
        assert_eq!(
            of("«\u{a0}Oui\u{a0}», dit-il."),
            Some(Convention::Guillemets)
        );
        assert_eq!(of("»Ja«, sagte er."), Some(Convention::Reversed));
        assert_eq!(of("”Ja”, sade han."), Some(Convention::Swedish));
        assert_eq!(of("“Yes,” he said."), Some(Convention::English));
        assert_eq!(of("Yes,” he said."), Some(Convention::English));
        assert_eq!(of("No quotes."), None);
        // One German phrase quoted in English text does not make it German.
        assert_eq!(
            of("“He wrote „ja“ there,” she said. “And?” “Nothing.”"),
            Some(Convention::English)
        );
    }

    #[test]
    fn paragraph_defers_to_the_file_unless_distinctive() {
        let german = Convention::LowNine { close: '“' };
        assert_eq!(
            Marks::of("und so weiter.“").convention_in(Some(german)),
            german
        );
        assert_eq!(Marks::of("Plain.").convention_in(None), Convention::English);
        assert_eq!(
            Marks::of("« Oui »").convention_in(Some(Convention::English)),
            Convention::Guillemets
        );
    }
}
