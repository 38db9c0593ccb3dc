#!/usr/bin/env bash
# The estimator against KenLM's lmplz on the same pre-tokenized text: for each order (and with singleton
# pruning), every n-gram of one ARPA must be in the other with log10 probability and back-off within 1e-4.
# Usage: bench/parity/lmplz_compare.sh [TEXT] [VENV]   (default text: the English samples, tokenized)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
VENV=${2:-${PEERS_VENV:-/tmp/peers-venv}}
WORK=$(mktemp -d /tmp/curate-lmplz.XXXX)
TEXT=${1:-$WORK/text.txt}
if [ ! -s "$TEXT" ]; then
    python3 - "$TEXT" <<'PY'
import json, re, sys
with open(sys.argv[1], "w") as out:
    for name in ("samples/en/science.jsonl", "samples/en/everyday.jsonl"):
        for record in map(json.loads, open(name)):
            for line in record["text"].split("\n"):
                if line.strip():
                    out.write(" ".join(re.findall(r"\w+|[^\w\s]", line.lower())) + "\n")
PY
fi
swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"
status=0
for order in 3 4 5; do
    for prune in "" "--prune 0 0 1"; do
        flag=""; [ -n "$prune" ] && flag="--prune-singletons"
        "$VENV/bin/lmplz" -o "$order" -S 500M --discount_fallback $prune < "$TEXT" > "$WORK/lmplz.arpa" 2>/dev/null
        "$CURATE" lm train --order "$order" --from "$TEXT" --tokenize whitespace $flag --out "$WORK/curate.arpa" --quiet
        printf "order %d %-16s " "$order" "${prune:-(no pruning)}"
        python3 bench/parity/compare_arpa.py "$WORK/lmplz.arpa" "$WORK/curate.arpa" | tail -1 || status=1
    done
done
rm -rf "$WORK"
exit $status
