"""`fettle records` run by a real local Spark over JSONL shards with RDD.pipe.

Spark (pip package `pyspark`, Java 17) starts in local mode with two worker
threads, reads the shards (one of them gzipped, which Spark decompresses) and
pipes every partition through the fettle binary. The test checks that no
record is lost or added, that each partition's records come back in the
order they went in, that the other fields come back byte for byte, and that
the edits say exactly what changed, in code points of both texts.

Run: `pytest tests/spark` after `cargo build` (the binary is taken from
$FETTLE_BIN, else the newer of target/release/fettle and target/debug/fettle).
"""

import gzip
import json
import os
import sys
from pathlib import Path

import pytest

# Skipped where pyspark is not installed, unless CI asks for it.
if not os.environ.get("FETTLE_REQUIRE_SPARK"):
    pytest.importorskip("pyspark")
from pyspark.sql import SparkSession  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHARDS = 4
PER_SHARD = 300


def fettle_binary() -> str:
    """$FETTLE_BIN, else the newer of target/release/fettle and target/debug/fettle."""
    if os.environ.get("FETTLE_BIN"):
        return os.environ["FETTLE_BIN"]
    built = [ROOT / "target" / profile / "fettle" for profile in ("release", "debug")]
    built = [path for path in built if os.access(path, os.X_OK)]
    if not built:
        pytest.fail("no fettle binary: run `cargo build` or set FETTLE_BIN")
    return str(max(built, key=lambda path: path.stat().st_mtime))


def original_text(shard: int, i: int) -> str:
    """Every third record carries mojibake and trailing white space."""
    if i % 3 == 0:
        return f"Shard {shard}, record {i}: it\u00e2\u0080\u0099s caf\u00c3\u00a9 time.  \nDone."
    return f"Shard {shard}, record {i}: all clean.\nDone."


def cleaned_text(shard: int, i: int) -> str:
    if i % 3 == 0:
        return f"Shard {shard}, record {i}: it\u2019s caf\u00e9 time.\nDone."
    return original_text(shard, i)


def line(shard: int, i: int) -> str:
    # Written by hand, not json.dumps: fields whose spelling a re-serialiser
    # would change (1.0, 1E400, a big integer, an escaped key) must come back
    # as they are.
    return (
        f'{{"shard": {shard}, "i":{i}, "score":1.0, "huge":1E400, '
        f'"big":123456789012345678901234567890, "k\\u00e9y":"v", '
        f'"text":{json.dumps(original_text(shard, i))}}}'
    )


def prefix(record_line: str) -> str:
    """The line up to the text's value: must come out unchanged."""
    return record_line[: record_line.index('"text":')]


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("fettle-records-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "512m")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    directory = tmp_path_factory.mktemp("shards")
    for shard in range(SHARDS):
        body = "".join(line(shard, i) + "\n" for i in range(PER_SHARD))
        if shard == 0:
            (directory / f"part-{shard}.jsonl.gz").write_bytes(gzip.compress(body.encode()))
        else:
            (directory / f"part-{shard}.jsonl").write_text(body, encoding="utf-8")
    return directory


def test_records_through_rdd_pipe(spark, shards):
    fettle = fettle_binary()
    sc = spark.sparkContext
    records = sc.textFile(str(shards), minPartitions=SHARDS)
    partitions_in = records.glom().collect()
    cleaned = records.pipe(f"{fettle} records --edits", checkCode=True)
    partitions_out = cleaned.glom().collect()

    # The count: one line out per line in, in every partition.
    assert sum(map(len, partitions_in)) == SHARDS * PER_SHARD
    assert len(partitions_out) == len(partitions_in)
    assert [len(p) for p in partitions_out] == [len(p) for p in partitions_in]

    changed = 0
    for part_in, part_out in zip(partitions_in, partitions_out):
        # The order within each partition is the order of the input.
        keys_in = [(json.loads(r)["shard"], json.loads(r)["i"]) for r in part_in]
        keys_out = [(json.loads(r)["shard"], json.loads(r)["i"]) for r in part_out]
        assert keys_out == keys_in
        for raw_in, raw_out in zip(part_in, part_out):
            assert prefix(raw_out) == prefix(raw_in)
            record = json.loads(raw_out)
            shard, i = record["shard"], record["i"]
            original = original_text(shard, i)
            assert record["text"] == cleaned_text(shard, i)
            report = record["fettle"]
            assert report["changed"] == (i % 3 == 0)
            if not report["changed"]:
                assert report["edits"] == []
                continue
            changed += 1
            assert report["edits_per_rule"] == {"mojibake": 2, "trailing-whitespace": 1}
            for edit in report["edits"]:
                # Offsets in code points, as Python indexes strings.
                assert original[edit["start"] : edit["end"]] == edit["before"]
                assert record["text"][edit["cleaned_start"] : edit["cleaned_end"]] == edit["after"]
    assert changed == SHARDS * ((PER_SHARD + 2) // 3)


def test_bad_lines_stay_in_place(spark):
    fettle = fettle_binary()
    lines = [line(9, 0), "not json", '{"no_text": 1}', line(9, 1)]
    out = (
        spark.sparkContext.parallelize(lines, 1)
        # fettle exits 2 when a line is not a record; the lines still come back.
        .pipe(f"{fettle} records", checkCode=False)
        .collect()
    )
    assert out[1:3] == lines[1:3]
    assert json.loads(out[0])["text"] == cleaned_text(9, 0)
    assert json.loads(out[3])["fettle"]["changed"] is False
