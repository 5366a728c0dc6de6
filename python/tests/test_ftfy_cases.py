"""ftfy's own test cases (``../shared/peers/ftfy/*.json``) through the Python API.

Compared as tests/peers_ftfy.rs does: with ``fixed-encoding`` where a case
has it, else with ``fixed`` with curly quotes straightened on both sides
(ftfy's default uncurls them; fettle keeps them). Where ftfy leaves a U+FFFD
for a lost byte and fettle restores a character instead, the case counts as
passed ("better") unless it is a negative case. Known failures of ftfy are
counted, not asserted.

Two runs: the repair stage alone (the other rules disabled through the
policy keywords), which must pass every case ftfy passes, as the Rust test
requires; and ``fix_text``'s default record profile, whose normalize rules
make choices ftfy's encoding repair does not (control characters removed,
white space at line ends trimmed): its count is reported, and legitimate
text (the negative cases) must come out unchanged.
"""

import json

import pytest

from fettle_text import fix_text, rule_ids

FILES = ["in-the-wild", "synthetic", "negative", "language-names", "known-failures"]
QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})


def verdict(ours: str, expected: str) -> str:
    if ours == expected:
        return "same"
    if len(ours) == len(expected) and all(a == b or b == "\ufffd" for a, b in zip(ours, expected)):
        return "better"
    return "differs"


def run_cases(shared_dir, **policy):
    """(passed, total, failures) over every case that is not a known
    failure; known failures are only counted in the printed summary."""
    passed = total = 0
    failures = []
    for name in FILES:
        cases = json.loads((shared_dir / "peers" / "ftfy" / f"{name}.json").read_text())
        file_passed = 0
        for case in cases:
            ours = fix_text(case["original"], **policy)
            if "fixed-encoding" in case:
                expected = case["fixed-encoding"]
                found = verdict(ours, expected)
            else:
                expected = case["fixed"]
                found = verdict(ours.translate(QUOTES), expected.translate(QUOTES))
            ok = found == "same" or (found == "better" and name != "negative")
            file_passed += ok
            if case.get("expect") == "fail":
                continue
            total += 1
            passed += ok
            if not ok:
                failures.append(f"{name}: {case['original']!r}\n  got      {ours!r}\n  expected {expected!r}")
        print(f"{name}: {len(cases)} cases, {file_passed} passed")
    return passed, total, failures


def negatives_changed(shared_dir, **policy):
    """Negative cases (legitimate text) that fettle changes where ftfy does
    not (ftfy's own output, quotes aside: one case maps a C1 control to the
    Windows-1252 character it stands for)."""
    cases = json.loads((shared_dir / "peers" / "ftfy" / "negative.json").read_text())
    return [
        c["original"]
        for c in cases
        if fix_text(c["original"], **policy).translate(QUOTES) != c["fixed"].translate(QUOTES)
    ]


def test_repair_stage_passes_every_case_ftfy_passes(shared_dir):
    others = [rule for rule in rule_ids() if rule not in rule_ids("repair")]
    # ftfy applies every repair it finds; so does fettle at `guess`.
    passed, total, failures = run_cases(
        shared_dir, disable=others, fix={"min-confidence": "guess"}
    )
    print(f"repair stage through the Python API: {passed}/{total} ftfy cases")
    assert total > 0
    assert not failures, "\n".join(failures)


def test_record_profile_on_ftfy_cases(shared_dir):
    passed, total, failures = run_cases(shared_dir)
    print(f"fix_text record profile: {passed}/{total} ftfy cases")
    for failure in failures:
        print(failure)
    assert total > 0
    assert not negatives_changed(shared_dir)
