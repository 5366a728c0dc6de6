use crate::config::QuoteStylePolicy;
use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Applies the configured quote style (`[quote-style] style`):
    /// `keep` (the default) changes nothing; `straight` turns curly quotes and
    /// apostrophes into `"` and `'`; `curly` turns straight ones into typographic
    /// quotes by position (`"` after a space opens, elsewhere closes; `'` between
    /// letters is an apostrophe).
    ///
    /// ## Why
    /// A corpus should use one quote style. Which one is a choice, not damage, so
    /// it is a normalize policy, separate from the repair of lost quotes.
    ///
    /// ## Example
    /// with `style = "straight"`: `“It’s”` → `"It's"`;
    /// with `style = "curly"`: `"It's"` → `“It’s”`
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
            QuoteStylePolicy::Curly => {
                let mut prev: Option<char> = None;
                let mut chars = text.char_indices().peekable();
                while let Some((i, c)) = chars.next() {
                    let next = chars.peek().map(|&(_, n)| n);
                    let opening = prev.is_none_or(|p| p.is_whitespace() || "([{—–".contains(p));
                    let to = match c {
                        '"' if opening => Some('“'),
                        '"' => Some('”'),
                        '\'' if opening && next.is_some_and(|n| n.is_alphanumeric()) => Some('‘'),
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
        }
    }
}
