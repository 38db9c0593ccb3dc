#!/usr/bin/env bash
# The main job end to end on samples/: install system packages if missing, build curate (release),
# ingest samples/ into a fresh store, score it with the heuristic filters and a reference language model,
# and show what was kept and how the documents rank.
# Usage: scripts/run-samples.sh [STORE]   (default: out/samples.db)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup-system.sh
swift build -c release --product curate
CURATE="$(swift build -c release --show-bin-path)/curate"
STORE="${1:-out/samples.db}"
mkdir -p "$(dirname "$STORE")"
rm -f "$STORE" "$STORE-wal" "$STORE-shm" "$STORE".reference* "${STORE%.db}.quality.model"
echo "== curate ingest samples/ --db $STORE"
"$CURATE" ingest samples/ --db "$STORE"
echo "== curate stats --db $STORE"
"$CURATE" stats --db "$STORE"
echo "== curate rejects --db $STORE"
"$CURATE" rejects --db "$STORE"
echo "== curate score --metric heuristics --db $STORE"
"$CURATE" score --metric heuristics --db "$STORE"
echo "== curate filter --dry-run --db $STORE"
"$CURATE" filter --dry-run --db "$STORE"
echo "== curate dedup --db $STORE"
"$CURATE" dedup --db "$STORE"
echo "== curate score --metric perplexity --db $STORE"
"$CURATE" score --metric perplexity --db "$STORE"
echo "== curate dedup --report --db $STORE   (again: clusters now keep their best-scored document)"
"$CURATE" dedup --report --db "$STORE"
echo "== curate quality train --positive samples/txt --out ${STORE%.db}.quality.model --db $STORE   (the clean .txt samples as exemplars)"
"$CURATE" quality train --positive samples/txt --out "${STORE%.db}.quality.model" --db "$STORE"
echo "== curate quality inspect ${STORE%.db}.quality.model --top 8"
"$CURATE" quality inspect "${STORE%.db}.quality.model" --top 8
echo "== curate score --metric quality --model ${STORE%.db}.quality.model --db $STORE"
"$CURATE" score --metric quality --model "${STORE%.db}.quality.model" --db "$STORE"
echo "== curate export --top 0.3 --score quality --out ${STORE%.db}-quality-export --db $STORE"
"$CURATE" export --top 0.3 --score quality --out "${STORE%.db}-quality-export" --db "$STORE"
echo "== curate rank-eval --labels samples/labels.tsv --export ${STORE%.db}-quality-export --score export quality perplexity bits_per_byte filters --db $STORE"
"$CURATE" rank-eval --labels samples/labels.tsv --export "${STORE%.db}-quality-export" --score export quality perplexity bits_per_byte filters --db "$STORE"
echo "== curate export --top 0.3 --drop-repeated-lines --out ${STORE%.db}-export --db $STORE"
"$CURATE" export --top 0.3 --drop-repeated-lines --out "${STORE%.db}-export" --db "$STORE"
echo "== curate export --verify ${STORE%.db}-export"
"$CURATE" export --verify "${STORE%.db}-export"
echo "== curate train --shards ${STORE%.db}-export --config pipelines/train-tiny.yaml --out ${STORE%.db}-run"
"$CURATE" train --shards "${STORE%.db}-export" --config pipelines/train-tiny.yaml --out "${STORE%.db}-run"
echo "== curate stats --db $STORE"
"$CURATE" stats --db "$STORE"
