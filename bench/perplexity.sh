#!/usr/bin/env bash
# Perplexity benchmark, same model and documents for both tools, same run:
#  1. scoring: `curate score --metric perplexity` (ICU tokenization included; one core and two) against the
#     kenlm Python module (one process) with a regex tokenizer, and on text tokenized beforehand;
#  2. estimation: `curate lm train` against KenLM's lmplz on the same pre-tokenized text (time, peak RSS).
# Usage: bench/perplexity.sh [--size MB] [--order N]   (default 20 MB, order 5)
# Environment: PEERS_VENV (default /tmp/peers-venv), BENCH_DIR (default /tmp/curate-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
SIZE=20; ORDER=5
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE=$2; shift 2 ;;
        --order) ORDER=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
VENV=${PEERS_VENV:-/tmp/peers-venv}
WORK=${BENCH_DIR:-/tmp/curate-bench}
mkdir -p "$WORK"
bash scripts/setup-system.sh
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
if [ ! -x "$VENV/bin/lmplz" ]; then bash ../shared/peers/setup.sh "$VENV"; fi
swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"

CORPUS="$WORK/perplexity-$SIZE.jsonl"
[ -f "$CORPUS" ] || python3 bench/gen_corpus.py "$CORPUS" "$SIZE" --seed 7 >&2
DOCS=$(wc -l < "$CORPUS"); BYTES=$(stat -c %s "$CORPUS")
STORE="$WORK/perplexity.db"; MODEL="$WORK/perplexity-ref.arpa"; BINARY="$WORK/perplexity-ref.bin"
rm -f "$STORE"* "$MODEL" "$BINARY"
"$CURATE" ingest "$CORPUS" --db "$STORE" --quiet

# The same pre-tokenized text for both estimators (one sentence per line).
TOKENS_FILE="$WORK/perplexity-$SIZE.tokens.txt"
python3 - "$CORPUS" "$TOKENS_FILE" <<'PY'
import json, re, sys
token = re.compile(r"\w+|[^\w\s]")
with open(sys.argv[1]) as corpus, open(sys.argv[2], "w") as out:
    for line in corpus:
        for sentence in json.loads(line)["text"].split("\n"):
            if sentence.strip():
                out.write(" ".join(token.findall(sentence.lower())) + "\n")
PY
TOKENS=$(wc -w < "$TOKENS_FILE")

measure() {  # measure NAME CMD... -> "seconds rss_kb"
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "${@:2}" >"$WORK/out.txt" 2>"$WORK/err.txt" || { cat "$WORK/err.txt" >&2; exit 1; }
    tail -1 "$WORK/time.txt"
}
read -r LMPLZ LMPLZ_RSS < <(measure lmplz sh -c "'$VENV/bin/lmplz' -o $ORDER -S 1G --discount_fallback < '$TOKENS_FILE' > '$WORK/lmplz.arpa'")
read -r TRAIN TRAIN_RSS < <(measure curate "$CURATE" lm train --order "$ORDER" --from "$TOKENS_FILE" --tokenize whitespace --out "$MODEL" --quiet)
python3 bench/parity/compare_arpa.py "$WORK/lmplz.arpa" "$MODEL" | tail -1

# Scoring: a model curate trained on the corpus with its own tokenizer, as ARPA for kenlm and binary for curate.
"$CURATE" lm train --order "$ORDER" --from "$CORPUS" --out "$MODEL" --quiet
"$CURATE" lm build-binary "$MODEL" "$BINARY" >/dev/null
read -r ONE _ < <(measure one "$CURATE" score --metric perplexity --model "$BINARY" --db "$STORE" --rescore --threads 1 --quiet)
read -r TWO _ < <(measure two "$CURATE" score --metric perplexity --model "$BINARY" --db "$STORE" --rescore --threads 2 --quiet)
"$VENV/bin/python" bench/kenlm_score.py "$MODEL" "$CORPUS" > "$WORK/kenlm.json"
KENLM=$(python3 bench/json_field.py seconds < "$WORK/kenlm.json")
KENLM_ONLY=$(python3 bench/json_field.py score_only_seconds < "$WORK/kenlm.json")

echo "corpus: $CORPUS ($BYTES bytes, $DOCS documents; $TOKENS tokens pre-tokenized)"
printf "%-52s %8s %10s %12s\n" "scoring" "seconds" "docs/s" "tokens/s"
row() { awk -v n="$1" -v s="$2" -v d="$DOCS" -v t="$TOKENS" 'BEGIN { printf "%-52s %8.2f %10.0f %12.0f\n", n, s, d/s, t/s }'; }
row "curate score --metric perplexity --threads 1 (ICU)" "$ONE"
row "curate score --metric perplexity --threads 2 (ICU)" "$TWO"
row "kenlm Python module, regex tokenizer" "$KENLM"
row "kenlm Python module, pre-tokenized (score only)" "$KENLM_ONLY"
awk -v a="$ONE" -v b="$TWO" -v k="$KENLM" -v o="$KENLM_ONLY" 'BEGIN {
    printf "ratio: one core %.1fx kenlm with its tokenizer; two cores %.1fx kenlm score-only\n", k/a, o/b }'
printf "\n%-52s %8s %10s %12s\n" "estimation (order $ORDER)" "seconds" "tokens/s" "peak RSS MB"
awk -v s="$LMPLZ" -v r="$LMPLZ_RSS" -v t="$TOKENS" 'BEGIN { printf "%-52s %8.2f %10.0f %12.0f\n", "lmplz -S 1G", s, t/s, r/1024 }'
awk -v s="$TRAIN" -v r="$TRAIN_RSS" -v t="$TOKENS" 'BEGIN { printf "%-52s %8.2f %10.0f %12.0f\n", "curate lm train", s, t/s, r/1024 }'
awk -v a="$TRAIN" -v b="$LMPLZ" 'BEGIN { printf "ratio: curate takes %.2fx lmplz'"'"'s time\n", a/b }'
