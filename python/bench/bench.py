"""fettle_text against ftfy in one process; fix_batch; per-call overhead.

    python python/bench/bench.py [--rounds 5] [--kb 400] [--only text|batch|call]

Texts: paragraphs of ../shared/prose (clean typographic prose), as found
("clean"), turned to mojibake (UTF-8 read as Windows-1252, "mojibake") and
damaged by a lossy decode (Windows-1252 read as UTF-8 with replacement, so
every non-ASCII character is a U+FFFD, "fffd"). Each measurement alternates
the contenders round by round and reports the median; the load average is
printed, since the machine may be shared.
"""

import argparse
import multiprocessing
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
    ap.add_argument("--copies", type=int, default=4, help="copies of the mojibake set fix_batch cleans")
    ap.add_argument("--only", choices=["text", "batch", "call"], help="run one section")
    args = ap.parse_args()
    run = lambda section: args.only in (None, section)
    if not PROSE.is_dir():
        raise SystemExit(f"{PROSE} not found: the benchmark needs ../shared/prose")
    print(f"fettle_text from {fettle_text.__file__}; ftfy {ftfy.__version__}; {os.cpu_count()} cores")
    print(f"load average before: {os.getloadavg()}")
    originals = paragraphs(args.kb * 1024)
    sets = damaged(originals)
    if run("text"):
        fix_text_vs_ftfy(sets, originals, args.rounds)
    if run("batch"):
        fix_batch_vs_loop(sets["mojibake"] * args.copies, args.rounds, args.copies)
    if run("call"):
        per_call(args.rounds)
    print(f"\nload average after: {os.getloadavg()}")


def fix_text_vs_ftfy(sets, originals, rounds):
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
            rounds,
        )
        ours = restored(fettle_text.fix_text, texts, originals)
        theirs = restored(lambda t: ftfy.fix_text(t, config=ftfy_keep_quotes), texts, originals)
        print(
            f"| {name} | {len(texts)} | {mb:.2f} | {med['fettle']:.3f} | {med['ftfy']:.3f} "
            f"| {mb / med['fettle']:.1f} | {mb / med['ftfy']:.2f} | {med['ftfy'] / med['fettle']:.0f}x "
            f"| {ours} / {theirs} of {len(texts)} |"
        )
    print("(*restored: output equal to the original paragraph; ftfy with uncurl_quotes=False)")


def fix_batch_vs_loop(texts, rounds, copies):
    """fix_batch against a fix_text loop, with the CPU time each took.

    CPU seconds per wall second say how many cores a run had, which on a
    shared machine explains a speed-up or its absence. The calling thread's
    own CPU time during fix_batch is the part that needs the GIL (taking
    the texts out, making the results `str`s), which fix_batch overlaps
    with the cleaning; were it not overlapped, it would bound the speed-up
    on n cores at 1 / (serial + (1 - serial) / n)."""
    print(f"\n## fix_batch (every core) vs a fix_text loop, mojibake set x{copies}")
    mb = sum(len(t.encode()) for t in texts) / 1e6
    fettle_text.fix_batch(texts[:64])  # the thread pool is started once, not timed
    cpu = {"loop": [], "batch": []}
    serial = []

    def loop():
        start_cpu = time.process_time()
        seconds = timed(fettle_text.fix_text, texts)
        cpu["loop"].append(time.process_time() - start_cpu)
        return seconds

    def batch():
        start_cpu, start_own = time.process_time(), time.thread_time()
        seconds = _timed_once(fettle_text.fix_batch, texts)
        cpu["batch"].append(time.process_time() - start_cpu)
        serial.append((time.thread_time() - start_own) / cpu["batch"][-1])
        return seconds

    def two_processes():
        return _loops_in_two_processes(texts)

    med = alternate({"loop": loop, "batch": batch, "two": two_processes}, rounds)
    loop_cpu, batch_cpu = statistics.median(cpu["loop"]), statistics.median(cpu["batch"])
    serial = statistics.median(serial)
    cores = os.cpu_count()
    print(
        f"{len(texts)} texts, {mb:.2f} MB: loop {med['loop']:.3f} s ({mb / med['loop']:.1f} MB/s, "
        f"{loop_cpu:.3f} CPU s), fix_batch {med['batch']:.3f} s ({mb / med['batch']:.1f} MB/s, "
        f"{batch_cpu:.3f} CPU s = {batch_cpu / med['batch']:.2f} cores busy), "
        f"speed-up {med['loop'] / med['batch']:.2f}x"
    )
    print(
        f"the ceiling, two fix_text loops in two processes at once (nothing shared): "
        f"{med['two']:.3f} s for twice the texts, {2 * med['loop'] / med['two']:.2f}x the loop's throughput"
    )
    print(
        f"GIL-held part of fix_batch (calling thread's CPU / all CPU): {serial:.1%}; "
        f"the speed-up bound on {cores} cores if it were not overlapped: "
        f"{1 / (serial + (1 - serial) / cores):.2f}x"
    )


def per_call(rounds):
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
        rounds,
    )
    for name, seconds in med.items():
        print(f"{name}: {seconds / calls * 1e6:.2f} µs per call")


def _loop_when_ready(args):
    barrier, texts = args
    barrier.wait()
    return timed(fettle_text.fix_text, texts)


def _loops_in_two_processes(texts):
    """Seconds until both of two forked processes have run the fix_text
    loop over `texts`, started together."""
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        barrier = manager.Barrier(2)
        with context.Pool(2) as pool:
            return max(pool.map(_loop_when_ready, [(barrier, texts)] * 2))


def _timed_once(fn, texts):
    start = time.perf_counter()
    fn(texts)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
