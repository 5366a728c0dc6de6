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
