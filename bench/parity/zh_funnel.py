#!/usr/bin/env python3
"""The Chinese funnel: curate's zh profile against datatrove 0.10.1's default filters on the same documents.

Reads the Chinese documents of samples/ (clean: zh/*.jsonl and txt/zh*.txt; crawl junk and near
duplicates: web/crawl-zh.jsonl.gz), runs datatrove's GopherQuality -> GopherRepetition -> C4Quality ->
FineWebQuality (defaults, as a peer user would) on each, and reads curate's verdicts for the same
documents from a store that `curate ingest samples/ && curate score` produced.

Usage: VENV/bin/python bench/parity/zh_funnel.py STORE.db
"""
import collections
import gzip
import json
import os
import sqlite3
import sys

from datatrove.data import Document
from datatrove.pipeline.filters import C4QualityFilter, FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def documents():
    """(category, text) of every Chinese sample document."""
    docs = []
    for name in ("zh/kepu.jsonl", "zh/shenghuo.jsonl"):
        with open(os.path.join(ROOT, "samples", name), encoding="utf-8") as handle:
            docs += [("clean", json.loads(line)["text"]) for line in handle]
    for name in sorted(os.listdir(os.path.join(ROOT, "samples", "txt"))):
        if name.startswith("zh"):
            with open(os.path.join(ROOT, "samples", "txt", name), encoding="utf-8") as handle:
                docs.append(("clean", handle.read()))
    with gzip.open(os.path.join(ROOT, "samples", "web", "crawl-zh.jsonl.gz"), "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            kind = record["kind"]
            category = "clean copy" if kind in ("exact_duplicate", "near_duplicate", "boilerplate_wrapped") else "junk"
            docs.append((category + " (" + kind + ")" if category == "junk" else category + " (" + kind + ")", record["text"]))
    return docs


def datatrove_verdict(text):
    for make in (GopherQualityFilter, GopherRepetitionFilter, C4QualityFilter, FineWebQualityFilter):
        outcome = make().filter(Document(text=text, id="x"))
        if outcome is not True:
            return outcome[1]
    return "keep"


def curate_verdicts(store):
    """Verdicts by text, read from the store (documents decoded with the zstd CLI-free python module)."""
    import zstandard
    connection = sqlite3.connect(store)
    verdicts = {}
    query = """SELECT d.codec, d.text, coalesce(v.failures, v2.failures), coalesce(v.kept, v2.kept)
               FROM documents d
               LEFT JOIN filter_verdicts v ON v.seq = d.seq
               LEFT JOIN documents first ON first.id = d.duplicate_of
               LEFT JOIN filter_verdicts v2 ON v2.seq = first.seq"""
    for codec, blob, failures, kept in connection.execute(query):
        text = zstandard.ZstdDecompressor().decompress(blob).decode() if codec == 1 else bytes(blob).decode()
        verdicts[text] = "keep" if kept == 1 else (failures or "?").split()[0]
    return verdicts


def main():
    ours = curate_verdicts(sys.argv[1])
    table = collections.defaultdict(lambda: [0, 0, 0, collections.Counter(), collections.Counter()])
    for category, text in documents():
        row = table[category]
        row[0] += 1
        theirs = datatrove_verdict(text)
        mine = ours.get(text, "missing")
        row[1] += mine == "keep"
        row[2] += theirs == "keep"
        if mine != "keep":
            row[3][mine] += 1
        if theirs != "keep":
            row[4][theirs] += 1
    print(f"{'Chinese sample documents':42s} {'n':>4s} {'curate zh kept':>15s} {'datatrove kept':>15s}")
    totals = [0, 0, 0]
    for category in sorted(table):
        n, mine, theirs, _, _ = table[category]
        totals = [totals[0] + n, totals[1] + mine, totals[2] + theirs]
        print(f"{category:42s} {n:4d} {mine:15d} {theirs:15d}")
    print(f"{'all':42s} {totals[0]:4d} {totals[1]:15d} {totals[2]:15d}")
    print("\nfirst failing rule, curate zh profile:")
    for rule, count in sum((row[3] for row in table.values()), collections.Counter()).most_common():
        print(f"  {rule:48s} {count:4d}")
    print("first failing rule, datatrove defaults:")
    for rule, count in sum((row[4] for row in table.values()), collections.Counter()).most_common():
        print(f"  {rule:48s} {count:4d}")


if __name__ == "__main__":
    main()
