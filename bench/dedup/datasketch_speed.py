#!/usr/bin/env python3
"""Single-core speed of datasketch's MinHash signing and MinHashLSH candidate search, the peer of curate's
near-duplicate stage.

Usage: taskset -c 0 <peers venv>/bin/python datasketch_speed.py CORPUS.jsonl [--limit N]

The texts (field "text") are read into memory first; that is not timed. Then, timed with perf_counter:
  signing  - per document: whitespace split, its distinct 5-word shingles (the UTF-8 bytes of the words
             joined by one space; a document of fewer than 5 words is one shingle of all its words),
             MinHash(num_perm=112) and update_batch() over the shingles;
  lsh      - MinHashLSH(threshold=0.8, num_perm=112, params=(14, 8)) (curate's 14 bands x 8 rows), every
             signature inserted, then every signature queried; the distinct unordered pairs of different
             documents returned are the candidate pairs.
MB/s is UTF-8 bytes of the texts (10^6 bytes to the MB) over the signing seconds. Peak RSS is
getrusage(RUSAGE_SELF).ru_maxrss (KB on Linux) at the end, so it includes the texts held in memory.
Prints one JSON object.
"""
import argparse
import json
import resource
import time

import datasketch
from datasketch import MinHash, MinHashLSH

try:
    import orjson

    loads = orjson.loads
except ImportError:  # the standard library is enough, only slower to load (and loading is not timed)
    loads = json.loads

PERMUTATIONS = 112
BANDS, ROWS = 14, 8
SHINGLE_WORDS = 5


def read_texts(path, limit):
    texts = []
    with open(path, "rb") as handle:
        for line in handle:
            if limit is not None and len(texts) >= limit:
                break
            if not line.strip():
                continue
            text = loads(line).get("text")
            if isinstance(text, str):
                texts.append(text)
    return texts


def sign(text):
    words = text.split()
    if len(words) < SHINGLE_WORDS:
        shingles = {" ".join(words).encode("utf-8")}
    else:
        shingles = {" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8")
                    for i in range(len(words) - SHINGLE_WORDS + 1)}
    minhash = MinHash(num_perm=PERMUTATIONS)
    minhash.update_batch(list(shingles))
    return minhash


def main():
    parser = argparse.ArgumentParser(description="datasketch MinHash + MinHashLSH speed on one JSONL corpus")
    parser.add_argument("corpus")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    args = parser.parse_args()

    texts = read_texts(args.corpus, args.limit)
    size = sum(len(text.encode("utf-8")) for text in texts)

    started = time.perf_counter()
    signatures = [sign(text) for text in texts]
    signed = time.perf_counter()

    lsh = MinHashLSH(threshold=0.8, num_perm=PERMUTATIONS, params=(BANDS, ROWS))
    with lsh.insertion_session() as session:
        for key, minhash in enumerate(signatures):
            session.insert(key, minhash, check_duplication=False)
    pairs = set()
    for key, minhash in enumerate(signatures):
        for other in lsh.query(minhash):
            if other != key:
                pairs.add((key, other) if key < other else (other, key))
    finished = time.perf_counter()

    sign_seconds = signed - started
    print(json.dumps({
        "tool": f"datasketch {datasketch.__version__}",
        "documents": len(texts),
        "bytes": size,
        "sign_seconds": round(sign_seconds, 3),
        "sign_docs_per_s": round(len(texts) / sign_seconds, 1) if sign_seconds > 0 else None,
        "sign_mb_per_s": round(size / 1e6 / sign_seconds, 3) if sign_seconds > 0 else None,
        "lsh_seconds": round(finished - signed, 3),
        "candidate_pairs": len(pairs),
        "total_seconds": round(finished - started, 3),
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == "__main__":
    main()
