#!/usr/bin/env bash
# Benchmark of `fettle records`: throughput against the same texts as plain
# files, speed-up on two cores, and peak memory on a large .jsonl.gz shard.
#
#   bench/records.sh SRC_DIR [--mb N] [--runs N] [--big FILE.jsonl.gz] [--dir DIR]
#
#   SRC_DIR      plain .txt files the records are made of (../shared/corpus/en)
#   --mb N       MiB of JSONL for the throughput runs (default 32)
#   --runs N     runs per measurement, alternated, median reported (default 3)
#   --big FILE   also run FILE (e.g. a 1 GB .jsonl.gz) end to end, output to
#                /dev/null, and report its peak RSS and time
#   --dir DIR    work directory (default: a new temporary directory)
#   --no-build   use target/release/fettle as it is
#
# The plain-file run cleans the records' texts written one per file with
# `fettle clean` and the same rules (the record profile's whole-file rules
# and the corpus rules off in fettle.toml), so both runs do the same cleaning. One core:
# RAYON_NUM_THREADS=1 pinned with taskset to CPU 0; two cores:
# RAYON_NUM_THREADS=2 on CPUs 0-1. Times are wall times, start to exit;
# "cores busy" is CPU time over wall time, which tells how much of the two
# cores a run had on a shared machine.
# The machine's load average is printed beside each figure.
set -euo pipefail
cd "$(dirname "$0")/.."

SRC="${1:?usage: bench/records.sh SRC_DIR [--mb N] [--runs N] [--big FILE] [--dir DIR]}"
shift
MB=32 RUNS=3 BIG="" DIR="" BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --mb) MB="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --big) BIG="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$DIR" ] || DIR="$(mktemp -d)"
mkdir -p "$DIR"
FETTLE="$PWD/target/release/fettle"
[ "$BUILD" = 0 ] || cargo build --release --quiet

JSONL="$DIR/records.jsonl"
python3 bench/records_shard.py "$SRC" "$JSONL" --mb "$MB"
rm -rf "$DIR/files" "$DIR/cleaned"
mkdir -p "$DIR/files"
python3 - "$JSONL" "$DIR/files" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[2])
for n, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    (out / f"{n:07d}.txt").write_text(json.loads(line)["text"], encoding="utf-8")
PY
cat > "$DIR/fettle.toml" <<'TOML'
[rules]
final-newline = false
short-file = false
ends-mid-sentence = false
trailing-note = false
# Corpus rules: records have none.
duplicate-files = false
near-duplicates = false
encoding-outlier = false
file-names = false
case-collision = false
TOML
RECORDS=$(wc -l < "$JSONL")
TEXT_BYTES=$(cat "$DIR"/files/*.txt | wc -c)
JSONL_BYTES=$(wc -c < "$JSONL")
echo "input: $RECORDS records, $JSONL_BYTES bytes of JSONL, $TEXT_BYTES bytes of text"

# command... -> "wall,cpu" seconds (cpu: user + system, which a busy
# machine inflates less than wall time)
seconds() {
  "$@" >/dev/null 2>&1 || [ $? -le 2 ]
  tail -n 1 "$DIR/time" | awk '{printf "%s,%s", $1, $2 + $3}'
}
timed() { /usr/bin/time -f '%e %U %S' -o "$DIR/time" "$@"; }
records_run() { timed taskset -c "$1" env RAYON_NUM_THREADS="$2" "$FETTLE" records "$JSONL"; }
# The ceiling of two cores: two one-thread runs at once, one on each core,
# sharing nothing; "wall,cpu" of the slower, CPU of both.
records_twice() {
  timed taskset -c 1 env RAYON_NUM_THREADS=1 "$FETTLE" records "$JSONL" >/dev/null 2>&1 &
  /usr/bin/time -f '%e %U %S' -o "$DIR/time0" taskset -c 0 env RAYON_NUM_THREADS=1 "$FETTLE" records "$JSONL" >/dev/null 2>&1
  wait
  cat "$DIR/time0" "$DIR/time" | awk '{w = $1 > w ? $1 : w; c += $2 + $3} END {printf "%s,%s", w, c}'
}
files_run() {
  rm -rf "$DIR/cleaned"
  (cd "$DIR" && timed taskset -c "$1" env RAYON_NUM_THREADS="$2" "$FETTLE" clean files --out cleaned)
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

declare -A T
for run in $(seq "$RUNS"); do
  # Alternated, so that a change in the machine's load hits every kind.
  T[records1]+="$(seconds records_run 0 1) "
  T[files1]+="$(seconds files_run 0 1) "
  T[records2]+="$(seconds records_run 0-1 2) "
  T[files2]+="$(seconds files_run 0-1 2) "
  T[twice]+="$(records_twice) "
  echo "run $run done, load $(cut -d' ' -f1-3 /proc/loadavg)"
done
for kind in records1 files1 records2 files2 twice; do
  m=$(echo "${T[$kind]}" | tr ' ' '\n' | grep . | cut -d, -f1 | median)
  c=$(echo "${T[$kind]}" | tr ' ' '\n' | grep . | cut -d, -f2 | median)
  printf '%-9s wall,cpu %s-> median %.2f s wall, %.2f s cpu (%.2f cores busy): %.0f records/s, %.1f MB/s of text (%.1f per cpu-second), %.1f MB/s of JSONL\n' \
    "$kind" "${T[$kind]}" "$m" "$c" "$(echo "$c / $m" | bc -l)" "$(echo "$RECORDS / $m" | bc -l)" \
    "$(echo "$TEXT_BYTES / $m / 1000000" | bc -l)" "$(echo "$TEXT_BYTES / $c / 1000000" | bc -l)" \
    "$(echo "$JSONL_BYTES / $m / 1000000" | bc -l)"
  eval "MED_$kind=$m"
done
printf 'records vs plain files, one core: %.2fx the time\n' "$(echo "$MED_records1 / $MED_files1" | bc -l)"
printf 'speed-up of records on two cores: %.2fx\n' "$(echo "$MED_records1 / $MED_records2" | bc -l)"
printf 'speed-up of plain files on two cores: %.2fx\n' "$(echo "$MED_files1 / $MED_files2" | bc -l)"
printf 'ceiling: two one-core runs at once (twice the records) give %.2fx the throughput of one\n' "$(echo "2 * $MED_records1 / $MED_twice" | bc -l)"

if [ -n "$BIG" ]; then
  echo "big shard: $(stat -c %s "$BIG") bytes, load $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f 'peak RSS %M KiB, %e s wall, %U s user' "$FETTLE" records "$BIG" >/dev/null
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
