use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule};
use regex_automata::meta::Regex;
use std::sync::LazyLock;

crate::declare_rule! {
    /// ## What it does
    /// Reports a text whose last paragraph reads like an author's note rather
    /// than story text: `A/N`, "to be continued", "please review", "this fic will
    /// not be finished", "sorry", "next chapter"… Each cue scores (strong cues such
    /// as `A/N`, `TBC`, `review`, `fic`, `sequel`, `disclaimer` score 3; weak
    /// ones such as `chapter`, `update`, `finish`, `sorry`, `readers`, `please`
    /// score 1), and a last paragraph of at most 120 words that scores 3 or more
    /// and does not open with a quotation mark (dialogue) is reported, naming its
    /// cues.
    ///
    /// ## Why
    /// A note after the story is not part of the text: it ships the author's
    /// asides into the corpus, and notes at the end often say the story is
    /// unfinished or abandoned, which a maintainer wants to know before
    /// publishing (a truncation hint from the author).
    ///
    /// ## Example
    /// `…the end of the story.\n\nA/N: Sorry, no more chapters!` → finding at
    /// 3:1: `the text ends with what reads like an author's note (cues: a/n,
    /// chapters, sorry): remove it, or check whether the story is unfinished`.
    ///
    /// ## Fix safety
    /// Reports only: whether to cut a note is the maintainer's decision.
    pub struct TrailingNote {
        id: "trailing-note",
        stage: Validate,
        summary: "the text ends with an author's note (and may be unfinished)",
        default_enabled: true,
    }
}

const MAX_WORDS: usize = 120;
const THRESHOLD: usize = 3;

/// The cue regexes, compiled without literal prefilters: the paragraph
/// they search is at most 120 words, where a prefilter saves nothing, and
/// extracting the literals of case-insensitive phrases is most of the cost
/// of compiling them (about 80%, paid by every run that checks a file).
fn cue_regex(pattern: &str) -> Regex {
    Regex::builder()
        .configure(Regex::config().auto_prefilter(false))
        .build(pattern)
        .expect("a valid cue regex")
}

// Word boundaries are ASCII ones (`(?-u:\b)`): the cues are English words,
// and ASCII boundaries let the regex run as a DFA instead of backtracking.
static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    cue_regex(
        r"(?i)(?-u:\b)(a/n|an:|author'?s'? ?notes?|authors? notes?|tbc|to be continued|r ?& ?r|read and review|reviews?|reviewing|fics?|fanfics?|fan ?fiction|next chapter|thanks? (?:you )?for reading|feedback|disclaimer|sequel|cliffhanger)(?:(?-u:\b)|$)",
    )
});

static WEAK: LazyLock<Regex> = LazyLock::new(|| {
    cue_regex(
        r"(?i)(?-u:\b)(chapters?|updates?|updated|finish|finished|sorry|let me know|readers?|please|continue)(?-u:\b)",
    )
});

impl Rule for TrailingNote {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        let paras = ctx.paragraphs();
        if paras.len() < 2 {
            return; // a one-paragraph file has no story to come after
        }
        let last = paras[paras.len() - 1].clone();
        let para = &text[last.clone()];
        // More than MAX_WORDS words (counted no further: the last paragraph
        // of a file without blank lines can be the whole file).
        if para.split_whitespace().nth(MAX_WORDS).is_some()
            || para
                .trim_start()
                .starts_with(['"', '\u{201c}', '\'', '\u{2018}'])
        {
            return;
        }
        let mut cues: Vec<String> = Vec::new();
        let mut score = 0;
        for (re, points) in [(&*STRONG, 3), (&*WEAK, 1)] {
            for m in re.find_iter(para) {
                let cue = para[m.range()].to_lowercase();
                // One score per word: `finish` and `finished` are one cue.
                let stem = |c: &str| c.trim_end_matches("ed").trim_end_matches('s').to_string();
                if !cues.iter().any(|c| stem(c) == stem(&cue)) {
                    cues.push(cue);
                    score += points;
                }
            }
        }
        if score < THRESHOLD {
            return;
        }
        out.findings.push(Finding::new(
            INFO.id,
            Severity::Warning,
            last.start..last.start,
            format!(
                "the text ends with what reads like an author's note (cues: {}): remove it, or check whether the story is unfinished",
                cues.join(", ")
            ),
        ));
    }
}
