#!/usr/bin/env bash
# Throughput and memory benchmark of the fettle binary on a generated corpus.
#
#   bench/run.sh [--mb N] [--big-mb N] [--many N] [--runs N] [--sample-mb N] [--dir DIR] [--keep] [--no-ftfy]
#
#   --mb N         MiB of input per class (clean, damaged); default 32, use
#                  200-500 for a real measurement
#   --big-mb N     also clean one damaged file of N MiB and report its memory
#                  multiple (1000 for the 1 GB test; the file size limit is
#                  raised for it); default 0 (skip)
#   --many N       small files for peak RSS against the number of files
#                  (checked 1,000, 2,000, 4,000, ... at a time); default
#                  16000, 0 to skip
#   --runs N       runs per measurement, best is reported; default 3
#   --sample-mb N  MiB of small files timed with ftfy (slow); default 8
#   --dir DIR      build the corpus here (default: a new temporary directory)
#   --keep         keep the corpus afterwards
#   --no-ftfy      do not time ftfy even if it is available
#
# Prints MB/s (10^6 bytes of input per second of wall time, process start to
# exit, reading and writing included) for `check` and `clean`, on one core
# (RAYON_NUM_THREADS=1, pinned with taskset) and on all cores, and peak RSS. Where Python with
# ftfy is available (or can be installed into a venv from PyPI), times ftfy's
# guess_bytes + fix_text on a sample of the same files and prints the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."

MB=32 BIG_MB=0 MANY=16000 RUNS=3 SAMPLE_MB=8 DIR="" KEEP=0 FTFY=1
while [ $# -gt 0 ]; do
  case "$1" in
    --mb) MB=$2; shift 2 ;;
    --big-mb) BIG_MB=$2; shift 2 ;;
    --many) MANY=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --sample-mb) SAMPLE_MB=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --no-ftfy) FTFY=0; shift ;;
    *) echo "unknown argument $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done

# GNU time reports peak RSS; Debian ships it as the `time` package.
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
  fi
  [ -x /usr/bin/time ] || { echo "bench: needs GNU time at /usr/bin/time (Debian package 'time')" >&2; exit 2; }
fi

# The release build with symbols (Cargo.toml: [profile.profiling]), so perf
# and cachegrind can name functions; same optimisation as what users install.
cargo build --profile profiling --quiet --bin fettle --example bench_corpus
FETTLE=$PWD/target/profiling/fettle
CORES=$(nproc)
# "1 thread" runs are pinned to one CPU with taskset when it exists: fettle's
# calling thread walks the input and prints while the worker processes, and
# pinning keeps that work on the same core, so the figure is per core.
ONE=(env RAYON_NUM_THREADS=1)
if command -v taskset >/dev/null; then
  CPU=$(taskset -pc $$ | awk '{print $NF}' | cut -d, -f1 | cut -d- -f1)
  ONE=(taskset -c "$CPU" env RAYON_NUM_THREADS=1)
fi

if [ -z "$DIR" ]; then
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/fettle-bench.XXXXXX")
fi
mkdir -p "$DIR"
if [ "$KEEP" = 0 ]; then
  trap 'rm -rf "$DIR"' EXIT
else
  trap 'rm -rf "$DIR/outputs"' EXIT
fi

echo "# fettle benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $CORES cores, $(uname -m), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# corpus in $DIR"
target/profiling/examples/bench_corpus --out "$DIR" --mb "$MB" --sample-mb "$SAMPLE_MB" | sed 's/^/# /'

bytes_of() { find "$@" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }

# best_of CMD...: run RUNS times under GNU time; sets SECS (best wall time)
# and RSS_KB (peak RSS of that run). fettle's exit code 1 (changes needed) is
# expected; 2 is an error.
#
# An argument @OUT@ becomes a new, not yet existing directory for each run.
# Outputs are deleted only when the benchmark ends: ext4 allocates inodes
# slowly for a while after thousands of files are deleted (its
# recently_deleted check), which would bill a deletion to the next run.
OUTS=0
best_of() {
  SECS="" RSS_KB=""
  local out=$DIR/time.out
  for _ in $(seq "$RUNS"); do
    local code=0 t0 t1 args=()
    OUTS=$((OUTS + 1))
    for a in "$@"; do
      if [ "$a" = @OUT@ ]; then args+=("$DIR/outputs/$OUTS"); else args+=("$a"); fi
    done
    # Wall time from the nanosecond clock (GNU time's %e has 10 ms steps,
    # too coarse for the ftfy samples); peak RSS from GNU time.
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$out" "${args[@]}" >/dev/null 2>"$DIR/stderr" || code=$?
    t1=$(date +%s%N)
    if [ "$code" -ge 2 ]; then
      echo "bench: '$*' failed (exit $code):" >&2; tail -5 "$DIR/stderr" >&2; exit 2
    fi
    local secs rss
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
    read -r rss < <(tail -1 "$out")
    if [ -z "$SECS" ] || awk -v a="$secs" -v b="$SECS" 'BEGIN {exit !(a < b)}'; then
      SECS=$secs RSS_KB=$rss
    fi
  done
}

mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s < 0.0001) s = 0.0001; printf "%.0f", b / 1e6 / s }'; }

declare -A RESULT
echo
printf '%-8s %-6s %-8s %10s %9s %10s %12s\n' class cmd cores "input MB" seconds "MB/s" "peak RSS MB"
for class in clean damaged; do
  input=$(bytes_of "$DIR/$class")
  for cmd in check clean; do
    for threads in 1 "$CORES"; do
      if [ "$threads" = 1 ]; then RUN=("${ONE[@]}"); else RUN=(env RAYON_NUM_THREADS="$threads"); fi
      if [ "$cmd" = check ]; then
        best_of "${RUN[@]}" "$FETTLE" check "$DIR/$class"
      else
        best_of "${RUN[@]}" "$FETTLE" clean "$DIR/$class" --out @OUT@
      fi
      RESULT[$class.$cmd.$threads]=$(mbps "$input" "$SECS")
      printf '%-8s %-6s %-8s %10.1f %9.2f %10s %12.0f\n' "$class" "$cmd" "$threads" \
        "$(awk -v b="$input" 'BEGIN{print b/1e6}')" "$SECS" "${RESULT[$class.$cmd.$threads]}" \
        "$(awk -v k="$RSS_KB" 'BEGIN{print k/1024}')"
    done
  done
done
echo
for class in clean damaged; do
  for cmd in check clean; do
    awk -v c="$class" -v m="$cmd" -v one="${RESULT[$class.$cmd.1]}" -v all="${RESULT[$class.$cmd.$CORES]}" -v n="$CORES" \
      'BEGIN { printf "scaling %-7s %-5s: %.2fx on %d cores\n", c, m, all / one, n }'
  done
done

