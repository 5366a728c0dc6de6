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
