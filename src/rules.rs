//! The registry of every rule, in pipeline order.

use crate::rule::{Rule, RuleInfo};

/// Every per-file rule, repair then normalize then validate: what the pipeline runs.
pub fn all() -> impl Iterator<Item = &'static dyn Rule> {
    crate::repair::RULES
        .iter()
        .chain(crate::normalize::RULES)
        .chain(crate::validate::RULES)
        .copied()
}

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    all().find(|r| r.info().id == id)
}

/// Ids of the per-file rules.
pub fn ids() -> Vec<&'static str> {
    all().map(|r| r.info().id).collect()
}

/// Every rule, per-file and corpus-level (`crate::validate::corpus`): what
/// `fettle rules` lists and what the config may name.
pub fn infos() -> impl Iterator<Item = &'static RuleInfo> {
    all()
        .map(|r| r.info())
        .chain(crate::validate::corpus::RULES.iter().map(|r| r.info()))
}

/// Is `id` the id of any rule, per-file or corpus?
pub fn known(id: &str) -> bool {
    infos().any(|i| i.id == id)
}

/// Every rule id, per-file and corpus.
pub fn all_ids() -> Vec<&'static str> {
    infos().map(|i| i.id).collect()
}

/// A rule's static description, per-file or corpus-level.
pub fn info(id: &str) -> Option<&'static RuleInfo> {
    infos().find(|i| i.id == id)
}

/// A rule's one-line summary, or "".
pub fn summary(id: &str) -> &'static str {
    info(id).map_or("", |i| i.summary)
}

/// The rule reference, `docs/rules.md`: a table of every rule, then each
/// rule's options and documentation, all from the rules' declarations.
/// `fettle rules --markdown` prints it; a test keeps the committed file
/// current.
pub fn markdown() -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "# Rules\n\n\
         <!-- Generated from the rules' declarations (`declare_rule!`) by \
         `cargo run -- rules --markdown > docs/rules.md`; do not edit. -->\n\n\
         Every rule fettle runs, in pipeline order. Turn a rule on or off under \
         `[rules]` in `fettle.toml` (`rule-id = false`); `fettle rules --explain ID` \
         prints one rule's section.\n\n\
         | rule | stage | default | what it does |\n|---|---|---|---|\n",
    );
    for info in infos() {
        writeln!(
            out,
            "| [`{id}`](#{id}) | {stage} | {default} | {summary} |",
            id = info.id,
            stage = stage_name(info),
            default = if info.default_enabled { "on" } else { "off" },
            summary = info.summary.replace('|', "\\|"),
        )
        .unwrap();
    }
    for info in infos() {
        write!(out, "\n## {}\n\n{}", info.id, explain(info)).unwrap();
    }
    out
}

/// One rule's documentation, as `fettle rules --explain ID` prints it:
/// stage and default, its options with their defaults, then its doc with
/// the headings one level down.
pub fn explain(info: &RuleInfo) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let default = if info.default_enabled { "on" } else { "off" };
    writeln!(
        out,
        "{}\n\nStage: {}; {default} by default.\n",
        info.summary,
        stage_name(info)
    )
    .unwrap();
    if let Some(options) = info.default_options {
        writeln!(
            out,
            "Options, with their defaults:\n\n```toml\n[{}]\n{}```\n",
            info.id,
            options()
        )
        .unwrap();
    }
    for line in info.doc().lines() {
        if line.starts_with('#') {
            out.push('#');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn stage_name(info: &RuleInfo) -> String {
    format!("{:?}", info.stage).to_lowercase()
}
