#!/usr/bin/env bash
# Builds the language-model parity fixtures in Tests/Fixtures/lm/:
#   train.txt          pre-tokenized training text (samples/en/science.jsonl, lower-cased, words and punctuation)
#   heldout.txt        held-out sentences (the English text samples) plus sentences with unknown words
#   lmplz-3.arpa       KenLM lmplz's order-3 model of train.txt (the oracle for the estimator)
#   kenlm-scores.jsonl kenlm's Model.score of each held-out sentence under lmplz-3.arpa (the query oracle)
# Usage: bench/parity/make_lm_fixtures.sh [VENV]   (the peers' venv, with kenlm and lmplz)
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${1:-${PEERS_VENV:-/tmp/peers-venv}}
OUT=Tests/Fixtures/lm
mkdir -p "$OUT"
python3 - "$OUT" <<'PY'
import json, re, sys, os
out = sys.argv[1]
def tokens(line):
    return " ".join(re.findall(r"\w+|[^\w\s]", line.lower()))
with open(os.path.join(out, "train.txt"), "w") as train:
    for name in ("samples/en/science.jsonl",):
        for record in map(json.loads, open(name)):
            for line in record["text"].split("\n"):
                if line.strip():
                    train.write(tokens(line) + "\n")
with open(os.path.join(out, "heldout.txt"), "w") as heldout:
    for name in sorted(os.listdir("samples/txt")):
        if name.startswith("en"):
            for line in open(os.path.join("samples/txt", name)):
                if line.strip():
                    heldout.write(tokens(line) + "\n")
    heldout.write("the zyxqv sat on the glorbnik\n")        # unknown words
    heldout.write("qqq www eee\n")                            # nothing known
    heldout.write("\n")                                       # the empty sentence: just </s>
    heldout.write("the the the the the the the\n")
PY
"$VENV/bin/lmplz" -o 3 -S 200M --discount_fallback < "$OUT/train.txt" > "$OUT/lmplz-3.arpa" 2>/dev/null
"$VENV/bin/python" bench/parity/kenlm_scores.py "$OUT/lmplz-3.arpa" "$OUT/heldout.txt" "$OUT/kenlm-scores.jsonl"
wc -c "$OUT"/*
# A small order-5 model with singleton pruning (lmplz --prune 0 0 1) of the first 120 training lines.
head -120 "$OUT/train.txt" > "$OUT/train-120.txt"
"$VENV/bin/lmplz" -o 5 -S 200M --discount_fallback --prune 0 0 1 < "$OUT/train-120.txt" > "$OUT/lmplz-5-pruned.arpa" 2>/dev/null
wc -c "$OUT/lmplz-5-pruned.arpa" "$OUT/train-120.txt"
