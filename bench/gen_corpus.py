#!/usr/bin/env python3
"""Deterministic synthetic JSONL corpus for the ingest benchmark.

Documents are recombined from the sentences of the project's own samples (English and Chinese), so the
text has real word statistics and compresses like real prose, and every byte is reproducible from the
seed. Usage: gen_corpus.py OUT.jsonl SIZE_MB [--seed N] [--sources DIR]
"""
import argparse
import json
import os
import random
import re


def load_sentences(root):
    """Sentences of the clean sample documents (samples/en and samples/zh; not the junk or broken files)."""
    english, chinese = [], []
    for folder in ("en", "zh"):
        for name in sorted(os.listdir(os.path.join(root, folder))):
            path = os.path.join(root, folder, name)
            if not name.endswith(".jsonl"):
                continue
            with open(path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    try:
                        text = json.loads(line).get("text")
                    except (ValueError, AttributeError):
                        continue
                    if not isinstance(text, str):
                        continue
                    if re.search(r"[\u4e00-\u9fff]", text):
                        chinese += [s for s in re.split(r"(?<=[。！？])", text) if len(s) > 4]
                    else:
                        english += [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 20]
    return english, chinese


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("size_mb", type=float)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--sources", default=os.path.join(os.path.dirname(__file__), "..", "samples"))
    args = parser.parse_args()
    english, chinese = load_sentences(args.sources)
    if not english or not chinese:
        raise SystemExit(f"no sample sentences found under {args.sources}")
    rng = random.Random(args.seed)
    target = int(args.size_mb * 1e6)
    written = 0
    number = 0
    with open(args.out, "w", encoding="utf-8") as out:
        while written < target:
            number += 1
            zh = rng.random() < 0.3
            pool = chinese if zh else english
            paragraphs = []
            for _ in range(rng.randint(2, 8)):
                count = rng.randint(2, 7)
                joiner = "" if zh else " "
                paragraphs.append(joiner.join(rng.choice(pool).strip() for _ in range(count)))
            record = {
                "id": f"bench-{number:09d}",
                "text": "\n\n".join(paragraphs),
                "url": f"https://site{rng.randint(1, 5000)}.example/page/{number}",
                "date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "lang": "zh" if zh else "en",
            }
            line = json.dumps(record, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
    print(f"{args.out}: {number} documents, {written / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
