#!/usr/bin/env bash
# Near-duplicate accuracy benchmark: `curate dedup --minhash` against datasketch's MinHashLSH (14 bands x
# 8 rows, and its own banding) on a synthetic corpus with known near duplicates (bench/dedup/
# gen_near_dups.py: families of edited copies, the true Jaccard of every same-family pair). Prints, per
# variant, the pairs predicted and their precision and recall against the pairs of true Jaccard >= 0.8.
#
# Usage: bench/dedup_accuracy.sh [--families N]   (default 12000 families: ~20,000 documents, ~75 MB)
# Environment: PEERS_VENV (default /work/peers-venv), BENCH_DIR (default /tmp/curate-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

FAMILIES=12000
while [ $# -gt 0 ]; do
    case "$1" in
        --families) FAMILIES=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
VENV=${PEERS_VENV:-/work/peers-venv}
WORK=${BENCH_DIR:-/tmp/curate-bench}
mkdir -p "$WORK"
bash scripts/setup-system.sh
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import datasketch' 2>/dev/null; then
    echo "$VENV has no datasketch: set PEERS_VENV to a venv with it (pip install datasketch)" >&2; exit 1
fi

swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"
NAME=dedup-accuracy; [ "$FAMILIES" = 12000 ] || NAME=dedup-accuracy-$FAMILIES
CORPUS="$WORK/$NAME.jsonl"; TRUTH="$WORK/$NAME.truth.tsv"
if [ ! -f "$CORPUS" ] || [ ! -f "$TRUTH" ]; then
    python3 bench/dedup/gen_near_dups.py "$CORPUS" --families "$FAMILIES" >&2
fi
STORE="$WORK/dedup-accuracy.db"

rm -f "$STORE" "$STORE"-*
"$CURATE" ingest "$CORPUS" --db "$STORE" --quiet
"$CURATE" dedup --db "$STORE" --minhash --json >"$WORK/dedup-accuracy.dedup.json"
python3 bench/dedup/curate_accuracy.py "$CORPUS" "$TRUTH" "$STORE" --dedup-json "$WORK/dedup-accuracy.dedup.json" \
    >"$WORK/dedup-accuracy.curate.json"
"$VENV/bin/python" bench/dedup/datasketch_accuracy.py "$CORPUS" "$TRUTH" >"$WORK/dedup-accuracy.datasketch.json"

echo "corpus: $CORPUS ($(stat -c %s "$CORPUS") bytes)"
python3 bench/dedup/table.py "$WORK/dedup-accuracy.curate.json" "$WORK/dedup-accuracy.datasketch.json"
echo "(full results: $WORK/dedup-accuracy.curate.json, $WORK/dedup-accuracy.datasketch.json)"
rm -f "$STORE" "$STORE"-*
