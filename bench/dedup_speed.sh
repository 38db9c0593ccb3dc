#!/usr/bin/env bash
# Dedup speed and memory: `curate dedup` on one core (pinned with taskset) and on two, against
# datasketch 2 (MinHash with update_batch + MinHashLSH, 14 bands x 8 rows, one core) and datatrove
# 0.10.1's MinHash signature stage, on the same JSONL corpora, in the same run. Two corpus sizes show
# whether peak memory grows with the corpus. Ends with a projection to 10 million and 1 billion
# documents from the measured per-document figures.
#
# Usage: bench/dedup_speed.sh [--sizes "47 188"] [--curate-only "1000 2000"] [--datatrove-docs N]
#   --curate-only: larger corpora run with curate alone (all three methods, two cores), to show that its
#   peak memory levels off (SQLite's page cache is capped at 64 MB) while the corpus grows.
# Environment: PEERS_VENV (default /work/peers-venv, else built by ../shared/peers/setup.sh),
#              BENCH_DIR (default /tmp/curate-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SIZES="47 188"; CURATE_ONLY="1000 2000"; DATATROVE_DOCS=1000
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES=$2; shift 2 ;;
        --curate-only) CURATE_ONLY=$2; shift 2 ;;
        --datatrove-docs) DATATROVE_DOCS=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
VENV=${PEERS_VENV:-/work/peers-venv}
WORK=${BENCH_DIR:-/tmp/curate-bench}
mkdir -p "$WORK"
bash scripts/setup-system.sh
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
if [ ! -x "$VENV/bin/python" ]; then bash ../shared/peers/setup.sh "$VENV"; fi

swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"
RESULTS="$WORK/dedup-speed.jsonl"
: >"$RESULTS"

measure() {  # measure NAME SIZE CMD... : runs CMD, appends {"name","size","wall","rss_kb","out"} to $RESULTS
    local name=$1 size=$2; shift 2
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >"$WORK/out.json" 2>"$WORK/err.txt" || { cat "$WORK/err.txt" >&2; return 1; }
    python3 - "$name" "$size" "$WORK/time.txt" "$WORK/out.json" >>"$RESULTS" <<'EOF'
import json, sys
name, size, timing, out = sys.argv[1:5]
wall, rss = open(timing).read().split()[-2:]
text = open(out).read().strip()
try:
    parsed = json.loads(text) if text else {}
except ValueError:
    parsed = {"raw": text[-2000:]}
print(json.dumps({"name": name, "size": int(size), "wall": float(wall), "rss_kb": int(rss), "out": parsed}))
EOF
}

for SIZE in $SIZES $CURATE_ONLY; do
    PEERS=1; case " $CURATE_ONLY " in *" $SIZE "*) PEERS=0 ;; esac
    CORPUS="$WORK/dedup-$SIZE.jsonl"
    [ -f "$CORPUS" ] || python3 bench/gen_corpus.py "$CORPUS" "$SIZE" >&2
    BASE="$WORK/dedup-$SIZE-base.db"
    rm -f "$BASE"*
    "$CURATE" ingest "$CORPUS" --db "$BASE" --quiet
    "$CURATE" stats --db "$BASE" --json >"$WORK/stats.json"
    fresh() { rm -f "$WORK/run.db"*; cp "$BASE" "$WORK/run.db"; }
    store_bytes() { local total=0 f; for f in "$WORK/run.db" "$WORK/run.db-wal"; do [ -f "$f" ] && total=$((total + $(stat -c %s "$f"))); done; echo "$total"; }

    fresh; BEFORE=$(store_bytes)
    measure "curate dedup (exact, minhash, lines), 2 cores" "$SIZE" "$CURATE" dedup --db "$WORK/run.db" --threads 2 --json
    AFTER=$(store_bytes)
    echo "{\"name\": \"store growth\", \"size\": $SIZE, \"bytes\": $((AFTER - BEFORE))}" >>"$RESULTS"
    [ "$PEERS" = 1 ] || continue

    # Signatures on one core: minhash only (what datasketch computes), pinned to CPU 0.
    fresh; measure "curate dedup --minhash, 1 core" "$SIZE" taskset -c 0 "$CURATE" dedup --db "$WORK/run.db" --minhash --threads 1 --json
    fresh; measure "curate dedup --minhash, 2 cores" "$SIZE" "$CURATE" dedup --db "$WORK/run.db" --minhash --threads 2 --json
    measure "datasketch MinHash + MinHashLSH, 1 core" "$SIZE" taskset -c 0 "$VENV/bin/python" bench/dedup/datasketch_speed.py "$CORPUS"
    rm -f "$WORK/run.db"*
done
rm -f "$WORK/run.db"* "$WORK"/dedup-*-base.db*
FIRST=${SIZES%% *}
measure "datatrove MinHash signatures, 1 worker" "$FIRST" taskset -c 0 "$VENV/bin/python" bench/dedup/datatrove_minhash.py \
    "$WORK/dedup-$FIRST.jsonl" "$WORK/datatrove-minhash" --limit "$DATATROVE_DOCS"

python3 bench/dedup/speed_table.py "$RESULTS"
