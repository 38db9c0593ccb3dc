#!/usr/bin/env python3
"""Near-duplicate accuracy of `curate dedup --minhash`, read from the store it wrote.

Usage: curate_accuracy.py CORPUS.jsonl TRUTH.tsv STORE.db [--dedup-json OUT]
(run `curate ingest CORPUS --db STORE` and `curate dedup --db STORE --minhash --json > OUT` first;
bench/dedup_accuracy.sh does it all). OUT, if given, supplies curate's own timings.

Prints one JSON object with precision and recall, against the same-family pairs of true Jaccard
>= 0.8, of:
  a. the pairs in dedup_pairs whose exact Jaccard (re-tokenised shingle sets) is >= 0.8;
  b. the pairs in dedup_pairs whose signature estimate is >= 0.8;
  c. every pair of documents in the same dedup_clusters cluster: this includes pairs joined only
     through other members (A~B, B~C puts A and C together), so it answers a different question.
Ingest stores byte-identical documents once (documents.duplicate_of) and dedup never signs the
copies; they are counted as found, in every variant: each copy pairs with its first copy and stands in
for it in the first copy's pairs. `ingest_duplicate_pairs` says how many pairs that adds.
"""
import argparse
import itertools
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scoring  # noqa: E402

EPSILON = 1e-9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("truth")
    parser.add_argument("store")
    parser.add_argument("--dedup-json")
    args = parser.parse_args()
    _, families = scoring.read_corpus(args.corpus)
    truth = scoring.read_truth(args.truth)

    db = sqlite3.connect(f"file:{args.store}?mode=ro", uri=True)
    external = {}      # seq -> the record's id
    first_copy = {}    # document id -> seq, for documents stored first
    copies = {}        # seq of a first copy -> seqs of its byte-identical later copies
    rows = db.execute("SELECT seq, id, external_id, duplicate_of FROM documents ORDER BY seq").fetchall()
    for seq, doc_id, external_id, duplicate_of in rows:
        external[seq] = external_id
        if duplicate_of is None:
            first_copy[doc_id] = seq
    for seq, _, _, duplicate_of in rows:
        if duplicate_of is not None:
            copies.setdefault(first_copy[duplicate_of], []).append(seq)
    missing = sum(1 for i in external.values() if i not in families)
    if missing or len(external) != len(families):
        sys.exit(f"the store has {len(external)} documents ({missing} unknown ids), the corpus {len(families)}")

    def expand(seq_pairs):
        """Record-id pairs, with each first copy's identical copies standing in for it, plus copy pairs."""
        result = set()
        for a, b in seq_pairs:
            for x in [a] + copies.get(a, []):
                for y in [b] + copies.get(b, []):
                    result.add(scoring.pair(external[x], external[y]))
        for first, later in copies.items():
            for x, y in itertools.combinations([first] + later, 2):
                result.add(scoring.pair(external[x], external[y]))
        return result

    threshold = scoring.THRESHOLD - EPSILON
    exact = db.execute("SELECT seq_a, seq_b FROM dedup_pairs WHERE exact >= ?", (threshold,)).fetchall()
    estimate = db.execute("SELECT seq_a, seq_b FROM dedup_pairs WHERE jaccard >= ?", (threshold,)).fetchall()
    clusters = {}
    for seq, cluster in db.execute("SELECT seq, cluster FROM dedup_clusters"):
        clusters.setdefault(cluster, []).append(seq)
    clustered = [p for members in clusters.values() for p in itertools.combinations(sorted(members), 2)]
    compared = db.execute("SELECT count(*), count(exact) FROM dedup_pairs").fetchone()
    ingest_pairs = len(expand([]))

    summary = {}
    if args.dedup_json:
        with open(args.dedup_json, encoding="utf-8") as f:
            summary = json.load(f)["summary"]
    version = db.execute("SELECT value FROM dedup_settings WHERE key = 'minhash'").fetchone()
    print(json.dumps({
        "tool": "curate dedup --minhash",
        "settings": version[0] if version else None,
        "documents": len(external),
        "truth": scoring.truth_summary(truth),
        "ingest_duplicate_pairs": ingest_pairs,
        "candidate_pairs_compared": compared[0],
        "pairs_verified_exactly": compared[1],
        "signature_seconds": round(summary.get("signatureSeconds", 0.0), 2),
        "dedup_seconds": round(summary.get("seconds", 0.0), 2),
        "variants": [
            scoring.score("curate pairs (exact verification)", expand(exact), truth, families),
            scoring.score("curate pairs (estimate only)", expand(estimate), truth, families),
            scoring.score("curate clusters (transitive)", expand(clustered), truth, families),
        ],
    }, indent=1))


if __name__ == "__main__":
    main()
