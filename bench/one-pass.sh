#!/usr/bin/env bash
# curate's per-document stages against their Python peers on the real mixed development corpus
# (bench/quality/build_devcorpus.py: English and Chinese prose and code), all on ONE core in the same run:
# every timed command runs under `taskset -c 0`, curate with --threads 1.
#   heuristics   `curate score --metric heuristics --rescore`   vs datatrove 0.10.1's GopherQuality ->
#                GopherRepetition -> C4Quality -> FineWebQuality (bench/datatrove_filters.py);
#   MinHash      `curate dedup --sign-only` on a store without signatures  vs datasketch MinHash over
#                whitespace 5-word shingles (bench/dedup/datasketch_speed.py, its signing seconds) and
#                datatrove's MinHash signature stage (bench/dedup/datatrove_minhash.py --signature-only);
#   perplexity   `curate score --metric perplexity --rescore` vs the kenlm Python module with its regex
#                tokenizer (bench/kenlm_score.py), the same 5-gram model (curate lm train on the exemplars,
#                ICU tokens: binary for curate, ARPA for kenlm);
#   quality      `curate score --metric quality --rescore`    vs fastText predict, text preparation
#                included (bench/quality/fasttext_peer.py: DCLM's recipe, epoch 5, trained untimed on the
#                exemplars against 2,000 random corpus documents);
#   fused pass   `curate score --metric heuristics,minhash,perplexity,quality` (when the build has it) vs
#                the four separate stages and the sum of the peers.
# curate's figures are wall seconds (date +%s.%N around the command), best of 2; the peers' are the seconds
# their scripts measure (input loading and model loading not timed), one run each. Each curate stage also
# runs with --threads 2 (no taskset) for the 1 -> 2 thread scaling. Prints a table with the ratios and the
# targets, and writes every figure to WORK_DIR/one-pass.json. Takes about 10 minutes (datatrove: ~50
# documents/s on each of its two stages).
# ONE_PASS_RSS=1 also builds a ~1 GB corpus (the dev corpus 25 times, each copy perturbed) and prints the
# max RSS of the fused pass (else of `score --metric heuristics`) on the 40 MB store and the 1 GB one, and
# the 1 GB run's RSS through each tenth of its time (bench/one-pass/rss_trace.py).
# Usage: bench/one-pass.sh [DEV_DIR] [WORK_DIR]   (defaults /work/devcorpus/out, /tmp/curate-bench-onepass)
# Environment: PEERS_VENV (default /work/peers-venv), CURATE (a curate binary to use instead of building),
#              ONE_PASS_RSS (1: the memory check).
set -euo pipefail
DEV=$(realpath -m "${1:-/work/devcorpus/out}")
WORK=$(realpath -m "${2:-/tmp/curate-bench-onepass}")
cd "$(dirname "$0")/.."
source scripts/env.sh
REPO=$PWD
VENV=${PEERS_VENV:-/work/peers-venv}
PY="$VENV/bin/python"
CORPUS="$DEV/corpus.jsonl"
if [ ! -x "$PY" ]; then bash ../shared/peers/setup.sh "$VENV"; fi
if [ ! -f "$CORPUS" ]; then
    bench/quality/fetch_sources.sh "$(dirname "$DEV")/src"
    "$PY" bench/quality/build_devcorpus.py --src "$(dirname "$DEV")/src" --out "$DEV"
fi
if [ -z "${CURATE:-}" ]; then
    swift build -c release --product curate >/dev/null
    CURATE="$(swift build -c release --show-bin-path)/curate"
