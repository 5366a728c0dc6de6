"""fettle_text against ftfy in one process; fix_batch; per-call overhead.

    python python/bench/bench.py [--rounds 5] [--kb 400]

Texts: paragraphs of ../shared/prose (clean typographic prose), as found
("clean"), turned to mojibake (UTF-8 read as Windows-1252, "mojibake") and
damaged by a lossy decode (Windows-1252 read as UTF-8 with replacement, so
every non-ASCII character is a U+FFFD, "fffd"). Each measurement alternates
the contenders round by round and reports the median; the load average is
printed, since the machine may be shared.
"""

import argparse
import os
import statistics
import time
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

import fettle_text

PROSE = Path(__file__).resolve().parents[2].parent / "shared" / "prose"


def paragraphs(limit_bytes):
    """Paragraphs of the prose chapters, up to `limit_bytes` of UTF-8."""
    out, size = [], 0
    for path in sorted(PROSE.glob("*.txt")):
        for para in path.read_text(encoding="utf-8").split("\n\n"):
            para = para.strip()
            if len(para) < 40 or not para.encode("cp1252", "ignore").decode("cp1252") == para:
                continue
            out.append(para)
            size += len(para.encode())
            if size >= limit_bytes:
                return out
    return out


def damaged(texts):
    return {
        "clean": texts,
        "mojibake": [t.encode("utf-8").decode("sloppy-windows-1252") for t in texts],
        "fffd": [t.encode("cp1252").decode("utf-8", "replace") for t in texts],
    }


def timed(fn, texts):
    start = time.perf_counter()
    for t in texts:
        fn(t)
    return time.perf_counter() - start


def alternate(contenders, rounds):
    """{name: median seconds}, running the contenders in turn each round."""
    times = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            times[name].append(run())
    return {name: statistics.median(ts) for name, ts in times.items()}


def restored(fix, damaged_texts, originals):
    return sum(fix(d) == o for d, o in zip(damaged_texts, originals))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--kb", type=int, default=400, help="KB of text per set")
    args = ap.parse_args()
    if not PROSE.is_dir():
        raise SystemExit(f"{PROSE} not found: the benchmark needs ../shared/prose")
    print(f"fettle_text from {fettle_text.__file__}; ftfy {ftfy.__version__}; {os.cpu_count()} cores")
    print(f"load average before: {os.getloadavg()}")
    originals = paragraphs(args.kb * 1024)
    sets = damaged(originals)
    ftfy_keep_quotes = ftfy.TextFixerConfig(uncurl_quotes=False)

    print("\n## fix_text vs ftfy.fix_text, one thread (median of rounds)")
    print("| text | paragraphs | MB | fettle s | ftfy s | fettle MB/s | ftfy MB/s | ratio | restored: fettle / ftfy* |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, texts in sets.items():
        mb = sum(len(t.encode()) for t in texts) / 1e6
        med = alternate(
            {
                "fettle": lambda: timed(fettle_text.fix_text, texts),
                "ftfy": lambda: timed(ftfy.fix_text, texts),
            },
            args.rounds,
        )
        ours = restored(fettle_text.fix_text, texts, originals)
        theirs = restored(lambda t: ftfy.fix_text(t, config=ftfy_keep_quotes), texts, originals)
        print(
            f"| {name} | {len(texts)} | {mb:.2f} | {med['fettle']:.3f} | {med['ftfy']:.3f} "
            f"| {mb / med['fettle']:.1f} | {mb / med['ftfy']:.2f} | {med['ftfy'] / med['fettle']:.0f}x "
            f"| {ours} / {theirs} of {len(texts)} |"
        )
    print("(*restored: output equal to the original paragraph; ftfy with uncurl_quotes=False)")

    print("\n## fix_batch (every core) vs a fix_text loop, mojibake set x4")
    texts = sets["mojibake"] * 4
    mb = sum(len(t.encode()) for t in texts) / 1e6
    med = alternate(
        {
            "loop": lambda: timed(fettle_text.fix_text, texts),
            "batch": lambda: _timed_once(fettle_text.fix_batch, texts),
        },
        args.rounds,
    )
    print(
        f"{len(texts)} texts, {mb:.2f} MB: loop {med['loop']:.3f} s ({mb / med['loop']:.1f} MB/s), "
        f"fix_batch {med['batch']:.3f} s ({mb / med['batch']:.1f} MB/s), speed-up {med['loop'] / med['batch']:.2f}x"
    )

    print("\n## per-call cost on a 100-character string")
    short = "The quick brown fox jumps over the lazy dog; the dog sleeps on, and the fox runs into the woods."
    short = (short + " " * 100)[:100]
    calls = 20000
    med = alternate(
        {
            "fettle": lambda: timed(fettle_text.fix_text, [short] * calls),
            "fettle_policy": lambda: timed(lambda t: fettle_text.fix_text(t, quote_style="keep"), [short] * calls),
            "ftfy": lambda: timed(ftfy.fix_text, [short] * calls),
            "str.strip": lambda: timed(str.strip, [short] * calls),
        },
        args.rounds,
    )
    for name, seconds in med.items():
        print(f"{name}: {seconds / calls * 1e6:.2f} µs per call")
    print(f"\nload average after: {os.getloadavg()}")


def _timed_once(fn, texts):
    start = time.perf_counter()
    fn(texts)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
