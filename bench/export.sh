#!/usr/bin/env bash
# Export speed and memory: `curate export` of every ranked document (one store, scored by perplexity)
# against plain `zstd -3` compressing the same bytes (the shards' JSON lines, decompressed to a file),
# in the same run. Two corpus sizes show whether memory stays flat.
#
# Usage: bench/export.sh [--sizes "50 200"]   Environment: BENCH_DIR (default /tmp/curate-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SIZES="50 200"
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
WORK=${BENCH_DIR:-/tmp/curate-bench}
mkdir -p "$WORK"
bash scripts/setup-system.sh
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
command -v zstd >/dev/null || apt-get install -y -qq zstd >/dev/null
swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"

# Peak anonymous and file-backed resident memory of a command, sampled from /proc every 20 ms (export
# maps the store read-only: those pages are the kernel's page cache, counted in RSS as RssFile).
sampled() {  # sampled CMD... -> "seconds anon_kb file_kb"
    local start end pid anon=0 file=0 a f
    start=$(date +%s.%N)
    "$@" & pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        a=$(awk '/^RssAnon/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0); f=$(awk '/^RssFile/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
        [ "${a:-0}" -gt "$anon" ] && anon=$a; [ "${f:-0}" -gt "$file" ] && file=$f
        sleep 0.02
    done
    wait "$pid"
    end=$(date +%s.%N)
    echo "$(awk -v s="$start" -v e="$end" 'BEGIN{print e-s}') $anon $file"
}

printf "%-7s %-36s %9s %9s %10s %9s %9s\n" "corpus" "tool" "seconds" "MB/s" "JSON MB" "anon RSS" "file RSS"
for SIZE in $SIZES; do
    CORPUS="$WORK/export-$SIZE.jsonl"
    [ -f "$CORPUS" ] || python3 bench/gen_corpus.py "$CORPUS" "$SIZE" >&2
    STORE="$WORK/export-$SIZE.db"
    OUT="$WORK/export-$SIZE-out"
    if [ ! -f "$STORE" ]; then
        "$CURATE" ingest "$CORPUS" --db "$STORE" --quiet
        "$CURATE" score --metric perplexity --db "$STORE" --quiet
    fi
    best=""
    for _ in 1 2 3; do
        rm -rf "$OUT"
        read -r seconds anon file < <(sampled "$CURATE" export --db "$STORE" --out "$OUT" --quiet)
        if [ -z "$best" ] || awk "BEGIN{exit !($seconds < $best)}"; then best=$seconds; banon=$anon; bfile=$file; fi
    done
    "$CURATE" export --verify "$OUT" --quiet
    JSON="$WORK/export-$SIZE.json-lines"
    cat "$OUT"/shard-*.jsonl.zst | zstd -dc >"$JSON"
    BYTES=$(stat -c %s "$JSON")
    zbest=""
    for _ in 1 2 3; do
        read -r seconds anon file < <(sampled zstd -3 -T1 -q -f "$JSON" -o "$JSON.zst")
        if [ -z "$zbest" ] || awk "BEGIN{exit !($seconds < $zbest)}"; then zbest=$seconds; zanon=$anon; zfile=$file; fi
    done
    row() { awk -v c="$SIZE MB" -v t="$1" -v s="$2" -v b="$BYTES" -v a="$3" -v f="$4" 'BEGIN { printf "%-7s %-36s %9.2f %9.1f %10.1f %7.0fMB %7.0fMB\n", c, t, s, b/1e6/s, b/1e6, a/1024, f/1024 }'; }
    row "curate export (all documents)" "$best" "$banon" "$bfile"
    row "zstd -3 -T1 on the same JSON lines" "$zbest" "$zanon" "$zfile"
    awk -v a="$best" -v z="$zbest" 'BEGIN { printf "        curate export runs at %.0f%% of plain zstd'"'"'s MB/s\n", 100*z/a }'
    rm -f "$JSON" "$JSON.zst"
done
