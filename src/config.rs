//! `fettle.toml`: which rules run and with which policies.
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
//! ```

use anyhow::{bail, Context as _, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "fettle.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rule id → enabled.
    pub rules: BTreeMap<String, bool>,
    pub blank_lines: BlankLines,
    pub scene_breaks: SceneBreaks,
    pub quote_style: QuoteStyleConfig,
    pub decode: Decode,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct QuoteStyleConfig {
    /// What the `quote-style` rule does with quotes and apostrophes.
    pub style: QuoteStylePolicy,
}

/// Quote style policy of the `quote-style` normalize rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BlankLines {
    /// Longest run of blank lines kept inside the text.
    pub max: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SceneBreaks {
    /// The line every recognised scene-break marker becomes.
    pub marker: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Decode {
    /// Force this encoding (an encoding_rs / WHATWG label) instead of detecting.
    pub encoding: Option<String>,
    /// Files larger than this many bytes are refused.
    pub max_file_size: u64,
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
            },
        }
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

impl Config {
    pub fn parse(text: &str) -> Result<Config> {
        let config: Config = toml::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    /// Load `--config PATH`, else `./fettle.toml` if present, else defaults.
    pub fn load(explicit: Option<&Path>) -> Result<(Config, Option<PathBuf>)> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => Some(PathBuf::from(FILE_NAME)).filter(|p| p.is_file()),
        };
        let Some(path) = path else {
            return Ok((Config::default(), None));
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read config", path.display()))?;
        let config =
            Config::parse(&text).with_context(|| format!("{}: invalid config", path.display()))?;
        Ok((config, Some(path)))
    }

    fn validate(&self) -> Result<()> {
        for id in self.rules.keys() {
            if crate::rules::find(id).is_none() {
                bail!(
                    "unknown rule `{id}` in [rules] (known: {})",
                    crate::rules::ids().join(", ")
                );
            }
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
        for other in crate::rules::ids() {
            config.rules.insert(other.to_string(), other == id);
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
