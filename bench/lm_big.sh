#!/usr/bin/env bash
# `curate lm train --from FILE.txt` reads text a line at a time, like lmplz (issue 21). Three checks:
# 1. parity: real documentation prose (the Rust and Cargo books rustup installs), one sentence a line,
#    order 5: curate's ARPA against lmplz's, n-gram for n-gram within 1e-4 (bench/parity/compare_arpa.py);
# 2. bad lines: the same file with a NUL line and an invalid UTF-8 line mixed in trains the same model,
#    and the warnings name both lines;
# 3. scale: a SIZE_MB one-sentence-a-line file generated from the real one (bench/lm/text_lines.py
#    markov), `curate lm train --order 5 --memory MEMORY_MB`: seconds and peak RSS, which must stay
#    within MEMORY_MB + 200 MB; lmplz -S MEMORY_MB on the same file in the same run when LMPLZ_BIG=1.
# Usage: bench/lm_big.sh [SIZE_MB] [MEMORY_MB] [VENV]   (defaults 1100, 1024, $PEERS_VENV or /tmp/peers-venv)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
SIZE=${1:-1100}
MEMORY=${2:-1024}
VENV=${3:-${PEERS_VENV:-/tmp/peers-venv}}
WORK=${WORK:-$(mktemp -d /tmp/curate-lm-big.XXXX)}
swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"
BOOKS=$(ls -d ~/.rustup/toolchains/*/share/doc/rust/html/book ~/.rustup/toolchains/*/share/doc/rust/html/cargo 2>/dev/null | head -2)
[ -s "$WORK/real.txt" ] || python3 bench/lm/text_lines.py real "$WORK/real.txt" $BOOKS
echo "real text: $(wc -l < "$WORK/real.txt") lines, $(du -m "$WORK/real.txt" | cut -f1) MB"

echo "== 1. parity with lmplz, order 5"
"$VENV/bin/lmplz" -o 5 -S 500M --discount_fallback < "$WORK/real.txt" > "$WORK/lmplz.arpa" 2>/dev/null
"$CURATE" lm train --order 5 --from "$WORK/real.txt" --tokenize whitespace --out "$WORK/curate.arpa" --quiet
python3 bench/parity/compare_arpa.py "$WORK/lmplz.arpa" "$WORK/curate.arpa" | tail -1 || true

echo "== 2. bad lines"
python3 - "$WORK/real.txt" "$WORK/dirty.txt" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
lines.insert(100, b"a line with a NUL \x00 byte")
lines.insert(5000, b"a line with invalid \xff\xfe utf-8")
open(sys.argv[2], "wb").write(b"\n".join(lines))
PY
"$CURATE" lm train --order 5 --from "$WORK/dirty.txt" --tokenize whitespace --out "$WORK/dirty.arpa" 2>"$WORK/dirty.err" >/dev/null
cat "$WORK/dirty.err"
python3 bench/parity/compare_arpa.py "$WORK/curate.arpa" "$WORK/dirty.arpa" | tail -1 || true

echo "== 3. scale: ${SIZE} MB, --memory $MEMORY"
[ -s "$WORK/big.txt" ] || python3 bench/lm/text_lines.py markov "$WORK/big.txt" "$WORK/real.txt" "$SIZE"
echo "big.txt: $(du -m "$WORK/big.txt" | cut -f1) MB, $(wc -l < "$WORK/big.txt") lines"
/usr/bin/time -f "curate: %e s, peak RSS %M KB" "$CURATE" lm train --order 5 --from "$WORK/big.txt" --tokenize whitespace \
    --memory "$MEMORY" --out "$WORK/big.arpa" --json > "$WORK/big.json" 2> "$WORK/big.time"
cat "$WORK/big.time"
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('sentences', r['sentences'], 'tokens', r['tokens'], 'ngrams', r['ngrams'], 'spilled runs', r['spilledRuns'])" "$WORK/big.json"
PEAK_MB=$(( $(grep -o 'peak RSS [0-9]*' "$WORK/big.time" | grep -o '[0-9]*') / 1024 ))
echo "peak RSS ${PEAK_MB} MB against --memory ${MEMORY} + 200 MB: $([ "$PEAK_MB" -le $((MEMORY + 200)) ] && echo within || echo OVER)"
if [ "${LMPLZ_BIG:-0}" = 1 ]; then
    /usr/bin/time -f "lmplz: %e s, peak RSS %M KB" "$VENV/bin/lmplz" -o 5 -S "${MEMORY}M" -T "$WORK" --discount_fallback \
        < "$WORK/big.txt" > /dev/null 2> "$WORK/lmplz-big.err"
    tail -1 "$WORK/lmplz-big.err"
fi
echo "work files in $WORK"
