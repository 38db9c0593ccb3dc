#!/usr/bin/env python3
"""The large corpus of bench/one-pass.sh's memory check: a JSON-lines corpus written COPIES times, every copy's
documents perturbed so that none is an exact duplicate of another: copy N (1..COPIES) appends the line
"(copy N)" to each text and gives it the id "<id>#copyN".

Usage: repeat_corpus.py CORPUS.jsonl OUT.jsonl COPIES
Prints one JSON object: documents and text bytes written.
"""
import json
import sys


def main():
    source, out, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(source, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    documents = text_bytes = 0
    with open(out, "w", encoding="utf-8") as handle:
        for copy in range(1, copies + 1):
            for record in records:
                text = f"{record['text']}\n(copy {copy})"
                handle.write(json.dumps({"id": f"{record['id']}#copy{copy}", "text": text}, ensure_ascii=False) + "\n")
                documents += 1
                text_bytes += len(text.encode("utf-8"))
    print(json.dumps({"documents": documents, "text_bytes": text_bytes}))


if __name__ == "__main__":
    main()
