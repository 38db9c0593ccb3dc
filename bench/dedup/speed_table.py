#!/usr/bin/env python3
"""Prints the tables of bench/dedup_speed.sh from its results file (one JSON object per line).

Usage: speed_table.py RESULTS.jsonl
"""
import json
import sys


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    everything = sorted({row["size"] for row in rows})
    sizes = sorted({row["size"] for row in rows if row["name"].startswith("datasketch")})
    larger = [size for size in everything if size not in sizes]
    by = {(row["name"], row["size"]): row for row in rows}

    def get(name, size):
        return by.get((name, size))

    summary = {}
    print(f"{'corpus':>7}  {'tool':<46} {'docs':>7} {'sign docs/s':>12} {'total s':>8} {'peak RSS':>9}")
    for size in sizes:
        one = get("curate dedup --minhash, 1 core", size)
        two = get("curate dedup --minhash, 2 cores", size)
        full = get("curate dedup (exact, minhash, lines), 2 cores", size)
        sketch = get("datasketch MinHash + MinHashLSH, 1 core", size)
        growth = get("store growth", size)
        docs = one["out"]["summary"]["signed"]
        # Signatures per second: documents over the CPU time the worker spent signing (tokenisation,
        # shingling and MinHash included; the store's reads and writes not).
        sign_one = docs / one["out"]["summary"]["signingCPUSeconds"]
        sign_two = docs / two["out"]["summary"]["signatureSeconds"]
        line = lambda tool, n, rate, total, rss: print(
            f"{size:>5}MB  {tool:<46} {n:>7} {rate:>12,.0f} {total:>8.2f} {rss / 1024:>7.0f}MB")
        line("curate dedup --minhash, 1 core (taskset)", docs, sign_one, one["wall"], one["rss_kb"])
        line("curate dedup --minhash, 2 cores", docs, sign_two, two["wall"], two["rss_kb"])
        line("curate dedup (all three), 2 cores", docs, full["out"]["summary"]["signed"] / full["out"]["summary"]["signatureSeconds"],
             full["wall"], full["rss_kb"])
        sk = sketch["out"]
        line(sk.get("tool", "datasketch") + " (1 core)", sk["documents"], sk["sign_docs_per_s"], sk["total_seconds"], sketch["rss_kb"])
        summary[size] = dict(docs=docs, sign_one=sign_one, one=one, two=two, full=full, sketch=sketch, growth=growth["bytes"])

    for size in larger:
        full = get("curate dedup (exact, minhash, lines), 2 cores", size)
        out = full["out"]["summary"]
        print(f"{size:>5}MB  {'curate dedup (all three), 2 cores':<46} {out['signed']:>7} "
              f"{out['signed'] / out['signatureSeconds']:>12,.0f} {full['wall']:>8.2f} {full['rss_kb'] / 1024:>7.0f}MB")
        summary[size] = dict(docs=out["signed"], full=full, growth=get("store growth", size)["bytes"])

    print()
    for size in sizes:
        s = summary[size]
        sk = s["sketch"]["out"]
        print(f"{size} MB: signatures/s on one core {s['sign_one'] / sk['sign_docs_per_s']:.1f}x datasketch; "
              f"total dedup {sk['total_seconds'] / s['one']['wall']:.1f}x datasketch on one core, "
              f"{sk['total_seconds'] / s['two']['wall']:.1f}x on two")
    trove = next((row for row in rows if row["name"].startswith("datatrove")), None)
    if trove:
        out = trove["out"]
        rate = out.get("signature_docs_per_s")
        if rate:
            size = trove["size"]
            print(f"datatrove MinHash signature stage: {rate:,.0f} documents/s on {out.get('documents')} documents; "
                  f"curate one core {summary[size]['sign_one'] / rate:.0f}x")
        else:
            print(f"datatrove: {json.dumps(out)[:400]}")
    if len(sizes) > 1:
        small, large = summary[sizes[0]], summary[sizes[-1]]
        print(f"peak RSS from {sizes[0]} MB to {sizes[-1]} MB ({large['docs'] / small['docs']:.1f}x the documents): "
              f"curate one core {small['one']['rss_kb'] / 1024:.0f} -> {large['one']['rss_kb'] / 1024:.0f} MB, "
              f"all three {small['full']['rss_kb'] / 1024:.0f} -> {large['full']['rss_kb'] / 1024:.0f} MB; "
              f"datasketch {small['sketch']['rss_kb'] / 1024:.0f} -> {large['sketch']['rss_kb'] / 1024:.0f} MB")
    if larger:
        print("curate (all three, two cores) peak RSS by corpus: " + ", ".join(
            f"{size} MB {summary[size]['docs']:,} docs {summary[size]['full']['rss_kb'] / 1024:.0f} MB" for size in everything))

    # Projection from the largest corpus: two cores, all three methods, linear in the documents (the
    # signatures are; the candidate search is one ordered scan of the band index per run).
    s = summary[everything[-1]]
    per_doc_seconds = s["full"]["wall"] / s["docs"]
    per_doc_bytes = s["growth"] / s["docs"]
    print(f"\nprojection from {everything[-1]} MB ({s['docs']} documents, {per_doc_seconds * 1e6:.0f} us and {per_doc_bytes:.0f} "
          f"bytes of dedup tables per document, two cores):")
    for n, label in ((1e7, "10 million"), (1e9, "1 billion")):
        hours = per_doc_seconds * n / 3600
        print(f"  {label:>10} documents: {hours:,.1f} h on 2 cores, {per_doc_bytes * n / 1e9:,.0f} GB of dedup tables")


if __name__ == "__main__":
    main()
