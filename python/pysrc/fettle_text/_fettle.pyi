"""Type stubs of the Rust extension ``fettle_text._fettle``."""

from collections.abc import Iterable
from typing import Any, Literal, final

Confidence = Literal["certain", "likely", "guess"]
Severity = Literal["error", "warning", "info"]

@final
class Edit:
    """One change: ``text[start:end]`` was ``before`` and became ``after``.

    ``start`` and ``end`` are Python string indices (code points) of the
    text passed in, not UTF-8 byte offsets.
    """

    rule: str
    """The rule that made the change (the last, when several were merged)."""
    merged: list[str]
    """Earlier rules whose changes at the same place were merged into this one."""
    start: int
    end: int
    before: str
    after: str
    confidence: Confidence
    """How sure the rule is that the change restores what the author wrote."""

@final
class Finding:
    """A problem in ``text[start:end]`` that fettle reports but does not fix."""

    rule: str
    severity: Severity
    start: int
    end: int
    message: str

@final
class Detection:
    """What encoding detection makes of some bytes."""

    encoding: str | None
    """WHATWG / encoding_rs name (e.g. "UTF-8", "windows-1252"); None for binary data."""
    confidence: float
    """0..1: how sure detection is (1.0 for a BOM and for valid UTF-8)."""
    method: str | None
    """How it was decided: "bom", "utf-8", "utf-8-mixed", "nul-pattern", "escape", "guess"."""
    runner_up: tuple[str, float] | None
    """The best alternative that decodes to different text, and its score."""
    ambiguous: bool
    """The top candidates decode to different text and the evidence is thin."""
    bom: bool
    """The data starts with a byte-order mark."""
    language: str | None
    """The language the detector read the text in, when it had to guess the encoding."""
    binary: str | None
    """Why the data is taken for binary rather than text; None for text."""

def fix_text(text: str, /, **policy: Any) -> str:
    """Clean ``text`` with fettle's record profile and return the result.

    Repairs mojibake, C1 controls and U+FFFD where context tells the lost
    character, then normalizes (line endings to LF, invisible characters,
    no-break-space runs, NFC, trailing white space, blank-line runs). A text
    without a final newline gets none. Lone surrogates count as U+FFFD.

    Policy keywords (names take ``_`` for the config file's ``-``):

    - ``quote_style``: "keep" (default), "straight" or "curly";
    - ``disable`` / ``enable``: lists of rule ids (see ``rule_ids()``);
    - ``rules``: ``{rule_id: bool}``;
    - ``blank_lines``: longest run of blank lines kept (default 1);
    - ``scene_break_marker``: the line scene breaks become (default "* * *");
    - any other ``fettle.toml`` key: a dict for a table
      (``long_lines={"max": 1000}``), a value for a top-level key.

    Raises ValueError naming the keyword for an unknown name or a bad value,
    TypeError when ``text`` is not a str.
    """

def fix_and_explain(text: str, /, **policy: Any) -> tuple[str, list[Edit]]:
    """``fix_text``, and every change made, in order, with string indices of ``text``."""

def check(text: str, /, **policy: Any) -> list[Finding]:
    """What fettle reports about ``text`` (problems it does not fix), with
    string indices of ``text``."""

def detect(data: bytes | bytearray, /) -> Detection:
    """Detect the encoding of ``data`` (BOM, UTF-16/32 patterns, UTF-8, legacy code pages)."""

def fix_batch(texts: Iterable[str], /, **policy: Any) -> list[str]:
    """``[fix_text(t, **policy) for t in texts]``, on every core and without the GIL."""

def rule_ids(stage: Literal["repair", "normalize", "validate", "corpus"] | None = None) -> list[str]:
    """The ids of the rules that ``rules``, ``enable`` and ``disable`` may
    name, in pipeline order; with ``stage``, that stage's only."""
