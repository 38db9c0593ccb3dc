#!/usr/bin/env python3
"""Perplexity of the sample documents by kind: clean documents against the junk of samples/.

Reads a store made by `curate ingest samples/ && curate score && curate score --metric perplexity` and
prints, per language and kind of document (clean, copies of clean documents, each kind of crawl junk),
the number of documents, their median perplexity and bits per byte, and how many are in the head bucket.

Usage: python3 bench/samples_perplexity.py STORE.db
"""
import collections
import json
import sqlite3
import statistics
import sys


def kind(key, metadata):
    if key.startswith(("samples/en/", "samples/zh/", "samples/txt/")):
        return "clean"
    if key.startswith("samples/web/"):
        k = json.loads(metadata or "{}").get("kind", "?")
        return "copy of clean (" + k + ")" if k in ("exact_duplicate", "near_duplicate", "boilerplate_wrapped") else "junk: " + k
    if key.startswith("samples/wet/"):
        return "copy of clean (wet page)"
    return "other: " + key.split("/")[1]


def main():
    connection = sqlite3.connect(sys.argv[1])
    model = connection.execute("SELECT m.id FROM lm_models m ORDER BY created_at DESC LIMIT 1").fetchone()[0]
    rows = connection.execute("""
        SELECT s.key, d.metadata, p.language, p.perplexity, p.bits_per_byte, p.bucket
        FROM perplexity p JOIN documents d ON d.seq = p.seq JOIN sources s ON s.id = d.source_id
        WHERE p.model_id = ?""", (model,)).fetchall()
    groups = collections.defaultdict(list)
    for key, metadata, language, perplexity, bpb, bucket in rows:
        groups[(language, kind(key, metadata))].append((perplexity, bpb, bucket))
    print(f"{'language':9s} {'kind of document':38s} {'docs':>5s} {'median pp':>10s} {'median bpb':>11s} {'head':>5s}")
    for (language, name), values in sorted(groups.items()):
        pp = statistics.median(v[0] for v in values)
        bpb = statistics.median(v[1] for v in values)
        head = sum(1 for v in values if v[2] == "head")
        print(f"{language:9s} {name:38s} {len(values):5d} {pp:10.1f} {bpb:11.3f} {head:5d}")


if __name__ == "__main__":
    main()
