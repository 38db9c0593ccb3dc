#!/usr/bin/env bash
# Export speed and memory: `curate export` of every ranked document (one store, scored by perplexity)
# against plain `zstd -3` compressing the same bytes (the shards' JSON lines, decompressed to a file),
# in the same run, the two alternating. Two corpus sizes show whether memory stays flat.
#
# Two corpus styles (bench/gen_corpus.py): markov, whose text compresses about as well as real prose
# (zstd -3: ~3.6x), and recombined, which repeats a small pool of sentences (zstd -3: ~12x) and so makes
# the peer, zstd, unusually fast: export's own work per document is the same in both.
#
# Usage: bench/export.sh [--sizes "50 200"] [--styles "markov recombined"]
# Environment: BENCH_DIR (default /tmp/curate-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SIZES="50 200"
STYLES="markov recombined"
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES=$2; shift 2 ;;
        --styles) STYLES=$2; shift 2 ;;
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

timed() {  # timed CMD... -> wall-clock seconds
    local start end
    start=$(date +%s.%N)
    "$@"
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN{print e-s}'
}

printf "%-17s %-36s %9s %9s %10s %9s %9s\n" "corpus" "tool" "seconds" "MB/s" "JSON MB" "anon RSS" "file RSS"
for STYLE in $STYLES; do
for SIZE in $SIZES; do
    NAME="export-$SIZE"; [ "$STYLE" = recombined ] || NAME="export-$STYLE-$SIZE"
    CORPUS="$WORK/$NAME.jsonl"
    [ -f "$CORPUS" ] || python3 bench/gen_corpus.py "$CORPUS" "$SIZE" --style "$STYLE" >&2
    STORE="$WORK/$NAME.db"
    OUT="$WORK/$NAME-out"
    if [ ! -f "$STORE" ]; then
        "$CURATE" ingest "$CORPUS" --db "$STORE" --quiet
        "$CURATE" score --metric perplexity --db "$STORE" --quiet
    fi
    rm -rf "$OUT"
    "$CURATE" export --db "$STORE" --out "$OUT" --quiet
    "$CURATE" export --verify "$OUT" --quiet
    JSON="$WORK/$NAME.json-lines"
    cat "$OUT"/shard-*.jsonl.zst | zstd -dc >"$JSON"
    BYTES=$(stat -c %s "$JSON")
    # Timing: the two tools alternate, best of five each, and nothing else runs meanwhile (sampling
    # /proc every 20 ms would take a share of this machine's two cores from whichever tool is measured).
    best=""; zbest=""
    for _ in 1 2 3 4 5; do
        rm -rf "$OUT"
        seconds=$(timed "$CURATE" export --db "$STORE" --out "$OUT" --quiet)
        if [ -z "$best" ] || awk "BEGIN{exit !($seconds < $best)}"; then best=$seconds; fi
        seconds=$(timed zstd -3 -T1 -q -f "$JSON" -o "$JSON.zst")
        if [ -z "$zbest" ] || awk "BEGIN{exit !($seconds < $zbest)}"; then zbest=$seconds; fi
    done
    # Memory: one more run of each, sampled.
    rm -rf "$OUT"
    read -r _ banon bfile < <(sampled "$CURATE" export --db "$STORE" --out "$OUT" --quiet)
    read -r _ zanon zfile < <(sampled zstd -3 -T1 -q -f "$JSON" -o "$JSON.zst")
    row() { awk -v c="$STYLE $SIZE MB" -v t="$1" -v s="$2" -v b="$BYTES" -v a="$3" -v f="$4" 'BEGIN { printf "%-17s %-36s %9.2f %9.1f %10.1f %7.0fMB %7.0fMB\n", c, t, s, b/1e6/s, b/1e6, a/1024, f/1024 }'; }
    row "curate export (all documents)" "$best" "$banon" "$bfile"
    row "zstd -3 -T1 on the same JSON lines" "$zbest" "$zanon" "$zfile"
    ZBYTES=$(stat -c %s "$JSON.zst")
    awk -v a="$best" -v z="$zbest" -v r="$(awk -v b="$BYTES" -v c="$ZBYTES" 'BEGIN{print b/c}')" \
        'BEGIN { printf "                  curate export runs at %.0f%% of plain zstd'"'"'s MB/s (zstd -3 shrinks these lines %.1fx)\n", 100*z/a, r }'
    rm -f "$JSON" "$JSON.zst"
done
done
