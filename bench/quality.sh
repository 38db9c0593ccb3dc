#!/usr/bin/env bash
# curate's learned quality classifier against fastText (DCLM's classifier recipe: supervised, wordNgrams 2),
# on the real development corpus (bench/quality/build_devcorpus.py), both on one core, in the same run:
# the same 500 exemplars against the same 2,000 random corpus documents, then every corpus document scored
# and ranked against its held-out label. Prints the ROC AUC (overall, en, zh), the good share of the top
# 30%, the training seconds and the scoring seconds (best of 3, both sides), and the ratios.
# Also prints curate's default path (the exemplars against 10,000 store documents, 5 cross-fitted folds).
# Usage: bench/quality.sh [DEV_DIR] [WORK_DIR]   (PEERS_VENV: a venv from ../shared/peers/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
DEV="${1:-/work/devcorpus/out}"
WORK="${2:-/tmp/curate-bench-quality}"
VENV="${PEERS_VENV:-/work/peers-venv}"
PY="$VENV/bin/python"
if [ ! -f "$DEV/corpus.jsonl" ]; then
    bench/quality/fetch_sources.sh "$(dirname "$DEV")/src"
    "$PY" bench/quality/build_devcorpus.py --src "$(dirname "$DEV")/src" --out "$DEV"
fi
swift build -c release --product curate >/dev/null
CURATE="$(swift build -c release --show-bin-path)/curate"
mkdir -p "$WORK"
rm -f "$WORK"/bench.db* "$WORK"/*.model
now() { date +%s.%N; }

# The shared negatives: 2,000 corpus documents drawn at random (seed 0).
"$PY" - "$DEV/corpus.jsonl" "$WORK/negatives.jsonl" <<'PY'
import json, random, sys
documents = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
chosen = sorted(random.Random(0).sample(range(len(documents)), 2000))
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for i in chosen:
        f.write(json.dumps({"id": documents[i]["id"], "text": documents[i]["text"]}, ensure_ascii=False) + "\n")
PY
"$CURATE" ingest "$DEV/corpus.jsonl" --db "$WORK/bench.db" --quiet

t0=$(now)
"$CURATE" quality train --positive "$DEV/exemplars.jsonl" --negative "$WORK/negatives.jsonl" --folds 1 --threads 1 \
    --out "$WORK/peer.model" --quiet
t1=$(now)
# Scoring, best of 3 (the first run scores; --rescore scores everything again).
best=""
for run in 1 2 3; do
    s0=$(now)
    "$CURATE" score --metric quality --model "$WORK/peer.model" --db "$WORK/bench.db" --threads 1 --quiet $([ "$run" -gt 1 ] && echo --rescore)
    s1=$(now)
    best=$(python3 -c "print(min(float('${best:-inf}'), $s1 - $s0))")
done
"$CURATE" rank-eval --labels "$DEV/heldout-labels.jsonl" --score quality --db "$WORK/bench.db" --json > "$WORK/curate.json"
echo "{\"train\": $(python3 -c "print($t1 - $t0)"), \"score\": $best}" > "$WORK/curate-seconds.json"

for epoch in 5 25; do
    "$PY" bench/quality/fasttext_peer.py "$DEV/exemplars.jsonl" "$WORK/negatives.jsonl" "$DEV/corpus.jsonl" \
        "$DEV/heldout-labels.jsonl" "$WORK/fasttext-$epoch.json" --epoch "$epoch"
done

# curate's default: exemplars against 10,000 store documents, cross-fitted in 5 folds, both cores.
rm -f "$WORK"/default.db*
"$CURATE" ingest "$DEV/corpus.jsonl" --db "$WORK/default.db" --quiet
t3=$(now)
"$CURATE" quality train --positive "$DEV/exemplars.jsonl" --out "$WORK/default.model" --db "$WORK/default.db" --quiet
"$CURATE" score --metric quality --model "$WORK/default.model" --db "$WORK/default.db" --quiet
t4=$(now)
"$CURATE" rank-eval --labels "$DEV/heldout-labels.jsonl" --score quality --db "$WORK/default.db" --json > "$WORK/default.json"
echo "{\"total\": $(python3 -c "print($t4 - $t3)")}" > "$WORK/default-seconds.json"

python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
load = lambda name: json.load(open(f"{work}/{name}"))
curate, seconds = load("curate.json"), load("curate-seconds.json")
quality = next(s for s in curate["signals"] if s["name"] == "quality")
rows = [("curate (SGD, 1 thread)", quality["auc"], quality["aucByLanguage"].get("en"), quality["aucByLanguage"].get("zh"),
         quality["top30"], seconds["train"], seconds["score"], None, None)]
for epoch in (5, 25):
    ft = load(f"fasttext-{epoch}.json")
    s = ft["seconds"]
    rows.append((f"fastText wordNgrams 2, epoch {epoch}", ft["auc"], ft["auc_by_language"].get("en"), ft["auc_by_language"].get("zh"),
                 ft["top30"], s["train"], s["score"], s["prepare_train"], s["prepare_score"]))
print(f"corpus: {curate['matched']} labelled documents ({curate['good']} good); 500 exemplars against the same 2,000 random corpus documents; one core")
print(f"{'model':36}{'AUC':>7}{'en':>7}{'zh':>7}{'good@30%':>10}{'train s':>9}{'score s':>9}{'prep s (train/score)':>22}")
f = lambda v: "–" if v is None else f"{v:.3f}"
for name, auc, en, zh, top, train, score, pt, ps in rows:
    prep = "" if pt is None else f"{pt:.1f} / {ps:.1f}"
    print(f"{name:36}{f(auc):>7}{f(en):>7}{f(zh):>7}{f(top):>10}{train:>9.2f}{score:>9.2f}{prep:>22}")
for epoch in (5, 25):
    ft = load(f"fasttext-{epoch}.json")
    s = ft["seconds"]
    print(f"curate vs fastText epoch {epoch}: AUC {quality['auc'] - ft['auc']:+.3f}; "
          f"training {s['train'] / seconds['train']:.2f}x as fast ({(s['train'] + s['prepare_train']) / seconds['train']:.2f}x with its text preparation); "
          f"scoring {s['score'] / seconds['score']:.2f}x as fast ({(s['score'] + s['prepare_score']) / seconds['score']:.2f}x with its text preparation)")
default, total = load("default.json"), load("default-seconds.json")
q = next(s for s in default["signals"] if s["name"] == "quality")
print(f"curate default (exemplars against 10,000 store documents, 5 cross-fitted folds, 2 threads): AUC {f(q['auc'])} "
      f"(en {f(q['aucByLanguage'].get('en'))}, zh {f(q['aucByLanguage'].get('zh'))}), good@30% {f(q['top30'])}, train + score {total['total']:.1f} s")
PY
