//! Other languages are not English: correctly quoted German, French and
//! Swedish pass `check`, and `quote-style = "curly"` gives them their own
//! quotation marks, never English ones.

use std::process::Command;

fn run(dir: &std::path::Path, args: &[&str]) -> i32 {
    Command::new(env!("CARGO_BIN_EXE_fettle"))
        .current_dir(dir)
        .args(args)
        .status()
        .unwrap()
        .code()
        .unwrap()
}

const CORRECT: &[(&str, &str)] = &[
    (
        "german",
        "„Kommen Sie herein“, sagte die Frau, „und schließen Sie die Tür.“\n\n\
         Er zögerte. „Mein Vater sagte immer: ‚Geh nie in ein fremdes Haus.‘ Und er hatte recht.\n\n\
         „Aber heute ist es anders.“\n",
    ),
    (
        "french",
        "«\u{a0}Entrez donc\u{a0}», dit la femme, «\u{a0}et fermez la porte.\u{a0}»\n\n\
         Il hésita. «Mon père disait toujours : “N’entre jamais.” Il avait raison.»\n\n\
         « Mais aujourd’hui, c’est différent. »\n",
    ),
    (
        "swedish",
        "”Kom in”, sade kvinnan, ”och stäng dörren.”\n\n\
         Han tvekade. ”Min far sade alltid: ’Gå aldrig in.’ Och han hade rätt.\n\n\
         ”Men i dag är det annorlunda.”\n",
    ),
];

#[test]
fn correctly_quoted_text_passes_check() {
    for (lang, text) in CORRECT {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f.txt"), text).unwrap();
        assert_eq!(run(dir.path(), &["check", "f.txt"]), 0, "{lang}");
    }
}

#[test]
fn curly_quotes_follow_the_text_s_convention() {
    let cases = [
        (
            "„Ja“, sagte er.\n\n\"Nein\", sagte sie. 'Vielleicht.'\n",
            "„Ja“, sagte er.\n\n„Nein“, sagte sie. ‚Vielleicht.‘\n",
        ),
        (
            "« Oui », dit-il.\n\n\" Non \", dit-elle. \"Peut-être.\"\n",
            "« Oui », dit-il.\n\n« Non », dit-elle. «Peut-être.»\n",
        ),
        (
            "”Ja”, sade han.\n\n\"Nej\", sade hon.\n",
            "”Ja”, sade han.\n\n”Nej”, sade hon.\n",
        ),
        ("\"Yes,\" he said.\n", "“Yes,” he said.\n"),
    ];
    for (input, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f.txt"), input).unwrap();
        std::fs::write(
            dir.path().join("fettle.toml"),
            "[quote-style]\nstyle = \"curly\"\n",
        )
        .unwrap();
        assert_eq!(run(dir.path(), &["fix", "f.txt"]), 0);
        let fixed = std::fs::read_to_string(dir.path().join("f.txt")).unwrap();
        assert_eq!(fixed, expected);
    }
}
