#!/usr/bin/env bash
# The ranking experiment on real text: the quality dev corpus (bench/quality/build_devcorpus.py, 40 MB of
# Debian and PyPI documentation, English and Chinese) through ingest, heuristics, dedup, the cross-fitted
# reference with its Moore–Lewis contrast, and the learned classifier with the combined ranking on its
# 500 exemplars; then `curate experiment bench/experiment-real/experiment.yaml`: all data at random, the
# top 30% by perplexity, by quality and by the combined ranking (best first and shuffled), and the
# combined top 30% worst first, two seeds each. Writes docs/experiment-real.md and its chart.
# About an hour on this machine (2 cores).
#
# Usage: bench/experiment-real.sh [DEV_DIR]   Environment: BENCH_DIR (default /tmp/curate-bench),
# PEERS_VENV (to build the dev corpus when it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
DEV="${1:-/work/devcorpus/out}"
WORK=${BENCH_DIR:-/tmp/curate-bench}/experiment-real
mkdir -p "$WORK/sets"
bash scripts/setup-system.sh
if [ ! -f "$DEV/corpus.jsonl" ]; then
    bench/quality/fetch_sources.sh "$(dirname "$DEV")/src"
    "${PEERS_VENV:-/work/peers-venv}/bin/python" bench/quality/build_devcorpus.py --src "$(dirname "$DEV")/src" --out "$DEV"
fi
swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"
python3 bench/experiment-real/build_sets.py "$DEV" "$WORK/sets" >&2
STORE="$WORK/store.db"
if [ ! -f "$STORE.ready" ]; then
    rm -f "$STORE" "$STORE"-*
    "$CURATE" ingest "$DEV/corpus.jsonl" --db "$STORE"
    "$CURATE" score --metric heuristics --db "$STORE"
    "$CURATE" dedup --db "$STORE"
    "$CURATE" score --metric perplexity --contrast --db "$STORE"
    "$CURATE" quality train --positive "$DEV/exemplars.jsonl" --combine --out "$WORK/quality.model" --db "$STORE"
    "$CURATE" score --metric quality --model "$WORK/quality.model" --db "$STORE"
    touch "$STORE.ready"
fi
sed "s|@STORE@|$STORE|; s|@OUT@|$WORK/out|; s|@SETS@|$WORK/sets|g" bench/experiment-real/experiment.yaml >"$WORK/experiment.yaml"
"$CURATE" experiment "$WORK/experiment.yaml" "$@"
