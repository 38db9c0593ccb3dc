#!/usr/bin/env bash
# The critical path of a partitioned `curate run` without a merged store (docs/scaling.md): ~1 GB of
# real text from the mixed dev corpus (bench/partitioned/mix_corpus.py: the corpus, then 24 rounds of
# its documents' halves paired anew, so that the near-duplicate rate stays the corpus's own), cut into
# 256 files, run as 1, 4 and 16 partitions. bench/partitioned/drive.py runs each
# step's tasks two at a time (this machine's cores) and prints, per step: tasks, wall seconds, the
# largest single task's seconds, the largest task's peak RSS, and the bytes the step wrote for the
# steps after it. Then checks that the three exports are byte-identical. Takes about 20 minutes.
# Usage: bench/partitioned.sh [DEV_DIR] [WORK_DIR]   (defaults /work/devcorpus/out, /tmp/curate-bench-partitioned)
# Environment: CURATE (a binary to use instead of building), PARTITIONS (default "1 4 16").
set -euo pipefail
DEV=$(realpath -m "${1:-/work/devcorpus/out}")
WORK=$(realpath -m "${2:-/tmp/curate-bench-partitioned}")
cd "$(dirname "$0")/.."
source scripts/env.sh
REPO=$PWD
if [ -z "${CURATE:-}" ]; then
    swift build -c release --product curate >/dev/null
    CURATE="$(swift build -c release --show-bin-path)/curate"
fi
mkdir -p "$WORK"
if [ ! -f "$WORK/corpus/.done" ]; then
    rm -rf "$WORK/corpus"; mkdir -p "$WORK/corpus"
    python3 bench/partitioned/mix_corpus.py "$DEV/corpus.jsonl" "$WORK/all.jsonl" 25 >"$WORK/corpus.json"
    split -n l/256 -d -a 3 --additional-suffix=.jsonl "$WORK/all.jsonl" "$WORK/corpus/part-"
    rm "$WORK/all.jsonl"
    touch "$WORK/corpus/.done"
fi
echo "corpus: $(cat "$WORK/corpus.json") in $(ls "$WORK/corpus" | grep -c jsonl) files; load $(cut -d' ' -f1 /proc/loadavg)"
for n in ${PARTITIONS:-1 4 16}; do
    rm -rf "$WORK/n$n"; mkdir -p "$WORK/n$n"
    cat >"$WORK/n$n/pipeline.yaml" <<YAML
inputs: [$WORK/corpus]
store: pipeline.db
stages: [ingest, heuristics, dedup, perplexity, export]
export:
  out: export
  top: 0.3
YAML
    echo
    echo "$n partition(s): step, tasks, wall s, largest task s, largest task RSS MB, MB written"
    (cd "$WORK/n$n" && python3 "$REPO/bench/partitioned/drive.py" "$CURATE" pipeline.yaml "$n" 2 "$WORK/n$n.json")
done
set -- ${PARTITIONS:-1 4 16}
first=$1; shift
for n in "$@"; do
    diff -r "$WORK/n$first/export" "$WORK/n$n/export" >/dev/null && echo "exports of $first and $n partitions: byte-identical" \
        || { echo "exports of $first and $n partitions differ" >&2; exit 1; }
done
