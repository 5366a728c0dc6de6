#!/usr/bin/env python3
"""chardet and charset-normalizer on the detection grid fettle writes.

    cargo run --release --example detect_grid -- --write target/detect-grid.tsv
    pip install chardet charset-normalizer
    python3 bench/detect_grid_peers.py target/detect-grid.tsv

Each line of the grid file is: language, true encoding (WHATWG name),
snippet length, snippet bytes in hex, fettle's verdict. A verdict is right
when decoding the bytes with it gives the same text as the true encoding
("decodes the same"); fettle's verdicts are scored the same way here, so the
three columns are comparable.
"""
import sys
from collections import defaultdict

import chardet
import charset_normalizer

# WHATWG names (what fettle and the grid use) to Python codecs.
WHATWG = {
    "windows-1250": "cp1250", "windows-1251": "cp1251", "windows-1252": "cp1252",
    "windows-1253": "cp1253", "windows-1254": "cp1254", "windows-1255": "cp1255",
    "windows-1256": "cp1256", "windows-1257": "cp1257", "windows-1258": "cp1258",
    "windows-874": "cp874", "ISO-8859-2": "iso8859_2", "ISO-8859-3": "iso8859_3",
    "ISO-8859-4": "iso8859_4", "ISO-8859-5": "iso8859_5", "ISO-8859-6": "iso8859_6",
    "ISO-8859-7": "iso8859_7", "ISO-8859-8": "iso8859_8", "ISO-8859-8-I": "iso8859_8",
    "ISO-8859-10": "iso8859_10", "ISO-8859-13": "iso8859_13", "ISO-8859-14": "iso8859_14",
    "ISO-8859-15": "iso8859_15", "ISO-8859-16": "iso8859_16", "KOI8-R": "koi8_r",
    "KOI8-U": "koi8_u", "IBM866": "cp866", "macintosh": "mac_roman",
    "x-mac-cyrillic": "mac_cyrillic", "GBK": "gb18030", "gb18030": "gb18030",
    "Big5": "big5hkscs", "Shift_JIS": "cp932", "EUC-JP": "euc_jp", "EUC-KR": "cp949",
    "UTF-8": "utf-8", "UTF-16LE": "utf-16-le", "UTF-16BE": "utf-16-be",
}


def decoded(data, name):
    """The text `data` decodes to under encoding `name`, or None."""
    if not name:
        return None
    codec = WHATWG.get(name, name)
    try:
        return data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None


def normalizer(data):
    best = charset_normalizer.from_bytes(data).best()
    return best.encoding if best else None


def main():
    rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8")]
    detectors = {
        "fettle": lambda data, row: row[4],
        "chardet": lambda data, row: chardet.detect(data)["encoding"],
        "charset-normalizer": lambda data, row: normalizer(data),
    }
    by_len = {d: defaultdict(lambda: [0, 0]) for d in detectors}
    by_enc = {d: defaultdict(lambda: [0, 0]) for d in detectors}
    for row in rows:
        lang, enc, length, hexbytes = row[0], row[1], int(row[2]), row[3]
        data = bytes.fromhex(hexbytes)
        truth = decoded(data, enc)
        for name, detect in detectors.items():
            ok = truth is not None and decoded(data, detect(data, row)) == truth
            by_len[name][length][0] += 1
            by_len[name][length][1] += ok
            by_enc[name][(enc, length)][0] += 1
            by_enc[name][(enc, length)][1] += ok
    lengths = sorted({int(r[2]) for r in rows})
    print(f"{len(rows)} snippets; decodes-same accuracy by snippet length")
    print(f"{'detector':20}" + "".join(f"{n:>10}" for n in lengths))
    for name in detectors:
        cells = [by_len[name][n] for n in lengths]
        print(f"{name:20}" + "".join(f"{100 * k / max(t, 1):9.1f}%" for t, k in cells))
    print("\nby encoding at 256 bytes")
    encodings = sorted({r[1] for r in rows})
    print(f"{'encoding':16}" + "".join(f"{n:>20}" for n in detectors))
    for enc in encodings:
        line = f"{enc:16}"
        for name in detectors:
            t, k = by_enc[name][(enc, 256)]
            line += f"{100 * k / max(t, 1):19.1f}%"
        print(line)


if __name__ == "__main__":
    main()
