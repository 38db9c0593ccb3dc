#!/usr/bin/env bash
# Fuzzes every parser that reads user bytes with libFuzzer and AddressSanitizer (Swift's
# -sanitize=fuzzer,address): the JSONL record reader, the WET reader, the gzip and zstd stream readers,
# the ARPA reader, the YAML loaders (filter profiles, training, export and dedup settings) and the
# tokenizer / model file loaders. Each target starts from its seeds in Tests/Fuzz/TARGET and runs for
# the given time; a crash, hang (10 s per input) or sanitizer report fails the script and leaves the
# reproducer in .build-fuzz/findings/ (copy it to Tests/Fuzz/TARGET so the replay test keeps it).
#
# Leak detection is off: swift-foundation's FileManager.contents(atPath:) leaks its buffer when the
# file is empty (an empty input in Tests/Fuzz/tokenizer reproduces it), which is not curate's to fix.
#
# Usage: scripts/fuzz.sh [--seconds N] [--jobs J] [TARGET…]   (default 600 s per target, all targets, 1 job)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
SECONDS_PER_TARGET=600
JOBS=1
TARGETS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_PER_TARGET=$2; shift 2 ;;
        --jobs) JOBS=$2; shift 2 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) TARGETS+=("$1"); shift ;;
    esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(jsonl wet gzip zstd arpa yaml tokenizer)
bash scripts/setup-system.sh
BUILD=.build-fuzz
# lld, not gold: gold crashes formatting its own error messages on these objects. Build tools get
# the flags too, hence the FUZZING stub in Tools/embed-files.
swift build --product curate-fuzz --build-path "$BUILD" -Xswiftc -DFUZZING -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld >/dev/null
FUZZER="$BUILD/debug/curate-fuzz"
mkdir -p "$BUILD/findings"
run_target() {
    local target=$1 corpus="$BUILD/corpus/$1" log="$BUILD/$1.log"
    mkdir -p "$corpus"
    if ASAN_OPTIONS=detect_leaks=0 CURATE_FUZZ_TARGET=$target "$FUZZER" "$corpus" "Tests/Fuzz/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
        -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 -detect_leaks=0 -artifact_prefix="$BUILD/findings/$target-" >"$log" 2>&1; then
        local runs cov speed
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
        speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        printf "%-10s no finding in %s s: %s runs (%s exec/s), coverage %s edges, corpus %s inputs\n" \
            "$target" "$SECONDS_PER_TARGET" "$runs" "$speed" "$cov" "$(ls "$corpus" | wc -l)"
    else
        printf "%-10s FINDING: see %s and %s\n" "$target" "$log" "$(ls "$BUILD"/findings/"$target"-* 2>/dev/null | head -1)"
        return 1
    fi
}
failed=0
running=0
for target in "${TARGETS[@]}"; do
    run_target "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then wait -n || failed=1; running=$((running - 1)); fi
done
while [ "$running" -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
exit $failed
