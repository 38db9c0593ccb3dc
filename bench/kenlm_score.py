#!/usr/bin/env python3
"""The peer side of bench/perplexity.sh: the kenlm Python module scoring documents line by line, as a
cc_net-style scorer written in Python would.

Usage: kenlm_score.py MODEL CORPUS.jsonl
Prints one JSON line: documents, tokens, seconds with a regex tokenizer (tokenizing included), and
seconds on the same text tokenized beforehand (score only). Model loading is not timed.
"""
import json
import re
import sys
import time

import kenlm

TOKEN = re.compile(r"\w+|[^\w\s]")


def main():
    model = kenlm.Model(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]

    started = time.perf_counter()
    tokens = 0
    for text in texts:
        log10 = 0.0
        for line in text.split("\n"):
            if not line.strip():
                continue
            words = TOKEN.findall(line.lower())
            tokens += len(words)
            log10 += model.score(" ".join(words), bos=True, eos=True)
    with_tokenizer = time.perf_counter() - started

    pretokenized = [[" ".join(TOKEN.findall(line.lower())) for line in text.split("\n") if line.strip()] for text in texts]
    started = time.perf_counter()
    for lines in pretokenized:
        log10 = 0.0
        for line in lines:
            log10 += model.score(line, bos=True, eos=True)
    score_only = time.perf_counter() - started
    print(json.dumps({"documents": len(texts), "tokens": tokens, "seconds": with_tokenizer, "score_only_seconds": score_only}))


if __name__ == "__main__":
    main()
