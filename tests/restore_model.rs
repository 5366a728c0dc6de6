//! The committed restoration model is the one its provenance describes, and
//! it loads.

use sha2::{Digest, Sha256};

#[test]
fn model_matches_its_recorded_checksum() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/restore");
    let bytes = std::fs::read(root.join("model.bin")).expect("models/restore/model.bin");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let recorded = readme
        .lines()
        .find_map(|l| l.strip_prefix("sha256: "))
        .expect("a sha256 line in models/restore/README.md");
    let actual: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(actual, recorded.trim());
}

#[test]
fn model_loads_with_calibrated_thresholds() {
    let model = fettle::repair::restore::model().expect("the committed model parses");
    let t = model.thresholds;
    assert!(t.likely > t.restore && t.likely < 1.0, "{t:?}");
    assert!(model.lexicon_len() > 10_000);
}
