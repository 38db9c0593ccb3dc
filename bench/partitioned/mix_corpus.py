#!/usr/bin/env python3
"""A large real-text corpus for bench/partitioned.sh without the duplication of plain copies: the source
corpus as it is, then COPIES - 1 more rounds in which each document is the first half of one source
document's lines followed by the second half of another's (same language when the source says so,
else any), paired differently in every round. Every text is real; a round's documents share at most
half a document with any other, so the near-duplicate rate stays near the source's own (25 plain copies
would put every document in a cluster of 25 and make dedup, not the corpus, the measurement).

Usage: mix_corpus.py CORPUS.jsonl OUT.jsonl COPIES
Prints one JSON object: documents and text bytes written.
"""
import json
import sys


def main():
    source, out, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(source, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    by_language, position = {}, {}
    for index, record in enumerate(records):
        peers = by_language.setdefault(record.get("language", ""), [])
        position[index] = len(peers)
        peers.append(index)
    documents = text_bytes = 0
    with open(out, "w", encoding="utf-8") as handle:
        for round_ in range(copies):
            for index, record in enumerate(records):
                if round_ == 0:
                    text = record["text"]
                else:
                    peers = by_language[record.get("language", "")]
                    other = records[peers[(position[index] + round_ * 7919) % len(peers)]] if len(peers) > 1 else record
                    first, second = record["text"].split("\n"), other["text"].split("\n")
                    text = "\n".join(first[: max(1, len(first) // 2)] + second[len(second) // 2:])
                handle.write(json.dumps({"id": f"{record['id']}#r{round_}", "text": text}, ensure_ascii=False) + "\n")
                documents += 1
                text_bytes += len(text.encode("utf-8"))
    print(json.dumps({"documents": documents, "text_bytes": text_bytes}))


if __name__ == "__main__":
    main()
