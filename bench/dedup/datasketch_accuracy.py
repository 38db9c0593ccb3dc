#!/usr/bin/env python3
"""Near-duplicate accuracy of datasketch's MinHashLSH on a corpus from gen_near_dups.py.

Usage: <peers venv>/bin/python datasketch_accuracy.py CORPUS.jsonl TRUTH.tsv

Signs every document with MinHash (112 permutations) over its distinct whitespace 5-word shingles,
indexes the signatures in MinHashLSH and queries each document for its candidate pairs. Prints one JSON
object with precision and recall, against the same-family pairs of true Jaccard >= 0.8, of:
  a. the candidates of LSH with 14 bands x 8 rows (curate's banding);
  b. those candidates whose estimated Jaccard (MinHash.jaccard) is >= 0.8;
  c. the candidates of LSH with datasketch's own banding for threshold 0.8 and 112 permutations.
Seconds are wall time: signing once, then per variant the index build and the queries.
"""
import json
import os
import sys
import time

from datasketch import MinHash, MinHashLSH

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scoring  # noqa: E402

PERMUTATIONS = 112


def signature(text):
    words = text.split()
    if len(words) < 5:
        encoded = {" ".join(words).encode("utf-8")}
    else:
        encoded = {" ".join(words[i:i + 5]).encode("utf-8") for i in range(len(words) - 4)}
    minhash = MinHash(num_perm=PERMUTATIONS)
    minhash.update_batch(list(encoded))
    return minhash


def candidates(lsh, ids, signatures):
    """Every unordered pair some query returns, with the seconds to build the index and query it."""
    started = time.perf_counter()
    with lsh.insertion_session() as session:
        for doc_id, minhash in zip(ids, signatures):
            session.insert(doc_id, minhash, check_duplication=False)
    built = time.perf_counter()
    pairs = set()
    for doc_id, minhash in zip(ids, signatures):
        for other in lsh.query(minhash):
            if other != doc_id:
                pairs.add(scoring.pair(doc_id, other))
    return pairs, round(built - started, 2), round(time.perf_counter() - built, 2)


def main():
    corpus, truth_path = sys.argv[1], sys.argv[2]
    documents, families = scoring.read_corpus(corpus)
    truth = scoring.read_truth(truth_path)
    ids = [doc_id for doc_id, _ in documents]

    started = time.perf_counter()
    signatures = [signature(text) for _, text in documents]
    sign_seconds = round(time.perf_counter() - started, 2)
    by_id = dict(zip(ids, signatures))

    banded = MinHashLSH(threshold=scoring.THRESHOLD, num_perm=PERMUTATIONS, params=(14, 8))
    pairs, build, query = candidates(banded, ids, signatures)
    started = time.perf_counter()
    confirmed = {p for p in pairs if by_id[p[0]].jaccard(by_id[p[1]]) >= scoring.THRESHOLD}
    estimate_seconds = round(time.perf_counter() - started, 2)

    default = MinHashLSH(threshold=scoring.THRESHOLD, num_perm=PERMUTATIONS)
    default_pairs, default_build, default_query = candidates(default, ids, signatures)

    import datasketch
    print(json.dumps({
        "tool": f"datasketch {datasketch.__version__}",
        "documents": len(documents),
        "truth": scoring.truth_summary(truth),
        "sign_seconds": sign_seconds,
        "variants": [
            scoring.score("datasketch LSH candidates (14x8)", pairs, truth, families,
                          index_seconds=build, query_seconds=query),
            scoring.score("datasketch LSH (14x8) + estimated Jaccard >= 0.8", confirmed, truth, families,
                          index_seconds=build, query_seconds=query, estimate_seconds=estimate_seconds),
            scoring.score(f"datasketch LSH candidates (default {default.b}x{default.r})", default_pairs, truth, families,
                          index_seconds=default_build, query_seconds=default_query),
        ],
    }, indent=1))


if __name__ == "__main__":
    main()
