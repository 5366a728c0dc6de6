//! The committed language tables are the ones their checksum file names
//! (`models/lang/ngrams.bin.sha256`, written with `sha256sum` when
//! `examples/train_lang.rs` regenerates them), and they parse.

use sha2::{Digest, Sha256};
use std::path::Path;

#[test]
fn tables_match_their_checksum() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tables = std::fs::read(root.join("models/lang/ngrams.bin")).expect("committed tables");
    let listed = std::fs::read_to_string(root.join("models/lang/ngrams.bin.sha256"))
        .expect("committed checksum");
    let expected = listed.split_whitespace().next().expect("a checksum");
    let actual: String = Sha256::digest(&tables)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        actual, expected,
        "models/lang/ngrams.bin changed without its checksum"
    );
    assert_eq!(
        tables,
        fettle::decode::language::TABLES,
        "the binary embeds these tables"
    );
    let models = fettle::decode::language::Models::parse(&tables).expect("tables parse");
    assert_eq!(models.languages.len(), 56);
}
