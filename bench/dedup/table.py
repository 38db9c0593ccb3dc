#!/usr/bin/env python3
"""Prints the table of bench/dedup_accuracy.sh from the JSON objects of the accuracy scripts.

Usage: table.py CURATE.json DATASKETCH.json
"""
import json
import sys

curate, peer = (json.load(open(path, encoding="utf-8")) for path in sys.argv[1:3])
truth = curate["truth"]
assert truth == peer["truth"], "the two scripts read different truth files"
print(f"documents: {curate['documents']}; same-family pairs: {truth['same_family_pairs']}; "
      f"true pairs with Jaccard >= 0.8: {truth['positives']}")
print("true Jaccard of same-family pairs: " + ", ".join(f"{k} {v}" for k, v in truth.items() if k.startswith("[")))
print()
print(f"{'variant':<52} {'predicted':>9} {'true pos':>8} {'precision':>9} {'recall':>7}")
for result in curate["variants"] + peer["variants"]:
    fmt = lambda v: "-" if v is None else f"{v:.4f}"
    print(f"{result['variant']:<52} {result['predicted']:>9} {result['true_positives']:>8} "
          f"{fmt(result['precision']):>9} {fmt(result['recall']):>7}")
print()
print(f"curate: {curate['ingest_duplicate_pairs']} of its pairs are ingest's byte-identical copies; "
      f"{curate['candidate_pairs_compared']} candidate pairs compared, {curate['pairs_verified_exactly']} verified exactly; "
      f"dedup {curate['dedup_seconds']} s (signing {curate['signature_seconds']} s)")
print(f"{peer['tool']}: signing {peer['sign_seconds']} s; "
      + "; ".join(f"{r['variant'].split('(')[-1].rstrip(')')}: index {r['index_seconds']} s, queries {r['query_seconds']} s"
                  for r in peer["variants"] if "estimate" not in r["variant"]))
print("clusters count every pair joined through other members too: a different measure from pairs")
