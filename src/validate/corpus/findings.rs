//! The corpus rules' findings on their way to the printer, in memory that
//! does not grow with their number.
//!
//! A rule hands each finding to a [`FindingCollector`] as it finds it. The collector asks the
//! policy at once (a dropped finding is never stored; a kept one gets its
//! severity), counts the survivors per rule and severity, and pushes them to
//! an external sort ([`Sorter`]) keyed by (path, push number). The push
//! number grows across the rules, run in [`super::RULES`] order, so the
//! sorted stream lists a path's findings in rule order, then in the order
//! the rule emitted them: the order of a stable sort by path.
//!
//! [`FindingCollector::finish`] gives [`CorpusFindings`]: the counts, known before the
//! first finding is printed (the human summary line comes first), and the
//! findings as a stream read back from the sort.

use super::sort::{Record, Sorted, Sorter};
use super::CorpusFinding;
use crate::finding::Severity;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Read, Write};

/// How many corpus findings there are, per rule and per severity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorpusCounts {
    pub total: usize,
    pub by_rule: BTreeMap<&'static str, usize>,
    pub by_severity: BTreeMap<Severity, usize>,
}

impl CorpusCounts {
    fn add(&mut self, f: &CorpusFinding) {
        self.total += 1;
        *self.by_rule.entry(f.rule).or_insert(0) += 1;
        *self.by_severity.entry(f.severity).or_insert(0) += 1;
    }

    fn of(findings: &[CorpusFinding]) -> Self {
        let mut counts = CorpusCounts::default();
        for f in findings {
            counts.add(f);
        }
        counts
    }
}

/// The corpus findings of a run, sorted by path (for one path, in rule
/// order, then as the rule emitted them): their [`counts`](Self::counts),
/// then the findings themselves as an iterator, which reads them back from
/// disk when there were many. A printer that needs them all at once calls
/// [`into_vec`](Self::into_vec).
pub struct CorpusFindings {
    counts: CorpusCounts,
    findings: Box<dyn Iterator<Item = io::Result<CorpusFinding>>>,
}

impl CorpusFindings {
    /// Findings already in memory, in the order given.
    pub fn from_vec(findings: Vec<CorpusFinding>) -> Self {
        CorpusFindings {
            counts: CorpusCounts::of(&findings),
            findings: Box::new(findings.into_iter().map(Ok)),
        }
    }

    /// Counts without the findings: for a printer that shows only counts.
    pub fn counts_only(counts: CorpusCounts) -> Self {
        CorpusFindings {
            counts,
            findings: Box::new(std::iter::empty()),
        }
    }

    pub fn counts(&self) -> &CorpusCounts {
        &self.counts
    }

    /// Every finding, in memory (costs memory in their number).
    pub fn into_vec(self) -> io::Result<Vec<CorpusFinding>> {
        self.findings.collect()
    }
}

impl Iterator for CorpusFindings {
    type Item = io::Result<CorpusFinding>;
    fn next(&mut self) -> Option<Self::Item> {
        self.findings.next()
    }
}

impl fmt::Debug for CorpusFindings {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("CorpusFindings")
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}

/// Where the corpus rules put their findings; see the module documentation.
pub struct FindingCollector<'a> {
    /// The policy: `false` drops the finding; it may change the severity.
    judge: &'a mut dyn FnMut(&mut CorpusFinding) -> bool,
    sorter: Sorter<Keyed>,
    pushed: u64,
    counts: CorpusCounts,
}

impl<'a> FindingCollector<'a> {
    /// A collector keeping at most about `budget` bytes of findings in memory.
    pub fn new(budget: usize, judge: &'a mut dyn FnMut(&mut CorpusFinding) -> bool) -> Self {
        FindingCollector {
            judge,
            sorter: Sorter::new(budget),
            pushed: 0,
            counts: CorpusCounts::default(),
        }
    }

    /// Judge one finding and keep it if the policy does.
    pub fn push(&mut self, mut finding: CorpusFinding) -> io::Result<()> {
        if !(self.judge)(&mut finding) {
            return Ok(());
        }
        finding.ignore_file = Default::default();
        self.counts.add(&finding);
        self.sorter.push(Keyed {
            pushed: self.pushed,
            finding,
        })?;
        self.pushed += 1;
        Ok(())
    }

    /// The kept findings, sorted.
    pub fn finish(self) -> io::Result<CorpusFindings> {
        let sorted: Sorted<Keyed> = self.sorter.finish()?;
        Ok(CorpusFindings {
            counts: self.counts,
            findings: Box::new(sorted.map(|k| k.map(|k| k.finding))),
        })
    }
}

/// A finding in the sort: ordered by (path, push number). Its
/// `ignore_file` markers are gone (the policy has used them).
struct Keyed {
    pushed: u64,
    finding: CorpusFinding,
}

impl Keyed {
    fn key(&self) -> (&str, u64) {
        (&self.finding.path, self.pushed)
    }
}

impl PartialEq for Keyed {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Keyed {}

impl PartialOrd for Keyed {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Keyed {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

const SEVERITIES: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Error];

// Encoding: path, push number, rule (index in `RULES`), severity (index in
// `SEVERITIES`), message, number of related paths, related paths.
impl Record for Keyed {
    fn write(&self, w: &mut impl Write) -> io::Result<()> {
        let f = &self.finding;
        let rule = super::RULES
            .iter()
            .position(|r| r.info().id == f.rule)
            .ok_or_else(|| bad("a corpus finding of an unknown rule"))?;
        let severity = SEVERITIES
            .iter()
            .position(|s| *s == f.severity)
            .unwrap_or(0);
        f.path.write(w)?;
        self.pushed.write(w)?;
        (rule as u8).write(w)?;
        (severity as u8).write(w)?;
        f.message.write(w)?;
        (f.related.len() as u32).write(w)?;
        for r in &f.related {
            r.write(w)?;
        }
        Ok(())
    }

    fn read(r: &mut impl Read) -> io::Result<Self> {
        let path = String::read(r)?;
        let pushed = u64::read(r)?;
        let rule = super::RULES
            .get(usize::from(u8::read(r)?))
            .ok_or_else(|| bad("a corpus rule index out of range"))?
            .info()
            .id;
        let severity = *SEVERITIES
            .get(usize::from(u8::read(r)?))
            .ok_or_else(|| bad("a severity index out of range"))?;
        let message = String::read(r)?;
        let related = (0..u32::read(r)?)
            .map(|_| String::read(r))
            .collect::<io::Result<_>>()?;
        Ok(Keyed {
            pushed,
            finding: CorpusFinding {
                path,
                rule,
                severity,
                message,
                related,
                ignore_file: Default::default(),
            },
        })
    }

    fn size(&self) -> usize {
        let f = &self.finding;
        size_of::<Self>()
            + f.path.capacity()
            + f.message.capacity()
            + f.related.capacity() * size_of::<String>()
            + f.related.iter().map(String::capacity).sum::<usize>()
    }
}
