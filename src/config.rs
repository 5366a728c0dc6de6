//! `fettle.toml`: which rules run and with which policies.
//!
//! Found as ruff and typos find theirs: `--config FILE`, else the first
//! `fettle.toml` or `.fettle.toml` in the working directory or above it, up
//! to the repository root (a directory holding `.git`).
//!
//! Every key is optional; an empty file means the defaults. Unknown keys and
//! unknown rule ids are errors, so a typo never silently disables nothing.
//!
//! ```toml
//! [rules]                 # turn rules on or off by id (see `fettle rules`)
//! scene-breaks = false
//!
//! [blank-lines]
//! max = 1                 # longest run of blank lines kept (default 1)
//!
//! [scene-breaks]
//! marker = "* * *"        # the canonical scene-break line (default "* * *")
//!
//! [quote-style]
//! style = "keep"          # keep (default) | straight | curly
//!
//! [decode]
//! encoding = "windows-1252"   # force one encoding for every file (default: detect)
//! max-file-size = 1073741824  # larger files are refused with an error (bytes)
//! corpus-prior = false        # the collection's dominant encoding settles weak guesses
//!
//! [severity]              # per rule: "error", "warning", "info" or "off"
//! long-lines = "error"    # (off drops the findings; [rules] stops the rule)
//!
//! [long-lines]
//! max = 25000             # longest line, in characters, before a finding
//!
//! [short-file]
//! min-words = 20          # files with fewer words are reported
//!
//! [near-duplicates]
//! threshold = 0.8         # estimated Jaccard similarity of word 5-grams
//! shingle = 5             # words per shingle
//!
//! [files]
//! exclude = ["drafts/**"] # paths never read (named ones too with --force-exclude)
//!
//! [[overrides]]           # per-path exceptions, in order; later ones win
//! paths = ["legacy/**", "*.md"]   # globs; a glob without `/` matches the file name
//! ignore = ["replacement-char"]   # drop these rules' findings for these files
//! severity = { long-lines = "info" }
//! ```
//!
//! Findings can also be silenced in the text itself: a line containing
//! `fettle: ignore` (every rule) or `fettle: ignore[rule-a, rule-b]` has no
//! findings of those rules; `fettle: ignore-file` / `fettle: ignore-file[rule]`
//! anywhere in a file silences them for the whole file (corpus rules too).
//! See `crate::validate::policy`.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod discover;
mod exclude;
mod show;

pub use discover::{Loaded, Origin};
pub use exclude::Exclude;
pub use show::FromCommandLine;

/// The configuration file names looked for in each directory, in order.
pub const FILE_NAMES: [&str; 2] = ["fettle.toml", ".fettle.toml"];
pub const FILE_NAME: &str = FILE_NAMES[0];

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rule id → enabled.
    pub rules: BTreeMap<String, bool>,
    pub blank_lines: BlankLines,
    pub scene_breaks: SceneBreaks,
    pub quote_style: QuoteStyleConfig,
    pub decode: Decode,
    /// Rule id → severity of its findings (or off).
    pub severity: BTreeMap<String, Level>,
    pub long_lines: LongLines,
    pub short_file: ShortFile,
    pub near_duplicates: NearDuplicates,
    /// Per-path exceptions, applied in order.
    pub overrides: Vec<Override>,
    /// Which paths are read at all.
    pub files: Files,
}

/// `[files]`: paths fettle leaves alone, as ruff's and typos' `exclude`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Files {
    /// Globs (as in `[[overrides]]`) relative to the configuration file's
    /// directory; walked paths that match are skipped, and so are paths
    /// named on the command line when `--force-exclude` is given.
    pub exclude: Vec<String>,
}

/// A finding severity as configured, or `off` to drop the findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

