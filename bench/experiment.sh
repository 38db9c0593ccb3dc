#!/usr/bin/env bash
# The ranking experiment on the benchmark corpus: bench/gen_corpus.py's clean recombined documents
# (6 MB) mixed with lower-quality documents made from the same sentences (bench/experiment/degrade.py,
# 3 MB: word salad, boilerplate-wrapped, fragments, repeated lines), through ingest, heuristics, dedup
# and the cross-fitted perplexity reference, then `curate experiment bench/experiment.yaml`, which
# writes docs/experiment-bench.md and its chart.
#
# Usage: bench/experiment.sh   Environment: BENCH_DIR (default /tmp/curate-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
WORK=${BENCH_DIR:-/tmp/curate-bench}/experiment
mkdir -p "$WORK/corpus"
bash scripts/setup-system.sh
swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"
[ -f "$WORK/corpus/clean.jsonl" ] || python3 bench/gen_corpus.py "$WORK/corpus/clean.jsonl" 6 >&2
[ -f "$WORK/corpus/degraded.jsonl" ] || python3 bench/experiment/degrade.py "$WORK/corpus/degraded.jsonl" 3 >&2
STORE="$WORK/store.db"
if [ ! -f "$STORE" ]; then
    "$CURATE" ingest "$WORK/corpus" --db "$STORE"
    "$CURATE" score --metric heuristics --db "$STORE"
    "$CURATE" dedup --db "$STORE"
    "$CURATE" score --metric perplexity --db "$STORE"
fi
sed "s|@STORE@|$STORE|; s|@OUT@|$WORK/out|" bench/experiment.yaml >"$WORK/experiment.yaml"
"$CURATE" experiment "$WORK/experiment.yaml" "$@"
