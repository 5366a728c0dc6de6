//! Cleaning is idempotent: cleaning the output of cleaning changes nothing.
//!
//! The inputs are text-like: words separated by spaces, punctuation and
//! line breaks, with the damage fettle repairs (mojibake, U+FFFD inside and
//! around words, C1 controls, bytes that are not UTF-8) and curly and
//! straight quotes before, inside or after them. Each word holds at most one
//! kind of damage; a text mixes all kinds. (Several kinds glued into one
//! word, such as `Ã©` + U+FFFD + U+FFFD, can still read differently once
//! the first cleaning repaired part of it.)

use fettle::pipeline::{process, Processed};
use fettle::Config;
use proptest::prelude::*;

/// The output of cleaning `bytes`, and whether its encoding was ambiguous
/// (None for binary files).
fn clean(bytes: &[u8]) -> Option<(String, bool)> {
    match process(bytes, &Config::default(), None) {
        Processed::Text(t) => Some((t.output, t.decoded.ambiguous)),
        Processed::Binary(_) => None,
    }
}

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let Some((once, ambiguous)) = clean(bytes) else {
        return Ok(());
    };
    // A file whose encoding detection could not settle (an `ambiguous-encoding`
    // finding: a few dozen bytes of junk) may have been read in the wrong
    // code page; the user is asked to name the encoding.
    if ambiguous {
        return Ok(());
    }
    let (twice, _) = clean(once.as_bytes()).expect("cleaned text is text");
    prop_assert_eq!(
        &twice,
        &once,
        "cleaning changed cleaned text; input {:?}",
        String::from_utf8_lossy(bytes)
    );
    Ok(())
}

const WORDS: &[&[u8]] = &[
    b"the", b"word", b"Buffy", b"said", b"don", b"t", b"s", b"ll", b"Mr.", b"Cause", b"em",
    b"hello", b"It", b"I", b"caf", b"na", b"ve", b"27", b"1999",
];

/// What may stand between two tokens.
const SEPARATORS: &[&[u8]] = &[
    b" ", b" ", b" ", b"\n", b"\n\n", b"\r\n", b"\t", b". ", b", ", b"! ", b"? ", b" - ", b" -- ",
    b"... ", b"' ", b" '", b"\" ", b" \"", b" (", b") ", b": ", b"; ", b" \n",
];

/// Damage and typography, each kind of which a token holds at most one.
const DAMAGE: &[&[&[u8]]] = &[
    // U+FFFD
    &[b"\xef\xbf\xbd", b"\xef\xbf\xbd\xef\xbf\xbd"],
    // curly quotes, apostrophes, dashes, ellipses, letters, no-break space
    &[
        "\u{201c}".as_bytes(),
        "\u{201d}".as_bytes(),
        "\u{2018}".as_bytes(),
        "\u{2019}".as_bytes(),
        "\u{2014}".as_bytes(),
        "\u{2026}".as_bytes(),
        "\u{e9}".as_bytes(),
        "\u{c3}".as_bytes(),
        "\u{a0}".as_bytes(),
        b"'",
        b"\"",
    ],
    // mojibake: ’ “ ” é, an ambiguous lossy sequence (Ã + U+FFFD), `â€`
    // with a lost byte, two layers
    &[
        "\u{e2}\u{20ac}\u{2122}".as_bytes(),
        "\u{e2}\u{20ac}\u{153}".as_bytes(),
        "\u{e2}\u{20ac}\u{9d}".as_bytes(),
        "\u{e2}\u{20ac}".as_bytes(),
        "\u{c3}\u{a9}".as_bytes(),
        "\u{c3}\u{fffd}".as_bytes(),
        "\u{c3}\u{a2}\u{e2}\u{201a}\u{ac}\u{e2}\u{201e}\u{a2}".as_bytes(),
    ],
    // C1 controls (Windows-1252 read as Latin-1; the undefined ones, such as
    // U+0081, occur inside Latin-1 mojibake, `Ã\u{81}`, not alone)
    &[
        "\u{92}".as_bytes(),
        "\u{93}".as_bytes(),
        "\u{85}".as_bytes(),
        "\u{c3}\u{81}".as_bytes(),
    ],
    // bytes that are not UTF-8 (Windows-1252 quotes, é, undefined 0x9D)
    &[b"\x92", b"\x93", b"\x94", b"\xe9", b"\x9d"],
];

