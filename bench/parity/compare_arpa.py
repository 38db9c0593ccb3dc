#!/usr/bin/env python3
"""Compares two ARPA files n-gram by n-gram: the same n-grams in each order, log10 probabilities and
back-offs within a tolerance. Prints the differences and exits 1 when there are any.

Usage: compare_arpa.py A.arpa B.arpa [--tolerance 1e-4]
"""
import sys


def read(path):
    orders = {}
    order = None
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line.startswith("\\") and line.endswith("-grams:"):
                order = int(line[1:line.index("-")])
                orders[order] = {}
                continue
            if order is None or not line.strip() or line.startswith("\\"):
                continue
            fields = line.split("\t")
            words = tuple(fields[1].split(" "))
            backoff = float(fields[2]) if len(fields) > 2 else 0.0
            orders[order][words] = (float(fields[0]), backoff)
    return orders


def main():
    a_path, b_path = sys.argv[1], sys.argv[2]
    tolerance = float(sys.argv[sys.argv.index("--tolerance") + 1]) if "--tolerance" in sys.argv else 1e-4
    a, b = read(a_path), read(b_path)
    problems = []
    if sorted(a) != sorted(b):
        problems.append(f"orders differ: {sorted(a)} vs {sorted(b)}")
    compared = 0
    worst = 0.0
    for order in sorted(set(a) & set(b)):
        only_a = set(a[order]) - set(b[order])
        only_b = set(b[order]) - set(a[order])
        for gram in sorted(only_a)[:10]:
            problems.append(f"{order}-gram only in {a_path}: {' '.join(gram)}")
        for gram in sorted(only_b)[:10]:
            problems.append(f"{order}-gram only in {b_path}: {' '.join(gram)}")
        if only_a or only_b:
            problems.append(f"{order}-grams: {len(only_a)} only in the first, {len(only_b)} only in the second")
        for gram in set(a[order]) & set(b[order]):
            (pa, ba), (pb, bb) = a[order][gram], b[order][gram]
            compared += 1
            difference = max(abs(pa - pb), abs(ba - bb))
            worst = max(worst, difference)
            if difference > tolerance:
                problems.append(f"{' '.join(gram)}: prob {pa} vs {pb}, backoff {ba} vs {bb}")
    for problem in problems[:40]:
        print(problem)
    print(f"compared {compared} n-grams; largest difference {worst:.2e}; {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
