use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Replaces every scene-break line, a line made only of decoration such as
    /// `***`, `* * *`, `~~~`, `-----`, `xXx`, `oOo` or `###`, with one canonical
    /// marker (`[scene-breaks] marker`, default `* * *`). A title decorated with
    /// such characters, like `~Decent of Darkness~`, is text, not a marker.
    ///
    /// ## Why
    /// Archives use dozens of home-made separators; one marker makes scene
    /// boundaries machine-readable and consistent across a corpus.
    ///
    /// ## Example
    /// `oOoOoOo` → `* * *`
    ///
    /// ## Fix safety
    /// Likely: a line of decoration is almost always a break.
    pub struct SceneBreaks {
        id: "scene-breaks",
        stage: Normalize,
        summary: "decoration-only lines become one canonical scene-break marker",
        default_enabled: true,
        options: Options,
    }
}

crate::rule_options! {
    /// `[scene-breaks]` in `fettle.toml`.
    pub struct Options {
        /// The line every recognised scene-break marker becomes.
        pub marker: String = "* * *".to_string(),
    }
    check(options) {
        if options.marker.contains('\n') || options.marker.trim().is_empty() {
            anyhow::bail!("[scene-breaks] marker must be one non-empty line");
        }
    }
}

impl Rule for SceneBreaks {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        let marker = ctx.config.scene_breaks.marker.as_str();
        for span in ctx.lines().spans() {
            let line = &text[span.clone()];
            if line != marker && is_scene_break(line) {
                out.fixes.push(Fix::new(span, marker, Confidence::Likely));
            }
        }
    }
}

/// Punctuation and symbols that scene-break lines are made of.
fn is_decoration(c: char) -> bool {
    matches!(
        c,
        '*' | '~'
            | '-'
            | '_'
            | '='
            | '#'
            | '+'
            | '.'
            | '·'
            | '•'
            | '◦'
            | '∙'
            | '–'
            | '—'
            | '§'
            | '<'
            | '>'
            | '/'
            | '\\'
            | '|'
            | '^'
            | '○'
            | '●'
            | '◇'
            | '◆'
            | '♦'
            | '❖'
            | '❦'
            | '✿'
            | '❀'
            | '☆'
            | '★'
            | '♥'
            | '♡'
            | '%'
            | '&'
            | '@'
    )
}

/// Is this whole line a scene-break marker?
///
/// One pass, no allocation: prose lines are rejected at their first letter.
pub fn is_scene_break(line: &str) -> bool {
    let mut marks = 0usize; // characters other than white space
    let (mut lower, mut upper, mut letters, mut only_dots) = (false, false, false, true);
    for c in line.chars() {
        if c.is_whitespace() {
            continue;
        }
        marks += 1;
        if marks > 80 {
            return false;
        }
        if c.is_alphanumeric() {
            // Only x and o letters make markers (xXx, oOo).
            if !matches!(c, 'x' | 'X' | 'o' | 'O') {
                return false;
            }
            letters = true;
            lower |= c.is_lowercase();
            upper |= c.is_uppercase();
        } else if !is_decoration(c) {
            return false;
        }
        only_dots &= c == '.';
    }
    // Dots alone are an ellipsis, not a break.
    if marks < 3 || only_dots {
        return false;
    }
    // Letter patterns must alternate case (xXx, oOo, XoX): `xxx` and `ooo` are
    // words of affection or sounds, not markers.
    !letters || (lower && upper)
}

#[cfg(test)]
mod tests {
    use super::is_scene_break;

    #[test]
    fn markers() {
        for m in [
            "***",
            "* * *",
            "~~~",
            "-----",
            "xXx",
            "oOo",
            "###",
            "~*~*~",
            "  oOoOoOo  ",
            "x-X-x",
        ] {
            assert!(is_scene_break(m), "{m}");
        }
        for t in [
            "~Decent of Darkness~",
            "...",
            "xxx",
            "**",
            "OK.",
            "Part 2",
            "--Spike",
        ] {
            assert!(!is_scene_break(t), "{t}");
        }
    }
}
