//! The registry of every rule, in pipeline order.

use crate::rule::Rule;

/// Every rule, repair then normalize then validate.
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

pub fn ids() -> Vec<&'static str> {
    all().map(|r| r.info().id).collect()
}
