"""fettle for Python: clean text for NLP corpora.

Repairs mojibake and lost characters (U+FFFD), normalizes invisible
characters, line endings and spacing, and says what it changed. The work is
done by fettle's Rust pipeline with its record profile: the rules that judge
a whole file (final newline, short file, ...) are off, since each text is
one field of a record.

    >>> import fettle_text
    >>> fettle_text.fix_text("Thereâ€™s a cafÃ© on the corner")
    'There’s a café on the corner'

Policy keywords (``quote_style="straight"``, ``disable=["nfc"]``, ...) are
described in ``fix_text``; the datatrove step is
``fettle_text.datatrove.FettleFormatter``.
"""

from ._fettle import (
    Detection,
    Edit,
    Finding,
    check,
    detect,
    fix_and_explain,
    fix_batch,
    fix_text,
    rule_ids,
)

__all__ = [
    "Detection",
    "Edit",
    "Finding",
    "check",
    "detect",
    "fix_and_explain",
    "fix_batch",
    "fix_text",
    "rule_ids",
]