fi
mkdir -p "$WORK"
rm -rf "$WORK"/one.db* "$WORK"/base.db* "$WORK"/sign.db* "$WORK"/*.model "$WORK"/ref.* "$WORK"/logs
SECONDS_FILE="$WORK/seconds.txt"
: >"$SECONDS_FILE"
record() { echo "$*" >>"$SECONDS_FILE"; }  # record KEY VALUE…: one figure for bench/one-pass/table.py
now() { date +%s.%N; }
run() {  # run CMD…: its output to $WORK/out.txt and err.txt; on failure, say what failed and stop
    "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || { echo "failed: $*" >&2; cat "$WORK/err.txt" >&2; exit 1; }
}
timed() {  # timed KEY N PREPARE CMD…: records KEY as the shortest wall seconds of N runs of CMD;
           # PREPARE (untimed) runs before each
    local key=$1 n=$2 prepare=$3 shortest="" start end
    shift 3
    for _ in $(seq "$n"); do
        $prepare
        start=$(now); run "$@"; end=$(now)
        shortest=$(awk -v a="$start" -v b="$end" -v m="$shortest" 'BEGIN { s = b - a; print (m == "" || s < m) ? s : m }')
    done
    record "$key" "$shortest"
}
STORE="$WORK/one.db"; BASE="$WORK/base.db"; SIGN="$WORK/sign.db"
# A copy of the store as ingested, without signatures. (`curate dedup --reset` does not only drop the
# signatures: after dropping, it runs the dedup methods, which sign every document again; so the untimed
# reset before each signing run is this copy.)
fresh() { rm -f "$SIGN" "$SIGN"-wal "$SIGN"-shm; cp "$BASE" "$SIGN"; if [ -f "$BASE-wal" ]; then cp "$BASE-wal" "$SIGN-wal"; fi; }

# 1. The corpus, and the machine: the 1-minute load average before anything runs tells whether other work
# shares the cores (the table then warns that the timings are noisy).
record cores "$(nproc)"
record load_start "$(cut -d' ' -f1 /proc/loadavg)"
python3 bench/one-pass/corpus_facts.py "$CORPUS" >"$WORK/corpus.json"
record corpus_path "$CORPUS"
echo "corpus facts: $(cat "$WORK/corpus.json")" >&2

# 2. Preparation (untimed): the store, the reference LM (order 5, curate's ICU tokens, on the exemplars;
# ARPA for kenlm, curate's binary for curate), the quality model (exemplars against store documents,
# cross-fitted), the negatives of the fastText peer (2,000 random corpus documents, seed 0, as bench/quality.sh).
run "$CURATE" ingest "$CORPUS" --db "$STORE" --quiet
cp "$STORE" "$BASE"; if [ -f "$STORE-wal" ]; then cp "$STORE-wal" "$BASE-wal"; fi
run "$CURATE" lm train --order 5 --from "$DEV/exemplars.jsonl" --out "$WORK/ref.arpa" --quiet
run "$CURATE" lm build-binary "$WORK/ref.arpa" "$WORK/ref.bin"
record lm_note "order 5, curate lm train on exemplars.jsonl (ICU words, lower case, digits folded): curate scores with its binary, kenlm with the same ARPA (its regex tokens keep runs of Han characters whole: fewer tokens on Chinese, more of them unknown)"
run "$CURATE" quality train --positive "$DEV/exemplars.jsonl" --out "$WORK/q.model" --db "$STORE" --quiet
python3 - "$CORPUS" "$WORK/negatives.jsonl" <<'PY'
import json, random, sys
documents = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
chosen = sorted(random.Random(0).sample(range(len(documents)), 2000))
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for i in chosen:
        f.write(json.dumps({"id": documents[i]["id"], "text": documents[i]["text"]}, ensure_ascii=False) + "\n")
PY

# 3. curate, one stage at a time: one thread on core 0, then two threads.
echo "curate: separate stages" >&2
for threads in 1 2; do
    pin=(); [ "$threads" = 1 ] && pin=(taskset -c 0)
    timed "heuristics_$threads" 2 : "${pin[@]}" "$CURATE" score --metric heuristics --db "$STORE" --threads "$threads" --quiet --rescore
    timed "minhash_$threads" 2 fresh "${pin[@]}" "$CURATE" dedup --sign-only --threads "$threads" --db "$SIGN" --quiet
    # The fused pass's MinHash measure also counts repeated lines (what `curate dedup` does besides signing):
    # the same work alone, for the comparison with the fused pass.
    timed "minhashlines_$threads" 2 fresh "${pin[@]}" "$CURATE" score --metric minhash --threads "$threads" --db "$SIGN" --quiet
    timed "perplexity_$threads" 2 : "${pin[@]}" "$CURATE" score --metric perplexity --model "$WORK/ref.bin" --threads "$threads" --rescore --db "$STORE" --quiet
    timed "quality_$threads" 2 : "${pin[@]}" "$CURATE" score --metric quality --model "$WORK/q.model" --threads "$threads" --rescore --db "$STORE" --quiet
done

# 4. curate, the fused pass: the four stages in one read of the store (on the copy without signatures). A
# build has it when `score --help` mentions a comma-separated --metric (grep without -q reads the whole help,
# so that curate never meets a closed pipe, which pipefail would count as a failure).
FUSED=0
if "$CURATE" score --help | grep -w 'comma' >/dev/null; then
    FUSED=1
    echo "curate: fused pass" >&2
    timed fused_1 2 fresh taskset -c 0 "$CURATE" score --metric heuristics,minhash,perplexity,quality --model "$WORK/ref.bin" --model "$WORK/q.model" --threads 1 --rescore --db "$SIGN" --quiet
    timed fused_2 2 fresh "$CURATE" score --metric heuristics,minhash,perplexity,quality --model "$WORK/ref.bin" --model "$WORK/q.model" --threads 2 --rescore --db "$SIGN" --quiet
else
    echo "fused pass: not available in this build"
fi

# 5. The peers, on core 0, one run each; datatrove writes its logs under the working directory, so they run there.
echo "peers: datatrove filters" >&2
(cd "$WORK" && taskset -c 0 "$PY" "$REPO/bench/datatrove_filters.py" "$DEV" "$(basename "$CORPUS")") \
    >"$WORK/datatrove-filters.json" 2>"$WORK/datatrove-filters.log" || { tail -20 "$WORK/datatrove-filters.log" >&2; exit 1; }
echo "peers: datasketch" >&2
taskset -c 0 "$PY" bench/dedup/datasketch_speed.py "$CORPUS" >"$WORK/datasketch.json"
echo "peers: datatrove MinHash signature stage" >&2
(cd "$WORK" && taskset -c 0 "$PY" "$REPO/bench/dedup/datatrove_minhash.py" "$CORPUS" "$WORK/datatrove-minhash" --signature-only) \
    >"$WORK/datatrove-minhash.json" 2>"$WORK/datatrove-minhash.log" || { tail -20 "$WORK/datatrove-minhash.log" >&2; exit 1; }
echo "peers: kenlm" >&2
taskset -c 0 "$PY" bench/kenlm_score.py "$WORK/ref.arpa" "$CORPUS" >"$WORK/kenlm.json" 2>"$WORK/kenlm.log"
echo "peers: fastText" >&2
taskset -c 0 "$PY" bench/quality/fasttext_peer.py "$DEV/exemplars.jsonl" "$WORK/negatives.jsonl" "$CORPUS" \
    "$DEV/heldout-labels.jsonl" "$WORK/fasttext.json" --epoch 5
python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
documents = json.load(open(f"{work}/corpus.json"))["documents"]
for name, field in (("datatrove-filters", "documents"), ("datasketch", "documents"), ("datatrove-minhash", "documents"),
                    ("kenlm", "documents"), ("fasttext", "scored_documents")):
    result = json.load(open(f"{work}/{name}.json"))
    if result.get("errors"):
        sys.exit(f"{name}: {result['errors']}")
    if result[field] != documents:
        sys.exit(f"{name} read {result[field]} documents, expected {documents}")
PY

# 6. Optional: peak memory on the 40 MB store and on a 1 GB one (the corpus 25 times, each copy perturbed).
if [ "${ONE_PASS_RSS:-0}" = 1 ]; then
    command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
    echo "memory: building the 1 GB corpus" >&2
    python3 bench/one-pass/repeat_corpus.py "$CORPUS" "$WORK/big.jsonl" 25 >"$WORK/big.json"
    rm -f "$WORK"/big.db*
    run "$CURATE" ingest "$WORK/big.jsonl" --db "$WORK/big.db" --quiet
    if [ "$FUSED" = 1 ]; then
        memory=(score --metric heuristics,minhash,perplexity,quality --model "$WORK/ref.bin" --model "$WORK/q.model" --threads 2 --rescore --quiet)
    else
        memory=(score --metric heuristics --threads 2 --rescore --quiet)
    fi
    record rss_command "curate ${memory[*]//$WORK\//}"
    for size in small big; do
        if [ "$size" = small ]; then fresh; db=$SIGN; else db="$WORK/big.db"; fi
        # On the big store the run is also traced (RSS each second: flat, or growing with the input?);
        # /usr/bin/time's maximum covers the traced child.
        trace=(); if [ "$size" = big ]; then trace=(python3 bench/one-pass/rss_trace.py --json "$WORK/rss-trace.json" --); fi
        run /usr/bin/time -v -o "$WORK/time-$size.txt" "${trace[@]}" "$CURATE" "${memory[@]}" --db "$db"
        record rss_${size}_kb "$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time-$size.txt")"
        record rss_${size}_s "$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$WORK/time-$size.txt")"
    done
    record rss_big_documents "$(python3 bench/json_field.py documents <"$WORK/big.json")"
    record rss_big_text_bytes "$(python3 bench/json_field.py text_bytes <"$WORK/big.json")"
    rm -f "$WORK"/big.db* "$WORK/big.jsonl"
fi

# 7. The table, and WORK_DIR/one-pass.json.
echo
python3 bench/one-pass/table.py "$WORK"
