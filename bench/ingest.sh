#!/usr/bin/env bash
# Ingest benchmark: curate ingest against datatrove 0.10.1 JsonlReader -> JsonlWriter, same file, same run.
#
# Generates a deterministic JSONL corpus from samples/ (plain and .zst), then measures wall time,
# MB/s, documents/s and peak RSS (GNU time) of each tool, and prints the ratios. The machines are
# noisy: each measurement is the best of --repeat runs, and only the ratios mean much.
#
# Usage: bench/ingest.sh [--size MB] [--repeat N] [--rss-size MB] [--no-peer]
#   --size MB      corpus size for the speed comparison (default 300)
#   --rss-size MB  also ingest a corpus of this size and report curate's peak RSS (default 1000; 0 = skip)
# Environment: PEERS_VENV (default /tmp/peers-venv; built with ../shared/peers/setup.sh when missing),
#              BENCH_DIR (scratch space, default /tmp/curate-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SIZE=300; REPEAT=3; RSS_SIZE=1000; PEER=1
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --rss-size) RSS_SIZE=$2; shift 2 ;;
        --no-peer) PEER=0; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

VENV=${PEERS_VENV:-/tmp/peers-venv}
WORK=${BENCH_DIR:-/tmp/curate-bench}
mkdir -p "$WORK"
bash scripts/setup-system.sh
for tool in zstd /usr/bin/time; do
    command -v "$tool" >/dev/null || { apt-get install -y -qq zstd time >/dev/null; }
done
if [ "$PEER" = 1 ]; then
    if [ ! -x "$VENV/bin/python" ] || [ ! -f "$VENV/peer-versions.txt" ]; then bash ../shared/peers/setup.sh "$VENV"; fi
    # datatrove reads .zst through fsspec, which needs the zstandard package (setup.sh does not add it).
    "$VENV/bin/python" -c "import zstandard" 2>/dev/null || "$VENV/bin/pip" install -q zstandard
fi

swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"

corpus() {  # corpus SIZE_MB -> path of a generated JSONL file (cached)
    local file="$WORK/corpus-$1mb.jsonl"
    [ -f "$file" ] || python3 bench/gen_corpus.py "$file" "$1" >&2
    echo "$file"
}

# best_of N CMD... : runs the command N times, prints "seconds peak_rss_kb" of the fastest run.
# Each run must report the corpus's document count ("documents": N in its JSON output), or the
# benchmark stops: a fast run that read nothing is not a result.
best_of() {
    local n=$1; shift
    local best="" rss=""
    for _ in $(seq "$n"); do
        rm -rf "$WORK/out" "$WORK"/store.db*
        /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt" || { cat "$WORK/stderr.txt" >&2; return 1; }
        local got
        got=$(python3 bench/json_field.py documents <"$WORK/stdout.txt" || echo -1)
        if [ "$got" != "$EXPECTED_DOCS" ]; then
            echo "benchmark run read $got documents, expected $EXPECTED_DOCS: $*" >&2
            tail -5 "$WORK/stderr.txt" >&2
            return 1
        fi
        read -r seconds kb < <(tail -1 "$WORK/time.txt")
        if [ -z "$best" ] || awk "BEGIN{exit !($seconds < $best)}"; then best=$seconds; rss=$kb; fi
    done
    echo "$best $rss"
}

PLAIN=$(corpus "$SIZE")
ZST="$PLAIN.zst"
[ -f "$ZST" ] || zstd -q -3 -T2 "$PLAIN" -o "$ZST"
BYTES=$(stat -c %s "$PLAIN")
DOCS=$(wc -l < "$PLAIN")
mkdir -p "$WORK/in-plain" "$WORK/in-zst"
ln -sf "$PLAIN" "$WORK/in-plain/corpus.jsonl"
ln -sf "$ZST" "$WORK/in-zst/corpus.jsonl.zst"

echo "corpus: $PLAIN ($BYTES bytes, $DOCS documents; $(stat -c %s "$ZST") bytes as .zst); best of $REPEAT"
echo "machine: $(nproc) cores, $(uname -r), curate $("$CURATE" --version | cut -d' ' -f2)"
printf "%-44s %8s %9s %11s %9s\n" "tool" "seconds" "MB/s" "docs/s" "RSS MB"
report() {  # report NAME SECONDS RSS_KB
    awk -v name="$1" -v s="$2" -v kb="$3" -v bytes="$BYTES" -v docs="$DOCS" \
        'BEGIN { printf "%-44s %8.2f %9.1f %11.0f %9.0f\n", name, s, bytes/1e6/s, docs/s, kb/1024 }'
}

EXPECTED_DOCS=$DOCS
read -r C_PLAIN C_PLAIN_RSS < <(best_of "$REPEAT" "$CURATE" ingest "$WORK/in-plain" --db "$WORK/store.db" --json)
report "curate ingest (jsonl)" "$C_PLAIN" "$C_PLAIN_RSS"
read -r C_ZST C_ZST_RSS < <(best_of "$REPEAT" "$CURATE" ingest "$WORK/in-zst" --db "$WORK/store.db" --json)
report "curate ingest (jsonl.zst)" "$C_ZST" "$C_ZST_RSS"

if [ "$PEER" = 1 ]; then
    PY="$VENV/bin/python"
    read -r D_GZ D_GZ_RSS < <(best_of "$REPEAT" "$PY" bench/datatrove_ingest.py "$WORK/in-plain" "*.jsonl" "$WORK/out" gzip)
    report "datatrove JsonlReader->JsonlWriter (gzip)" "$D_GZ" "$D_GZ_RSS"
    read -r D_RAW D_RAW_RSS < <(best_of "$REPEAT" "$PY" bench/datatrove_ingest.py "$WORK/in-plain" "*.jsonl" "$WORK/out" none)
    report "datatrove JsonlReader->JsonlWriter (none)" "$D_RAW" "$D_RAW_RSS"
    read -r D_ZST D_ZST_RSS < <(best_of "$REPEAT" "$PY" bench/datatrove_ingest.py "$WORK/in-zst" "*.jsonl.zst" "$WORK/out" gzip)
    report "datatrove (jsonl.zst in, gzip out)" "$D_ZST" "$D_ZST_RSS"
    echo
    awk -v c="$C_PLAIN" -v g="$D_GZ" -v r="$D_RAW" -v cz="$C_ZST" -v dz="$D_ZST" 'BEGIN {
        printf "ratio, plain JSONL: curate is %.1fx datatrove with its default gzip writer, %.1fx with an uncompressed writer\n", g/c, r/c
        printf "ratio, .zst input:  curate is %.1fx datatrove (gzip writer)\n", dz/cz }'
fi

if [ "$RSS_SIZE" != 0 ]; then
    BIG=$(corpus "$RSS_SIZE")
    mkdir -p "$WORK/in-big"; ln -sf "$BIG" "$WORK/in-big/corpus.jsonl"
    EXPECTED_DOCS=$(wc -l < "$BIG")
    read -r C_BIG C_BIG_RSS < <(best_of 1 "$CURATE" ingest "$WORK/in-big" --db "$WORK/store.db" --json)
    awk -v s="$C_BIG" -v kb="$C_BIG_RSS" -v bytes="$(stat -c %s "$BIG")" \
        'BEGIN { printf "curate ingest of %.0f MB: %.2f s (%.1f MB/s), peak RSS %.0f MB\n", bytes/1e6, s, bytes/1e6/s, kb/1024 }'
fi
rm -rf "$WORK/out" "$WORK"/store.db*
