#!/usr/bin/env bash
# Scale-out figures for docs/scaling.md: per-stage time of `curate run` on one store (two threads),
# then the same pipeline as 4 partitions (each task on one thread, one after another: per-core
# throughput), the merge alone, and the stages on the merged store; checks the two exports are
# byte-identical.
#
# Usage: bench/scaleout.sh [--size MB] [--files N]   Environment: BENCH_DIR (default /tmp/curate-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
SIZE=100
FILES=16
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE=$2; shift 2 ;;
        --files) FILES=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
WORK=${BENCH_DIR:-/tmp/curate-bench}/scaleout-$SIZE
mkdir -p "$WORK/corpus"
bash scripts/setup-system.sh
swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"
if [ ! -f "$WORK/corpus/.done" ]; then
    python3 bench/gen_corpus.py "$WORK/all.jsonl" "$SIZE" >&2
    split -n "l/$FILES" -d -a 3 --additional-suffix=.jsonl "$WORK/all.jsonl" "$WORK/corpus/part-"
    rm "$WORK/all.jsonl"
    touch "$WORK/corpus/.done"
fi
BYTES=$(cat "$WORK"/corpus/*.jsonl | wc -c)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
row() { awk -v n="$1" -v s="$2" -v t="$3" -v b="$BYTES" 'BEGIN { printf "%-34s %8.2f %9.1f %9.1f\n", n, s, b / 1e6 / s, b / 1e6 / s / t }'; }

for dir in single parts; do
    rm -rf "$WORK/$dir"; mkdir -p "$WORK/$dir"
    printf "inputs: [%s]\nstore: pipeline.db\nexport:\n  out: export\n  top: 0.3\n" "$WORK/corpus" >"$WORK/$dir/pipeline.yaml"
done
echo "corpus: $WORK/corpus ($FILES files, $BYTES bytes)"
printf "%-34s %8s %9s %9s\n" "step" "seconds" "MB/s" "MB/s/core"
cd "$WORK/single"
for stage in "ingest samples" "score --metric heuristics" "dedup" "score --metric perplexity" "dedup" "export --out export --top 0.3"; do
    set -- $stage
    [ "$1" = ingest ] && set -- ingest "$WORK/corpus"
    start=$(now); "$CURATE" "$@" --db pipeline.db --threads 2 --quiet; end=$(now)
    row "one store: $*" "$(elapsed "$start" "$end")" 2
done
cd "$WORK/parts"
start=$(now)
for k in 0 1 2 3; do "$CURATE" run pipeline.yaml --partitions 4 --task "$k" --threads 1 --quiet; done
end=$(now)
row "4 partitions (ingest, heuristics, sign), 1 thread each, in turn" "$(elapsed "$start" "$end")" 1
start=$(now); "$CURATE" merge pipeline.db.parts/part-0000{0,1,2,3}.db --out merge-only.db --quiet; end=$(now)
row "merge of the 4 stores" "$(elapsed "$start" "$end")" 1
start=$(now); "$CURATE" run pipeline.yaml --partitions 4 --finish --threads 2 --quiet; end=$(now)
row "merge + dedup + perplexity + export" "$(elapsed "$start" "$end")" 2
ls -la "$WORK/single/pipeline.db" "$WORK/parts/pipeline.db" "$WORK"/parts/pipeline.db.parts/*.db | awk '{ print $5, $9 }'
# The single-store export was made by the subcommands, the partitioned one by `curate run`: compare shards.
for shard in "$WORK"/single/export/*.zst; do
    cmp "$shard" "$WORK/parts/export/$(basename "$shard")" || { echo "exports differ" >&2; exit 1; }
done
echo "exports: byte-identical shards"
