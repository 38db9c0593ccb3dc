#!/usr/bin/env python3
"""Splits a JSONL corpus into its English and Chinese documents (Han characters in the first 80
characters make a document Chinese), for the per-language rows of docs/benchmarks.md.

Usage: by_language.py CORPUS.jsonl OUT_PREFIX   -> OUT_PREFIX-en.jsonl, OUT_PREFIX-zh.jsonl
"""
import json
import sys


def main():
    corpus, prefix = sys.argv[1:3]
    counts = {"en": 0, "zh": 0}
    with open(prefix + "-en.jsonl", "w", encoding="utf-8") as en, open(prefix + "-zh.jsonl", "w", encoding="utf-8") as zh:
        for line in open(corpus, encoding="utf-8"):
            text = json.loads(line)["text"]
            language = "zh" if any("\u4e00" <= c <= "\u9fff" for c in text[:80]) else "en"
            (zh if language == "zh" else en).write(line)
            counts[language] += 1
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