# Peak RSS must not grow with the number of files: check 1,000, 2,000,
# 4,000, ... of the --many small files (500 per folder; every tenth an exact
# copy and every tenth a near copy, so the corpus rules have findings), one
# core, human and JSON output.
if [ "$MANY" -gt 0 ]; then
  echo
  target/profiling/examples/bench_corpus --out "$DIR" --mb 0 --many "$MANY" | sed 's/^/# /'
  echo "peak RSS by number of files (check, one core):"
  mapfile -t folders < <(find "$DIR/many" -mindepth 1 -maxdepth 1 -type d | sort)
  n=2
  RUNS_SAVED=$RUNS RUNS=1
  while :; do
    [ "$n" -gt "${#folders[@]}" ] && n=${#folders[@]}
    files=$(find "${folders[@]:0:$n}" -type f | wc -l)
    best_of "${ONE[@]}" "$FETTLE" check "${folders[@]:0:$n}"
    human=$RSS_KB
    best_of "${ONE[@]}" "$FETTLE" check --format json "${folders[@]:0:$n}"
    printf '  %6d files %7.1f MB input: peak RSS %6.1f MB (human), %6.1f MB (json)\n' "$files" \
      "$(awk -v b="$(bytes_of "${folders[@]:0:$n}")" 'BEGIN{print b/1e6}')" \
      "$(awk -v k="$human" 'BEGIN{print k/1024}')" "$(awk -v k="$RSS_KB" 'BEGIN{print k/1024}')"
    [ "$n" -ge "${#folders[@]}" ] && break
    n=$((n * 2))
  done
  RUNS=$RUNS_SAVED
fi

# ftfy on a sample of the same files, one thread, against fettle check on
# the same sample, one thread.
PY=""
if [ "$FTFY" = 1 ]; then
  if python3 -c 'import ftfy' 2>/dev/null; then
    PY=python3
  else
    VENV=${FETTLE_BENCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/fettle-bench/venv}
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import ftfy' 2>/dev/null; then
      echo
      echo "# installing ftfy into $VENV"
      { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q ftfy; } >/dev/null 2>&1 || true
    fi
    if "$VENV/bin/python" -c 'import ftfy' 2>/dev/null; then PY=$VENV/bin/python; fi
  fi
fi
# spawn_best CPU THREADS LIST: best wall time in seconds, over max(RUNS, 5)
# runs, of `fettle check` on the files of LIST with RAYON_NUM_THREADS=THREADS,
# pinned to CPU when one is given, timed by Python from spawning the process
# to its exit. The samples take tens of milliseconds, and timing them through
# `date`, GNU time, taskset and env, as best_of does, would add their own
# start-ups (about 6 ms here) to fettle's.
spawn_best() {
  "$PY" - "$FETTLE" "$1" "$2" "$3" "$RUNS" <<'EOF'
import os, subprocess, sys, time
fettle, cpu, threads, listing, runs = sys.argv[1:]
paths = [l.rstrip("\n") for l in open(listing)]
if cpu:
    os.sched_setaffinity(0, {int(cpu)})  # the child inherits it
env = dict(os.environ, RAYON_NUM_THREADS=threads)
best = None
for _ in range(max(int(runs), 5)):
    start = time.perf_counter()
    code = subprocess.run([fettle, "check", *paths], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    secs = time.perf_counter() - start
    if code >= 2:
        sys.exit(f"bench: fettle check on {listing} failed (exit {code})")
    best = secs if best is None else min(best, secs)
print(f"{best:.4f}")
EOF
}

if [ -n "$PY" ]; then
  echo
  echo "ftfy $("$PY" -c 'import ftfy; print(ftfy.__version__)') (guess_bytes + fix_text, in-process time, best of 2 passes) vs fettle check (process spawn to exit, timed from Python, best of max(runs, 5)), same sample files:"
  for class in clean damaged; do
    mapfile -t sample < "$DIR/$class.sample"
    ftfy_mbps=$("$PY" - "$DIR/$class.sample" <<'EOF'
import sys, time, ftfy
paths = [l.rstrip("\n") for l in open(sys.argv[1])]
best = None
for _ in range(2):
    total = 0
    start = time.perf_counter()
    for p in paths:
        with open(p, "rb") as f:
            data = f.read()
        total += len(data)
        text, _ = ftfy.guess_bytes(data)
        ftfy.fix_text(text)
    secs = time.perf_counter() - start
    best = secs if best is None else min(best, secs)
print(f"{total / 1e6 / best:.2f}")
EOF
)
    sample_bytes=$(bytes_of "${sample[@]}")
    one_mbps=$(mbps "$sample_bytes" "$(spawn_best "${CPU:-}" 1 "$DIR/$class.sample")")
    all_mbps=$(mbps "$sample_bytes" "$(spawn_best "" "$CORES" "$DIR/$class.sample")")
    awk -v c="$class" -v f="$ftfy_mbps" -v t="$one_mbps" -v a="$all_mbps" -v k="$CORES" -v n="${#sample[@]}" -v b="$sample_bytes" \
      'BEGIN { printf "  %-8s %4d files %5.1f MB: ftfy %5.2f MB/s; fettle 1 core %4d MB/s = %.0fx, %d cores %4d MB/s = %.0fx\n", c, n, b/1e6, f, t, t / f, k, a, a / f }'
  done
else
  echo
  echo "ftfy: not available (python3 with ftfy, or a venv with pip), skipped"
fi

# One big file: memory multiple, and the size limit's clear error.
if [ "$BIG_MB" -gt 0 ]; then
  echo
  target/profiling/examples/bench_corpus --out "$DIR" --mb 0 --big-mb "$BIG_MB" | sed 's/^/# /'
  big=$DIR/big/big.txt
  size=$(bytes_of "$big")
  RUNS=1
  for cmd in check clean; do
    if [ "$cmd" = check ]; then
      best_of "$FETTLE" check --max-file-size "$((size * 2))" "$big"
    else
      best_of "$FETTLE" clean --max-file-size "$((size * 2))" "$big" --out @OUT@
    fi
    awk -v c="$cmd" -v b="$size" -v s="$SECS" -v k="$RSS_KB" \
      'BEGIN { printf "one file of %.0f MB, %s: %.1f s, %.0f MB/s, peak RSS %.0f MB = %.2fx the file size\n", b/1e6, c, s, b/1e6/s, k*1024/1e6, k*1024/b }'
  done
  limit=$((size / 2))
  code=0
  msg=$("$FETTLE" check --max-file-size "$limit" "$big" 2>&1) || code=$?
  echo "with --max-file-size $limit: exit $code: $(echo "$msg" | head -1)"
  rm -f "$big"
fi
