//! The pipeline never panics, whatever the bytes, and its record stays exact.

use fettle::pipeline::{process, Processed};
use fettle::Config;
use proptest::prelude::*;

fn check(bytes: &[u8]) {
    let config = Config::default();
    if let Processed::Text(t) = process(bytes, &config, None) {
        assert_eq!(
            fettle::edit::apply_edits(&t.decoded.text, &t.edits),
            t.output
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check(&bytes);
    }

    #[test]
    fn text_like_bytes(parts in proptest::collection::vec(prop_oneof![
        Just(&b"\r\n"[..]), Just(&b"\n"[..]), Just(&b" "[..]), Just(&b"\xc2\xa0"[..]), Just(&b"\xe2\x80\x8b"[..]),
        Just(&b"\xef\xbf\xbd"[..]), Just(&b"\x92"[..]), Just(&b"e\xcc\x81"[..]), Just(&b"***"[..]),
        Just(&b"word"[..]), Just(&b"\xe2\x80\x9c"[..]), Just(&b"\xc3\xa2\xe2\x82\xac\xe2\x84\xa2"[..]), Just(&b"'"[..]),
    ], 0..80)) {
        let bytes: Vec<u8> = parts.concat();
        check(&bytes);
    }
}
