#!/usr/bin/env bash
# Trainer speed: `curate train` against PyTorch on the CPU with the same model shape (pipelines/
# train-tiny.yaml: 4 layers, 4 heads, width 128, context 128, batch 8), the same vocabulary (the
# tokenizer's 4,096 tokens and the separator), float32, and the same thread counts, in one run; then a
# profile of where curate's step time goes (OpenBLAS matrix products against everything else).
#
# Usage: bench/train.sh [--steps N]   Environment: PEERS_VENV (default /work/peers-venv; needs torch:
# WITH_TORCH=1 ../shared/peers/setup.sh VENV), BENCH_DIR (default /tmp/curate-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

STEPS=40
while [ $# -gt 0 ]; do
    case "$1" in
        --steps) STEPS=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
VENV=${PEERS_VENV:-/work/peers-venv}
WORK=${BENCH_DIR:-/tmp/curate-bench}/train
mkdir -p "$WORK"
bash scripts/setup-system.sh
"$VENV/bin/python" -c "import torch" 2>/dev/null || WITH_TORCH=1 bash ../shared/peers/setup.sh "$VENV"
swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"

CORPUS="$WORK/corpus.jsonl"
[ -f "$CORPUS" ] || python3 bench/gen_corpus.py "$CORPUS" 5 >&2
[ -f "$WORK/tok.json" ] || "$CURATE" tokenizer train --shards "$CORPUS" --vocab 4096 --out "$WORK/tok.json" --quiet

# The BLAS kernel curate runs (it re-executes itself with a faster one when OpenBLAS fell back to a generic one).
"$CURATE" --version
printf "%-34s %8s %12s\n" "tool" "threads" "tokens/s"
for THREADS in 1 2; do
    printf "steps: %s\nwarmup: 4\neval_interval: 100000\neval_batches: 1\nthreads: %s\n" "$STEPS" "$THREADS" >"$WORK/bench.yaml"
    rm -rf "$WORK/run"
    "$CURATE" train --shards "$CORPUS" --tokenizer "$WORK/tok.json" --config "$WORK/bench.yaml" --out "$WORK/run" --json >"$WORK/summary.json"
    CURATE_RATE=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["tokensPerSecond"])' <"$WORK/summary.json")
    TORCH=$("$VENV/bin/python" bench/train/torch_gpt.py --layers 4 --heads 4 --width 128 --context 128 --vocab 4097 --batch 8 \
        --steps "$STEPS" --threads "$THREADS")
    TORCH_RATE=$(echo "$TORCH" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens_per_second"])')
    TORCH_NAME=$(echo "$TORCH" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tool"])')
    printf "%-34s %8s %12.0f\n" "curate train" "$THREADS" "$CURATE_RATE"
    printf "%-34s %8s %12.0f\n" "$TORCH_NAME" "$THREADS" "$TORCH_RATE"
    awk -v c="$CURATE_RATE" -v t="$TORCH_RATE" -v n="$THREADS" 'BEGIN { printf "        %s thread(s): curate %.2fx PyTorch\n", n, c/t }'
    eval "CURATE_RATE_$THREADS=$CURATE_RATE"
done
awk -v one="$CURATE_RATE_1" -v two="$CURATE_RATE_2" 'BEGIN { printf "        curate: 2 threads %.2fx 1 thread\n", two/one }'

# Data-parallel: two processes under mpirun, one thread each, the same global batch (docs/train.md).
if command -v mpirun >/dev/null; then
    printf "steps: %s\nwarmup: 4\neval_interval: 100000\neval_batches: 1\nthreads: 1\n" "$STEPS" >"$WORK/bench.yaml"
    rm -rf "$WORK/run"
    mpirun --allow-run-as-root --oversubscribe -n 2 "$CURATE" train --shards "$CORPUS" --tokenizer "$WORK/tok.json" \
        --config "$WORK/bench.yaml" --out "$WORK/run" --workers 2 --json >"$WORK/summary-mpi.json"
    MPI_RATE=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["tokensPerSecond"])' <"$WORK/summary-mpi.json")
    printf "%-34s %8s %12.0f\n" "curate train --workers 2 (mpirun)" "1+1" "$MPI_RATE"
    awk -v m="$MPI_RATE" -v one="$CURATE_RATE_1" 'BEGIN { printf "        2 workers: %.2fx 1 thread\n", m/one }'
fi

python3 -c '
import json, sys
s = json.load(sys.stdin)
mb, t = s["textBytes"] / 1e6, s["tokenizeSeconds"]
print(f"\ntokenizer: {mb:.1f} MB of text encoded in {t:.2f} s ({mb / t:.1f} MB/s, JSON reading included, one thread)")' <"$WORK/summary.json"

if command -v perf >/dev/null; then
    printf "steps: %s\nwarmup: 4\neval_interval: 100000\neval_batches: 1\nthreads: 1\n" "$STEPS" >"$WORK/bench.yaml"
    rm -rf "$WORK/run"
    perf record -q -o "$WORK/perf.data" "$CURATE" train --shards "$CORPUS" --tokenizer "$WORK/tok.json" --config "$WORK/bench.yaml" \
        --out "$WORK/run" --quiet 2>/dev/null
    echo
    echo "where curate's time goes (perf, one thread, tokenizing included):"
    perf report -i "$WORK/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -6
    perf report -i "$WORK/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -12 | cut -c1-100
fi
