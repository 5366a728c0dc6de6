//! The record profile turns off exactly the whole-file rules.

use fettle::config::{Config, WHOLE_FILE_RULES};

#[test]
fn record_profile_turns_off_whole_file_rules_only() {
    let records = Config::default().for_records();
    for rule in fettle::rules::infos() {
        let expected = rule.default_enabled && !WHOLE_FILE_RULES.contains(&rule.id);
        assert_eq!(records.enabled(rule), expected, "{}", rule.id);
    }
}

#[test]
fn record_profile_keeps_a_users_choice() {
    let user = Config::parse("[rules]\nfinal-newline = true\n").unwrap();
    let records = user.for_records();
    let info = fettle::rules::find("final-newline").unwrap().info();
    assert!(records.enabled(info));
}

#[test]
fn the_records_table_has_the_last_word() {
    let user = Config::parse(
        "[rules]\nlong-lines = false\nfinal-newline = true\n[records.rules]\nlong-lines = true\nfinal-newline = false\n",
    )
    .unwrap();
    let records = user.clone().for_records();
    for (id, in_files, in_records) in [("long-lines", false, true), ("final-newline", true, false)]
    {
        let info = fettle::rules::find(id).unwrap().info();
        assert_eq!(user.enabled(info), in_files, "{id}");
        assert_eq!(records.enabled(info), in_records, "{id}");
    }
}

#[test]
fn the_records_table_is_checked() {
    assert!(Config::parse("[records.rules]\nno-such-rule = true\n").is_err());
    assert!(Config::parse("[records]\ntext-key = \"a\"\nreport-key = \"a\"\n").is_err());
    assert!(Config::parse("[records]\ntext-key = \"\"\n").is_err());
    let keys = Config::parse("[records]\ntext-key = \"body\"\n").unwrap();
    assert_eq!(
        (
            keys.records.text_key.as_str(),
            keys.records.report_key.as_str()
        ),
        ("body", "fettle")
    );
}
