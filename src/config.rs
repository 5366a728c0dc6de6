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
//! [fix]
//! min-confidence = "likely"   # certain | likely (default) | guess: fixes less
//!                             # sure are not applied, but reported (docs/applicability.md)
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
//! [records]               # `fettle records`: JSONL records (see docs/records.md)
//! text-key = "text"       # the field cleaned (default "text")
//! report-key = "fettle"   # the field added with counts and findings (default "fettle")
//! [records.rules]         # rules on or off for records only; wins over [rules]
//! long-lines = false      # and over the record profile (see `WHOLE_FILE_RULES`)
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

// The options of each rule are declared beside the rule; these names keep
// the `Config` fields' types where library users found them.
pub use crate::normalize::blank_lines::Options as BlankLines;
pub use crate::normalize::scene_breaks::Options as SceneBreaks;
pub use crate::validate::corpus::near_duplicates::Options as NearDuplicates;
pub use crate::validate::long_lines::Options as LongLines;
pub use crate::validate::short_file::Options as ShortFile;

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
    pub fix: FixConfig,
    pub decode: Decode,
    /// Rule id → severity of its findings (or off).
    pub severity: BTreeMap<String, Level>,
    pub long_lines: LongLines,
    pub short_file: ShortFile,
    pub near_duplicates: NearDuplicates,
    /// `fettle records`: field names and the record profile's own rules.
    pub records: Records,
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

/// `[records]`: how `fettle records` reads records and which rules it runs.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Records {
    /// The field holding the text to clean.
    pub text_key: String,
    /// The field added to each record with its counts, findings and edits.
    pub report_key: String,
    /// Rule id → enabled, for records only: wins over `[rules]` and over the
    /// record profile's defaults.
    pub rules: BTreeMap<String, bool>,
}

impl Default for Records {
    fn default() -> Self {
        Records {
            text_key: "text".to_string(),
            report_key: "fettle".to_string(),
            rules: BTreeMap::new(),
        }
    }
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

/// `[fix]`: which proposed fixes `clean`, `fix` and `check --diff` apply.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FixConfig {
    /// Fixes less sure than this are withheld and reported as findings
    /// (`crate::applicability`).
    pub min_confidence: crate::edit::Confidence,
}

impl Default for FixConfig {
    fn default() -> Self {
        FixConfig {
            min_confidence: crate::edit::Confidence::Likely,
        }
    }
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
            fix: FixConfig::default(),
            decode: Decode {
                encoding: None,
                max_file_size: 1 << 30,
                corpus_prior: false,
            },
            severity: BTreeMap::new(),
            long_lines: LongLines::default(),
            short_file: ShortFile::default(),
            near_duplicates: NearDuplicates::default(),
            records: Records::default(),
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
    /// Rules a user's `[rules]` names keep the user's choice, and
    /// `[records.rules]` has the last word.
    pub fn for_records(mut self) -> Config {
        for id in WHOLE_FILE_RULES {
            self.rules.entry((*id).to_string()).or_insert(false);
        }
        for (id, enabled) in &self.records.rules {
            self.rules.insert(id.clone(), *enabled);
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
        for id in self.records.rules.keys() {
            known(id, "[records.rules]")?;
        }
        let records = &self.records;
        if records.text_key.is_empty() || records.report_key.is_empty() {
            bail!("[records] text-key and report-key must not be empty");
        }
        if records.text_key == records.report_key {
            bail!("[records] text-key and report-key must differ");
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
        use crate::rule::RuleOptions;
        self.long_lines.check()?;
        self.near_duplicates.check()?;
        if let Some(label) = &self.decode.encoding {
            if encoding_rs::Encoding::for_label(label.as_bytes()).is_none() {
                bail!("unknown encoding `{label}` in [decode]");
            }
        }
        self.scene_breaks.check()?;
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
