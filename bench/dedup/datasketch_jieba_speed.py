#!/usr/bin/env python3
"""datasketch signing with Chinese word segmentation (jieba, `pip install jieba` into the peers' venv):
what datasketch costs when it does the work curate does for Chinese. Same shingles and MinHash as
datasketch_speed.py, words from jieba.lcut instead of whitespace splitting. Pin to one core with taskset.

Usage: datasketch_jieba_speed.py CORPUS.jsonl   -> one JSON object
"""
import json
import sys
import time

import jieba
from datasketch import MinHash


def main():
    jieba.initialize()  # loads its dictionary: not timed
    texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
    started = time.perf_counter()
    for text in texts:
        words = [word for word in jieba.lcut(text) if word.strip()]
        shingles = {" ".join(words[i:i + 5]).encode("utf-8") for i in range(max(1, len(words) - 4))}
        signature = MinHash(num_perm=112)
        signature.update_batch(list(shingles))
    seconds = time.perf_counter() - started
    print(json.dumps({"tool": "datasketch + jieba", "documents": len(texts), "sign_seconds": round(seconds, 3),
                      "sign_docs_per_s": round(len(texts) / seconds, 1)}))


if __name__ == "__main__":
    main()
