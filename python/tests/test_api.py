"""The Python API of fettle_text: results, offsets, errors."""

from pathlib import Path

import pytest

import fettle_text
from fettle_text import check, detect, fix_and_explain, fix_batch, fix_text

MOJIBAKE = "Thereâ€™s a cafÃ© on the corner"


def test_the_installed_wheel_is_tested():
    """The module comes from an installed package, not this source tree."""
    source = Path(__file__).resolve().parents[1] / "pysrc"
    module = Path(fettle_text.__file__).resolve()
    assert source not in module.parents, module
    assert Path(fettle_text._fettle.__file__).suffix in (".so", ".pyd")


def test_fix_text_repairs_mojibake():
    assert fix_text(MOJIBAKE) == "There’s a café on the corner"


def test_no_final_newline_is_added():
    assert fix_text("no newline at the end") == "no newline at the end"
    assert fix_text("") == ""


def test_clean_text_is_unchanged():
    text = "A clean sentence, with “curly” quotes and an em dash — here.\nSecond line."
    assert fix_text(text) == text


def test_normalizes_line_endings_and_invisibles():
    assert fix_text("one\r\ntwo\u200b three") == "one\ntwo three"


def test_quote_style_policy():
    text = "She said “hello” and it’s fine."
    assert fix_text(text, quote_style="straight") == "She said \"hello\" and it's fine."
    assert fix_text(text, quote_style="keep") == text


def test_rules_can_be_switched_off():
    assert fix_text(MOJIBAKE, disable=["mojibake"]) == MOJIBAKE
    assert fix_text(MOJIBAKE, rules={"mojibake": False}) == MOJIBAKE
    assert fix_text("a\u200bb", disable=["invisible-chars"]) == "a\u200bb"


def test_record_profile_can_be_overridden():
    assert fix_text("text", enable=["final-newline"]) == "text\n"


def test_bad_policy_name_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="quote_stile"):
        fix_text("x", quote_stile="straight")


def test_bad_policy_value_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="quote_style") as raised:
        fix_text("x", quote_style="fancy")
    assert "fancy" in str(raised.value)
    with pytest.raises(ValueError, match="no-such-rule"):
        fix_text("x", disable=["no-such-rule"])
    with pytest.raises(ValueError, match="blank_lines"):
        fix_text("x", blank_lines=-1)


@pytest.mark.parametrize("value", [None, 3, b"bytes", ["list"]])
def test_non_str_raises_type_error(value):
    with pytest.raises(TypeError):
        fix_text(value)
    with pytest.raises(TypeError):
        fix_and_explain(value)
    with pytest.raises(TypeError):
        check(value)


def test_fix_batch_rejects_non_str_items():
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        fix_batch(["ok", 3])
    with pytest.raises(TypeError):
        fix_batch("a str is not a batch")


def test_explain_offsets_are_string_indices():
    # Characters of 2, 3 and 4 bytes before and inside the edits, so that
    # byte offsets would differ from string indices.
    text = "😀 naïve\u200b —\r\n\r\nThereâ€™s a cafÃ©\r\n"
    fixed, edits = fix_and_explain(text)
    assert fixed == fix_text(text)
    assert edits, "the text has damage to repair"
    rebuilt, last = [], 0
    for edit in edits:
        assert text[edit.start : edit.end] == edit.before, edit
        assert edit.confidence in ("certain", "likely", "guess")
        rebuilt.append(text[last : edit.start])
        rebuilt.append(edit.after)
        last = edit.end
    rebuilt.append(text[last:])
    assert "".join(rebuilt) == fixed
    rules = {edit.rule for edit in edits}
    assert "mojibake" in rules and "invisible-chars" in rules


def test_edit_repr_and_equality():
    _, edits = fix_and_explain(MOJIBAKE)
    again = fix_and_explain(MOJIBAKE)[1]
    assert edits == again
    assert repr(edits[0]).startswith("Edit(rule='mojibake'")


def test_check_reports_findings_at_string_indices():
    text = "é — a lost character: caf\ufffd and more"
    findings = check(text)
    # A U+FFFD whose restoration is proposed but not applied is reported by
    # replacement-restore, with the character it probably was.
    lost = [f for f in findings if f.rule in ("replacement-char", "replacement-restore")]
    assert len(lost) == 1
    assert text[lost[0].start : lost[0].end] == "\ufffd"
    assert lost[0].severity in ("error", "warning", "info")
    assert lost[0].message


def test_lone_surrogates_count_as_lost_characters():
    text = "a\ud800b"
    assert fix_text(text, disable=["replacement-restore"]) == "a\ufffdb"
    (finding,) = [
        f for f in check(text) if f.rule in ("replacement-char", "replacement-restore")
    ]
    assert (finding.start, finding.end) == (1, 2)


def test_detect_legacy_utf8_and_bom():
    cp1252 = "Les élèves étudièrent à l’école « très » tôt, naïvement.".encode("cp1252") * 4
    found = detect(cp1252)
    assert found.encoding == "windows-1252"
    assert 0.0 <= found.confidence <= 1.0
    assert found.binary is None
    assert found.runner_up is None or isinstance(found.runner_up[0], str)
    utf8 = detect("plain café".encode())
    assert (utf8.encoding, utf8.confidence, utf8.bom) == ("UTF-8", 1.0, False)
    utf16 = detect("\ufeffhello".encode("utf-16-le"))
    assert (utf16.encoding, utf16.bom, utf16.method) == ("UTF-16LE", True, "bom")
    assert detect(bytearray(b"ascii")).encoding == "UTF-8"
    with pytest.raises(TypeError):
        detect("a str")


def test_detect_binary():
    found = detect(bytes(range(256)) * 8)
    assert found.encoding is None
    assert found.binary


def test_fix_batch_is_fix_text_of_each():
    texts = [MOJIBAKE, "clean", "", "a\r\nb\u200b", "naïve cafÃ©"] * 50
    assert fix_batch(texts) == [fix_text(t) for t in texts]
    assert fix_batch(iter(texts), quote_style="straight") == [
        fix_text(t, quote_style="straight") for t in texts
    ]
    assert fix_batch([]) == []


def test_fix_batch_keeps_order_across_chunks():
    # Enough text for many chunks of the thread pool, of uneven lengths,
    # so that chunks finish out of order and must be put back.
    texts = [f"{i}: " + MOJIBAKE * (i % 37) + "\u200b" * (i % 3) for i in range(3000)]
    assert fix_batch(texts) == [fix_text(t) for t in texts]


def test_fix_batch_gives_back_unchanged_str_only_when_it_is_one():
    class Text(str):
        pass

    clean, surrogate, subclass = "Already clean.", "lost \ud800 here", Text("Already clean.")
    out = fix_batch([clean, surrogate, subclass])
    assert out == [fix_text(clean), fix_text(surrogate), fix_text(subclass)]
    assert out[0] is clean  # unchanged: the same object, no copy
    assert "\ud800" not in out[1]  # the lone surrogate was read as U+FFFD
    assert type(out[2]) is str


def test_rule_ids():
    ids = fettle_text.rule_ids()
    assert "mojibake" in ids and "final-newline" in ids