impl Level {
    /// The severity, or `None` for off.
    pub fn severity(self) -> Option<crate::finding::Severity> {
        use crate::finding::Severity;
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct LongLines {
    /// Longest line, in characters, that is not reported.
    pub max: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ShortFile {
    /// Files with fewer words than this are reported.
    pub min_words: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct NearDuplicates {
    /// Estimated Jaccard similarity of word shingles at or above which two
    /// files are reported (0 < threshold ≤ 1).
    pub threshold: f64,
    /// Words per shingle.
    pub shingle: usize,
}

/// `[[overrides]]`: rules ignored or severities changed for some paths.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Override {
    /// Globs (globset syntax) matched against the path as reported; a glob
    /// without `/` is matched against the file name.
    pub paths: Vec<String>,
    /// Rule ids whose findings are dropped for these paths.
    pub ignore: Vec<String>,
    /// Rule id → severity for these paths.
    pub severity: BTreeMap<String, Level>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct QuoteStyleConfig {
    /// What the `quote-style` rule does with quotes and apostrophes.
    pub style: QuoteStylePolicy,
}

/// Quote style policy of the `quote-style` normalize rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteStylePolicy {
    /// Leave quotes as they are.
    #[default]
    Keep,
    /// Curly quotes and apostrophes become `"` and `'`.
    Straight,
    /// Straight quotes become curly ones, by position.
    Curly,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BlankLines {
    /// Longest run of blank lines kept inside the text.
    pub max: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SceneBreaks {
    /// The line every recognised scene-break marker becomes.
    pub marker: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Decode {
    /// Force this encoding (an encoding_rs / WHATWG label) instead of detecting.
    pub encoding: Option<String>,
    /// Files larger than this many bytes are refused.
    pub max_file_size: u64,
    /// Let the dominant encoding of the collection settle weak guesses.
    pub corpus_prior: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            rules: BTreeMap::new(),
            blank_lines: BlankLines::default(),
            scene_breaks: SceneBreaks::default(),
            quote_style: QuoteStyleConfig::default(),
            decode: Decode {
                encoding: None,
                max_file_size: 1 << 30,
                corpus_prior: false,
            },
            severity: BTreeMap::new(),
            long_lines: LongLines::default(),
            short_file: ShortFile::default(),
            near_duplicates: NearDuplicates::default(),
            overrides: Vec::new(),
            files: Files::default(),
        }
    }
}

impl Default for Decode {
    /// Also what a `[decode]` table that leaves keys out gets for them.
    fn default() -> Self {
        Config::default().decode
    }
}

impl Default for BlankLines {
    fn default() -> Self {
        BlankLines { max: 1 }
    }
}

impl Default for SceneBreaks {
    fn default() -> Self {
        SceneBreaks {
            marker: "* * *".to_string(),
        }
    }
}

impl Default for LongLines {
    fn default() -> Self {
        LongLines { max: 25_000 }
    }
}

impl Default for ShortFile {
    fn default() -> Self {
        ShortFile { min_words: 20 }
    }
}

impl Default for NearDuplicates {
    fn default() -> Self {
        NearDuplicates {
            threshold: 0.8,
            shingle: 5,
        }
    }
}

/// Rules that judge a whole file (its end, its length, its closing note):
/// off in the record profile, where each text is one field of a record.
pub const WHOLE_FILE_RULES: &[&str] = &[
    "final-newline",
    "short-file",
    "ends-mid-sentence",
    "trailing-note",
];

impl Config {
    /// The record profile: the defaults less [`WHOLE_FILE_RULES`], for texts
    /// that are fields of records (`fettle records`, the Python package).
    /// Rules a user's configuration names keep the user's choice.
    pub fn for_records(mut self) -> Config {
        for id in WHOLE_FILE_RULES {
            self.rules.entry((*id).to_string()).or_insert(false);
        }
        self
    }

    pub fn parse(text: &str) -> Result<Config> {
        let config: Config = toml::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    /// The configuration for a run in the current directory: `--config
    /// PATH`, else the nearest `fettle.toml` / `.fettle.toml` (see
    /// [`discover`]), else the defaults. Returns the file it read.
    pub fn load(explicit: Option<&Path>) -> Result<(Config, Option<PathBuf>)> {
        let loaded = Loaded::find(explicit)?;
        Ok((loaded.config, loaded.path))
    }

    fn validate(&self) -> Result<()> {
        let known = |id: &str, table: &str| -> Result<()> {
            if !crate::rules::known(id) {
                bail!(
                    "unknown rule `{id}` in {table} (known: {})",
                    crate::rules::all_ids().join(", ")
                );
            }
            Ok(())
        };
        for id in self.rules.keys() {
            known(id, "[rules]")?;
        }
        for id in self.severity.keys() {
            known(id, "[severity]")?;
        }
        for o in &self.overrides {
            if o.paths.is_empty() {
                bail!("[[overrides]] needs at least one glob in `paths`");
            }
            for id in o.ignore.iter().chain(o.severity.keys()) {
                known(id, "[[overrides]]")?;
            }
        }
        crate::validate::policy::Policy::new(self)?;
        exclude::Globs::new(&self.files.exclude, "[files] exclude")?;
        if self.long_lines.max == 0 {
            bail!("[long-lines] max must be at least 1");
        }
        let nd = &self.near_duplicates;
        if !(nd.threshold > 0.0 && nd.threshold <= 1.0) {
            bail!("[near-duplicates] threshold must be in (0, 1]");
        }
        if nd.shingle == 0 {
            bail!("[near-duplicates] shingle must be at least 1");
        }
        if let Some(label) = &self.decode.encoding {
            if encoding_rs::Encoding::for_label(label.as_bytes()).is_none() {
                bail!("unknown encoding `{label}` in [decode]");
            }
        }
        if self.scene_breaks.marker.contains('\n') || self.scene_breaks.marker.trim().is_empty() {
            bail!("[scene-breaks] marker must be one non-empty line");
        }
        Ok(())
    }

    /// The defaults with every rule off but `id`: how rule fixtures run.
    pub fn only(id: &str) -> Config {
        let mut config = Config::default();
        for other in crate::rules::all_ids() {
            config.rules.insert(other.to_string(), other == id);
        }
        config
    }

    /// The defaults with only the rules of one stage on: how the repair
    /// evaluation and the ftfy peer test see the repair stage alone.
    pub fn only_stage(stage: crate::rule::Stage) -> Config {
        let mut config = Config::default();
        for rule in crate::rules::all() {
            config
                .rules
                .insert(rule.info().id.to_string(), rule.info().stage == stage);
        }
        config
    }

    /// Is the rule with this id switched on?
    pub fn enabled(&self, info: &crate::rule::RuleInfo) -> bool {
        self.rules
            .get(info.id)
            .copied()
            .unwrap_or(info.default_enabled)
    }
}
