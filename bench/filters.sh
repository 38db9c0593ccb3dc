#!/usr/bin/env bash
# Heuristic filter benchmark: `curate score --metric heuristics` (one core and two) against datatrove
# 0.10.1's GopherQuality -> GopherRepetition -> C4Quality -> FineWebQuality pipeline (one worker) on the
# same JSONL file, in the same run. Prints documents/s, MB/s and the ratios.
#
# Usage: bench/filters.sh [--size MB] [--repeat N]   (default 10 MB: datatrove runs at ~50 documents/s)
# Environment: PEERS_VENV (default /tmp/peers-venv), BENCH_DIR (default /tmp/curate-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SIZE=10; REPEAT=3
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
VENV=${PEERS_VENV:-/tmp/peers-venv}
WORK=${BENCH_DIR:-/tmp/curate-bench}
mkdir -p "$WORK/filters-in"
bash scripts/setup-system.sh
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
if [ ! -x "$VENV/bin/python" ] || [ ! -f "$VENV/peer-versions.txt" ]; then bash ../shared/peers/setup.sh "$VENV"; fi

swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"
CORPUS="$WORK/filters-$SIZE.jsonl"
[ -f "$CORPUS" ] || python3 bench/gen_corpus.py "$CORPUS" "$SIZE" >&2
ln -sf "$CORPUS" "$WORK/filters-in/corpus.jsonl"
BYTES=$(stat -c %s "$CORPUS"); DOCS=$(wc -l < "$CORPUS")
STORE="$WORK/filters.db"

timed() {  # timed CMD... -> prints "seconds" of the command; its stdout goes to $WORK/out.txt
    /usr/bin/time -f "%e" -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || { cat "$WORK/err.txt" >&2; return 1; }
    tail -1 "$WORK/time.txt"
}
best() {  # best N CMD...
    local n=$1; shift; local best=""
    for _ in $(seq "$n"); do
        local s; s=$(timed "$@")
        if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; fi
    done
    echo "$best"
}

rm -f "$STORE"*
INGEST=$(timed "$CURATE" ingest "$CORPUS" --db "$STORE" --quiet)
SCORE1=$(best "$REPEAT" "$CURATE" score --db "$STORE" --rescore --threads 1 --json)
SCORED=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["scored"]["documents"])' <"$WORK/out.txt")
KEPT=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["funnel"]["kept"])' <"$WORK/out.txt")
SCORE2=$(best "$REPEAT" "$CURATE" score --db "$STORE" --rescore --threads 2 --json)
PEER=$(best 1 "$VENV/bin/python" bench/datatrove_filters.py "$WORK/filters-in" "*.jsonl")
PEER_DOCS=$(python3 bench/json_field.py documents <"$WORK/out.txt")
PEER_KEPT=$(python3 bench/json_field.py kept <"$WORK/out.txt")
[ "$PEER_DOCS" = "$DOCS" ] || { echo "datatrove read $PEER_DOCS documents, expected $DOCS" >&2; exit 1; }

echo "corpus: $CORPUS ($BYTES bytes, $DOCS documents; curate scores $SCORED of them: exact duplicates share statistics)"
printf "%-46s %8s %10s %8s %6s\n" "tool" "seconds" "docs/s" "MB/s" "kept"
row() { awk -v n="$1" -v s="$2" -v d="$DOCS" -v b="$BYTES" -v k="$3" 'BEGIN { printf "%-46s %8.2f %10.0f %8.2f %6s\n", n, s, d/s, b/1e6/s, k }'; }
row "curate score --threads 1" "$SCORE1" "$KEPT"
row "curate score --threads 2" "$SCORE2" "$KEPT"
row "curate ingest + score --threads 1" "$(awk -v a="$INGEST" -v b="$SCORE1" 'BEGIN{print a+b}')" "$KEPT"
row "datatrove 4 filters (1 worker, English defaults)" "$PEER" "$PEER_KEPT"
awk -v p="$PEER" -v s1="$SCORE1" -v s2="$SCORE2" -v i="$INGEST" 'BEGIN {
    printf "\nratio (documents/s): curate one core %.0fx datatrove (%.0fx counting ingest), two cores %.0fx\n", p/s1, p/(s1+i), p/s2 }'
rm -f "$STORE"*
