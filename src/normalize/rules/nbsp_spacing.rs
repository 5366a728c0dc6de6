use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule};
use memchr::memmem;
use std::sync::LazyLock;

crate::declare_rule! {
    /// ## What it does
    /// Collapses a run of spaces that mixes no-break spaces (U+00A0) with ordinary
    /// spaces into one ordinary space. A lone no-break space is kept.
    ///
    /// ## Why
    /// Word processors type "sentence end, no-break space, space" for two-space
    /// sentence spacing; exported, the no-break space is noise that glues words to
    /// the wrong neighbour. A lone no-break space, as in `Mr.` + U+00A0 + `Holmes`,
    /// is deliberate typography and stays.
    ///
    /// ## Example
    /// `ones.` + U+00A0 + ` I thought` → `ones. I thought`
    ///
    /// ## Fix safety
    /// Certain: the run was meant as a word space.
    pub struct NbspSpacing {
        id: "nbsp-spacing",
        stage: Normalize,
        summary: "no-break space next to a space becomes one space",
        default_enabled: true,
    }
}

/// U+00A0 (C2 A0 in UTF-8), its searcher built once: a text with many
/// no-break spaces searches again after each, and building a searcher per
/// search cost more than the searches.
static NBSP: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("\u{a0}".as_bytes()));

impl Rule for NbspSpacing {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        if !ctx.facts.nbsp {
            return;
        }
        let bytes = text.as_bytes();
        // U+00A0 is C2 A0 in UTF-8.
        let mut i = 0;
        while let Some(found) = NBSP.find(&bytes[i..]) {
            let at = i + found;
            let mut start = at;
            while start > 0
                && (bytes[start - 1] == b' '
                    || (start >= 2 && &bytes[start - 2..start] == b"\xc2\xa0"))
            {
                start -= if bytes[start - 1] == b' ' { 1 } else { 2 };
            }
            let mut end = at;
            while end < bytes.len() && (bytes[end] == b' ' || bytes[end..].starts_with(b"\xc2\xa0"))
            {
                end += if bytes[end] == b' ' { 1 } else { 2 };
            }
            if text[start..end].contains(' ') {
                out.fixes
                    .push(Fix::new(start..end, " ", Confidence::Certain));
            }
            i = end;
        }
    }
}
