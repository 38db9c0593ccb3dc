#!/usr/bin/env python3
"""Facts of a JSON-lines corpus for bench/one-pass.sh: documents, UTF-8 bytes of the text fields, and the
share of those bytes that are Han characters (CJK Unified Ideographs, Extensions A-F, Compatibility
Ideographs), and apart the share that is CJK punctuation and full-width forms (U+3000-303F, U+FF00-FFEF).

Usage: corpus_facts.py CORPUS.jsonl
Prints one JSON object: documents, text_bytes, han_bytes, han_share, cjk_punctuation_share.
"""
import json
import re
import sys

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f]+")
CJK_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff00-\uffef]+")


def main():
    documents = text_bytes = han_bytes = punctuation_bytes = 0
    with open(sys.argv[1], encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            text = json.loads(line)["text"]
            documents += 1
            text_bytes += len(text.encode("utf-8"))
            han_bytes += sum(len(run.encode("utf-8")) for run in HAN.findall(text))
            punctuation_bytes += sum(len(run.encode("utf-8")) for run in CJK_PUNCTUATION.findall(text))
    print(json.dumps({"documents": documents, "text_bytes": text_bytes, "han_bytes": han_bytes,
                      "han_share": han_bytes / text_bytes if text_bytes else 0.0,
                      "cjk_punctuation_share": punctuation_bytes / text_bytes if text_bytes else 0.0}))


if __name__ == "__main__":
    main()
