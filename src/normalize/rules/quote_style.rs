use crate::config::QuoteStylePolicy;
use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule};
use crate::validate::quote_convention::{Convention, Marks};

crate::declare_rule! {
    /// ## What it does
    /// Applies the configured quote style (`[quote-style] style`):
    /// `keep` (the default) changes nothing; `straight` turns curly quotes and
    /// apostrophes into `"` and `'`; `curly` turns straight ones into typographic
    /// quotes by position (`"` after a space opens, elsewhere closes; `'` between
    /// letters is an apostrophe), in the quotation convention of the paragraph
    /// (`validate::quote_convention`): a German text gets `„…“` and `‚…‘`, a
    /// French one `«…»`, a Swedish one `”…”`, read from the quotation marks the
    /// text already has (its paragraph's, else the file's; English when none
    /// tell).
    ///
    /// ## Why
    /// A corpus should use one quote style. Which one is a choice, not damage, so
    /// it is a normalize policy, separate from the repair of lost quotes.
    ///
    /// ## Example
    /// with `style = "straight"`: `“It’s”` → `"It's"`;
    /// with `style = "curly"`: `"It's"` → `“It’s”`; in a text quoting `„…“`,
    /// `"Ja"` → `„Ja“`
    ///
    /// ## Fix safety
    /// Certain for `straight`; likely for `curly`, which guesses the direction of
    /// each quote from its neighbours.
    pub struct QuoteStyle {
        id: "quote-style",
        stage: Normalize,
        summary: "quote style policy: keep (default), straight or curly",
        default_enabled: true,
        options: crate::config::QuoteStyleConfig,
    }
}

impl Rule for QuoteStyle {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        match ctx.config.quote_style.style {
            QuoteStylePolicy::Keep => {}
            QuoteStylePolicy::Straight => {
                if text.is_ascii() {
                    return;
                }
                for (i, c) in text.char_indices() {
                    let to = match c {
                        '‘' | '’' | '‚' | '‛' => "'",
                        '“' | '”' | '„' | '‟' => "\"",
                        _ => continue,
                    };
                    out.fixes
                        .push(Fix::new(i..i + c.len_utf8(), to, Confidence::Certain));
                }
            }
            QuoteStylePolicy::Curly => curly(text, ctx, out),
        }
    }
}

/// Straight quotes become the curly ones of each paragraph's convention
/// (`quote_convention`): `"` after a space (or an opening bracket or dash)
/// opens, elsewhere it closes (between two spaces it closes an open
/// quotation); `'` opening before a letter opens a single
/// quotation, closes one at a closing place, and is otherwise an apostrophe.
fn curly(text: &str, ctx: &Context, out: &mut Outcome) {
    if !text.contains(['"', '\'']) {
        return;
    }
    let paras = ctx.paragraphs();
    let marks: Vec<Marks> = paras.iter().map(|p| Marks::of(&text[p.clone()])).collect();
    let mut whole = Marks::default();
    for m in &marks {
        whole.add(m);
    }
    let file = whole.convention();
    let mut k = 0; // the paragraph of the character, or the next one
    let mut convention = Convention::English;
    let (mut double_open, mut single_open) = (false, false);
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        while k < paras.len() && i >= paras[k].start {
            // Into a new paragraph (between paragraphs, the last one's
            // convention goes on: there are only blank lines).
            convention = marks[k].convention_in(file);
            (double_open, single_open) = (false, false);
            k += 1;
        }
        let next = chars.peek().map(|&(_, n)| n);
        let opening = prev.is_none_or(|p| p.is_whitespace() || "([{—–„«»‚‹›".contains(p));
        let closing = next.is_none_or(|n| !n.is_alphanumeric());
        // A space before and no word after (French spacing, `" Oui ",`):
        // it closes the quotation this paragraph has open, else opens one.
        let spaced = prev.is_none_or(char::is_whitespace) && closing;
        let (double, single) = (convention.double(), convention.single());
        let to = match c {
            '"' if (spaced && !double_open) || (!spaced && opening) => {
                double_open = true;
                Some(double.0)
            }
            '"' => {
                double_open = false;
                Some(double.1)
            }
            '\'' if opening && next.is_some_and(|n| n.is_alphanumeric()) => {
                single_open = true;
                Some(single.0)
            }
            '\'' if single_open && closing => {
                single_open = false;
                Some(single.1)
            }
            '\'' => Some('’'),
            _ => None,
        };
        if let Some(to) = to {
            out.fixes
                .push(Fix::new(i..i + 1, to.to_string(), Confidence::Likely));
        }
        prev = Some(c);
    }
}
