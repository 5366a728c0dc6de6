//! The first pass of `--corpus-prior`: detect every readable file and find
//! the collection's dominant legacy encoding.

use super::walk::{Input, Inputs};
use super::Options;
use crate::decode::{self, prior::CorpusPrior};
use rayon::prelude::*;
use std::fs;

/// The collection's dominant legacy encoding, if any. Says what it found on
/// stderr. (Standard input is not read here: it can be read only once.)
pub fn corpus_prior(inputs: &Inputs, options: &Options) -> Option<CorpusPrior> {
    let limit = options.config.decode.max_file_size;
    let detections: Vec<_> = inputs
        .iter()
        .par_bridge()
        .filter_map(|input| match input {
            Input::File(path, _) if fs::metadata(&path).is_ok_and(|m| m.len() <= limit) => {
                fs::read(&path).ok().map(|bytes| decode::sniff(&bytes))
            }
            _ => None,
        })
        .collect();
    let prior = CorpusPrior::from_detections(&detections);
    match &prior {
        Some(p) => eprintln!(
            "fettle: corpus prior {} ({} confidently detected files agree, {} differ); it settles weak guesses",
            p.encoding.name(),
            p.agreeing,
            p.others
        ),
        None => eprintln!("fettle: corpus prior: no dominant legacy encoding; none applied"),
    }
    prior
}
