#!/usr/bin/env bash
# Slurm integration test (run by scripts/test.sh): starts a one-node Slurm (scripts/slurm-local.sh),
# runs the samples pipeline once on one store, then as a 4-partition sbatch array job followed by the
# corpus-wide phases (one array job each, each depending on the one before; no merged store), and checks
# that the two exports are byte-identical. Then a lost partition is resubmitted alone with --resume, and
# the pipeline runs again as 16 partitions. Last, a 2-task data-parallel training job (srun with PMIx)
# must write the same checkpoint as the same run under mpirun.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/slurm-local.sh
if [ -z "${CURATE_BIN:-}" ]; then
    test_swift build --product curate >/dev/null
    CURATE_BIN="$(test_swift build --show-bin-path)/curate"
fi
CURATE="$CURATE_BIN"
SAMPLES="$(pwd)/samples"
WORK=$(mktemp -d /tmp/curate-slurm-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/single" "$WORK/slurm" "$WORK/slurm16" "$WORK/train"
for dir in single slurm slurm16; do
    cat >"$WORK/$dir/pipeline.yaml" <<YAML
inputs: [$SAMPLES]
store: pipeline.db
export:
  out: export
  top: 0.3
  shard_size: 65536
partitions:
  buckets: 2                      # fewer array tasks per phase: each phase's tasks fit the 2 CPUs at once
  writers: 2
slurm:
  time: "00:10:00"
  mem: 1G
  cpus_per_task: 1
YAML
done

# Waits for a job to end; fails with its log when it did not complete.
wait_for() {  # wait_for JOB LOG
    local state=""
    for _ in $(seq 1 600); do
        state=$(scontrol show job "$1" -o 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 || true)
        case "$state" in
            COMPLETED) return 0 ;;
            FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)
                echo "slurm test: job $1 ended $state" >&2; tail -n 20 "$(dirname "$2")"/*.log >&2 || true; return 1 ;;
        esac
        sleep 0.5
    done
    echo "slurm test: job $1 still $state after 300 s" >&2
    return 1
}
last_job() { python3 -c 'import json,sys; print(json.load(sys.stdin)["last"])'; }

(cd "$WORK/single" && "$CURATE" run pipeline.yaml --quiet)
JOB=$(cd "$WORK/slurm" && "$CURATE" run pipeline.yaml --executor slurm --partitions 4 --json | last_job)
echo "slurm test: submitted 4 partition tasks and the phases after them, the last job $JOB"
wait_for "$JOB" "$WORK/slurm/pipeline.db.parts/slurm/"*export-manifest.log
test ! -e "$WORK/slurm/pipeline.db" || { echo "slurm test: a merged store was made" >&2; exit 1; }
diff -r "$WORK/single/export" "$WORK/slurm/export"
echo "slurm test: the 4-partition Slurm export is byte-identical to the single-store export ($(ls "$WORK/slurm/export" | wc -l) files)"

# A lost partition: --resume submits that task alone, then the phases (their finished tasks end at
# once), and the result is the same.
rm -f "$WORK/slurm/pipeline.db.parts/part-00002.db"*
OUT=$(cd "$WORK/slurm" && "$CURATE" run pipeline.yaml --executor slurm --partitions 4 --resume)
echo "$OUT"
echo "$OUT" | grep -q "1 partition task" || { echo "slurm test: --resume did not submit exactly the lost partition" >&2; exit 1; }
JOB=$(echo "$OUT" | sed -n 's/.*submitted job \([0-9]*\): export manifest.*/\1/p')
wait_for "$JOB" "$WORK/slurm/pipeline.db.parts/slurm/"*export-manifest.log
diff -r "$WORK/single/export" "$WORK/slurm/export"
echo "slurm test: the resubmitted partition gives the same bytes"

# 16 partitions (more than some inputs have files): the same bytes again.
JOB=$(cd "$WORK/slurm16" && "$CURATE" run pipeline.yaml --executor slurm --partitions 16 --json | last_job)
wait_for "$JOB" "$WORK/slurm16/pipeline.db.parts/slurm/"*export-manifest.log
diff -r "$WORK/single/export" "$WORK/slurm16/export"
echo "slurm test: passed (4 and 16 partitions, and a resubmitted partition, byte-identical to one store)"

# Data-parallel training as a Slurm job of 2 tasks: srun starts the workers (PMIx), and the run must be
# the one mpirun gives on this machine, byte for byte.
cat >"$WORK/train/train.yaml" <<YAML
layers: 2
heads: 2
width: 32
context: 32
batch: 4
vocabulary: 300
steps: 30
warmup: 3
eval_interval: 10
eval_batches: 2
threads: 1
YAML
cd "$WORK/train"
"$CURATE" tokenizer train --shards "$SAMPLES/en/science.jsonl" --vocab 300 --out tok.json --quiet
TRAIN=(train --shards "$SAMPLES/en/science.jsonl" --tokenizer tok.json --config train.yaml --workers 2 --quiet)
mpirun --allow-run-as-root --oversubscribe -n 2 "$CURATE" "${TRAIN[@]}" --out local
JOB=$(sbatch --parsable --ntasks=2 --cpus-per-task=1 --time=00:05:00 --output="$WORK/train/slurm.log" \
    --wrap "srun --mpi=pmix -n 2 '$CURATE' ${TRAIN[*]} --out slurm")
wait_for "$JOB" "$WORK/train/slurm.log"
cmp local/checkpoint.bin slurm/checkpoint.bin
cmp local/metrics.csv slurm/metrics.csv
echo "slurm test: a 2-task training job (srun --mpi=pmix) wrote the checkpoint mpirun -n 2 writes"