/// A token: a word, with one piece of one kind of damage before, inside or
/// after it, or the damage alone.
fn token() -> impl Strategy<Value = Vec<u8>> {
    let damage = (0..DAMAGE.len()).prop_flat_map(|k| {
        (
            proptest::sample::select(DAMAGE[k].to_vec()),
            proptest::sample::select(DAMAGE[k].to_vec()),
        )
    });
    (
        proptest::sample::select(WORDS.to_vec()),
        proptest::sample::select(WORDS.to_vec()),
        damage,
        0..6u8,
    )
        .prop_map(|(w, w2, (d, d2), shape)| {
            let parts: Vec<&[u8]> = match shape {
                0 => vec![w],
                1 => vec![d, w],
                2 => vec![w, d, w2],
                3 => vec![w, d],
                4 => vec![d, w, d2],
                _ => vec![d],
            };
            parts.concat()
        })
}

fn text() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        (token(), proptest::sample::select(SEPARATORS.to_vec())),
        0..40,
    )
    .prop_map(|v| {
        v.into_iter()
            .flat_map(|(t, s)| [t, s.to_vec()])
            .collect::<Vec<_>>()
            .concat()
    })
}

proptest! {
    // Fresh random cases every run (proptest's default seed source); a
    // failure is saved to `proptest-regressions/idempotence.txt` and replayed
    // first from then on, and known ones are kept as named cases below.
    #![proptest_config(ProptestConfig {
        cases: 2048,
        ..ProptestConfig::default()
    })]

    #[test]
    fn cleaning_cleaned_text_changes_nothing(bytes in text()) {
        check(&bytes)?;
    }
}

/// Cases the property found, kept as examples.
#[test]
fn examples() {
    for input in [
        // An ambiguous lossy mojibake sequence becomes U+FFFD, which
        // `replacement-restore` judges like any other.
        "Mr.\u{c3}\u{fffd}the\n",
        // A run of U+FFFD: what one round leaves, the next would restore.
        "the\u{fffd}\u{fffd}\u{fffd}the\n",
        // Blanks before the line end, which normalizing removes.
        "the\u{fffd} ",
        "\u{c3}the\u{fffd}\u{a0} ",
        // A C1 control inside a word with mojibake.
        "\u{e2}\u{20ac}\u{2122}\u{92}\u{e2}\u{20ac}the \u{e2}\u{20ac}\u{2122}",
        // Restored characters that would make mojibake with a lead before.
        "the \u{e9}\u{fffd}\u{fffd}27the",
        "It \u{e2}\u{20ac}\u{c3}\u{fffd}\u{e9}",
        // A U+FFFD is no evidence of a correct decoding.
        "Mr.\u{fffd}the \u{e2}\u{20ac}\u{2122}the ",
        // `Ã` and a space before a no-break space.
        "\u{c3} \u{a0}the\u{201c} the \u{e2}\u{20ac}\u{2122}the ",
        // U+0085 as the line ending.
        "the\u{fffd}\t\u{85}the\u{92}\tthe\tthe\u{85} - ",
    ] {
        check(input.as_bytes()).unwrap();
    }
    check(b"the\xef\xbf\xbd\x92 said \x93hello\x94\n").unwrap();
}

/// The combination the fixed seed used to hide: mojibake read as one word
/// across a space (`Ã©theâ€ “theÃ`) next to a `Ã ` that `lossy_space`
/// repairs.
#[test]
fn mojibake_across_a_space_next_to_a_lossy_space() {
    for input in [
        "\u{c3}\u{a9}the\u{e2}\u{20ac} \u{201c}the\u{c3} ",
        "\u{c3}\u{a9}the\u{e2}\u{20ac} \u{201c}the\u{c3} the",
        "the \u{c3} \u{c3}\u{a9}the\u{e2}\u{20ac} \u{201c}the\u{c3} the",
    ] {
        check(input.as_bytes()).unwrap();
    }
}
