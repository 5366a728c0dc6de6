#!/usr/bin/env python3
"""Write a JSONL shard of records for `bench/records.sh`, from plain text files.

    records_shard.py SRC_DIR OUT [--mb N] [--gzip-level L]

Each record is one text file of SRC_DIR (sorted by name, taken again and
again until OUT holds N MiB of uncompressed JSONL), with an id, a source name
and a few metadata fields. One record in three is damaged the way UTF-8 read
as Windows-1252 damages it (’ → â€™, “ → â€œ, ” → â€\x9d, é → Ã©), so that
the run repairs something. OUT ending in .gz is gzipped (level L, default 6);
.zst is not supported here (use `zstd` on the plain output).
"""

import argparse
import gzip
import json
import sys
from pathlib import Path

MOJIBAKE = {"\u2019": "\u00e2\u20ac\u2122", "\u201c": "\u00e2\u20ac\u0153",
            "\u201d": "\u00e2\u20ac\u009d", "\u00e9": "\u00c3\u00a9"}


def damaged(text: str) -> str:
    for good, bad in MOJIBAKE.items():
        text = text.replace(good, bad)
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--mb", type=float, default=64)
    parser.add_argument("--gzip-level", type=int, default=6)
    args = parser.parse_args()
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(args.src.glob("*.txt"))]
    if not texts:
        sys.exit(f"{args.src}: no .txt files")
    limit = int(args.mb * (1 << 20))
    if args.out.suffix == ".gz":
        out = gzip.open(args.out, "wb", compresslevel=args.gzip_level)
    else:
        out = open(args.out, "wb")
    written = records = 0
    with out:
        while written < limit:
            for name, text in texts:
                if records % 3 == 0:
                    text = damaged(text)
                record = {"id": records, "source": name, "lang": "en", "score": 1.0,
                          "text": text}
                line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
                out.write(line)
                written += len(line)
                records += 1
                if written >= limit:
                    break
    print(f"{args.out}: {records} records, {written / 1e6:.1f} MB of JSONL", file=sys.stderr)


if __name__ == "__main__":
    main()
