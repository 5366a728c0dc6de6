"""FettleFormatter in a real datatrove pipeline: JsonlReader → FettleFormatter → JsonlWriter."""

import gzip
import json

import pytest

pytest.importorskip("datatrove", reason="pip package datatrove is not installed")

from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from fettle_text import fix_and_explain, fix_text  # noqa: E402
from fettle_text.datatrove import FettleFormatter  # noqa: E402

DOCUMENTS = [
    {"id": "mojibake", "text": "Thereâ€™s a cafÃ© on the corner."},
    {"id": "clean", "text": "Nothing to do here."},
    {"id": "windows", "text": "line one\r\nline two\u200b\r\n"},
    {"id": "lost", "text": "It\ufffds a lost apostrophe."},
]


def run_pipeline(tmp_path, **policy):
    source, output = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    with open(source / "docs.jsonl", "w", encoding="utf-8") as f:
        for doc in DOCUMENTS:
            f.write(json.dumps(doc) + "\n")
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(source)),
            FettleFormatter(**policy),
            JsonlWriter(str(output)),
        ],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    )
    stats = executor.run()
    written = []
    for path in sorted(output.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            written.extend(json.loads(line) for line in f)
    return {doc["id"]: doc for doc in written}, stats


def step_stats(stats):
    """The FettleFormatter's stats as {name: total}."""
    (step,) = [s for s in stats.stats if "fettle" in s.name]
    return {name: value.total for name, value in step.stats.items()}


def test_pipeline_cleans_documents_and_counts_rules(tmp_path):
    docs, stats = run_pipeline(tmp_path)
    assert set(docs) == {d["id"] for d in DOCUMENTS}
    for original in DOCUMENTS:
        assert docs[original["id"]]["text"] == fix_text(original["text"])
    assert docs["mojibake"]["text"] == "There’s a café on the corner."
    assert docs["mojibake"]["metadata"]["fettle_edits"] == {"mojibake": 2}
    assert docs["clean"]["metadata"]["fettle_edits"] == {}
    windows = docs["windows"]["metadata"]["fettle_edits"]
    assert windows["line-endings"] == 2 and windows["invisible-chars"] == 1
    # The lost character is restored only when the model is sure enough
    # (`likely`); either way the metadata counts what was applied.
    lost_out, lost_edits = fix_and_explain("It\ufffds a lost apostrophe.")
    assert docs["lost"]["text"] == lost_out
    lost_counts = {}
    for e in lost_edits:
        lost_counts[e.rule] = lost_counts.get(e.rule, 0) + 1
    assert docs["lost"]["metadata"]["fettle_edits"] == lost_counts

    counts = step_stats(stats)
    assert counts["total"] == len(DOCUMENTS)
    # mojibake and windows change; lost changes only when restored.
    assert counts["fettle_changed"] == 2 + bool(lost_counts)
    assert counts["fettle_mojibake"] == 2
    assert counts["fettle_line-endings"] == 2


def test_pipeline_passes_the_policy(tmp_path):
    docs, _ = run_pipeline(tmp_path, quote_style="straight")
    assert docs["mojibake"]["text"] == "There's a café on the corner."


def test_bad_policy_fails_when_the_step_is_built():
    with pytest.raises(ValueError, match="quote_style"):
        FettleFormatter(quote_style="fancy")
