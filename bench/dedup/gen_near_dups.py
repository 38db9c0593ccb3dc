#!/usr/bin/env python3
"""Generates a JSONL corpus with known near duplicates, and the true Jaccard of every same-family pair.

Usage: gen_near_dups.py OUT.jsonl [--families N] [--seed S]    (standard library only; deterministic)

Writes OUT.jsonl, one document a line: {"id", "text", "family", "edit_rate"}, and OUT.truth.tsv
(header id_a, id_b, jaccard): for every pair of documents of the same family, the Jaccard similarity
of their sets of distinct 5-word shingles. Documents of different families are written independently,
so their Jaccard is taken as 0; the script checks that on a random sample of cross-family pairs and on
every cross-family pair that shares a shingle at all, and prints the largest value seen.

The text is synthetic English-like filler: pseudo-words of lower-case ASCII letters drawn from a fixed
20,000-word vocabulary with Zipf frequencies, single spaces between words, a newline between
paragraphs, no punctuation or digits. Whitespace splitting and an ICU word segmenter therefore see the
same words, so the true Jaccard is the same for every tool that shingles words.

A family is one original (150-1500 words, log-uniform) and, for a fifth of the families, 1-6 copies;
the rest are singletons (over half of the documents). Each copy edits the original with a rate r: every
word is, with probability r, substituted, deleted or followed by an inserted word (a third each). One
edited word changes up to five shingles, so Jaccard falls about five times as fast as r (r = 0.023 gives
about 0.8); r is drawn from [0, 0.06] for 60% of the copies, to put many pairs around the 0.8
threshold, and from [0.06, 0.35] for the rest. Copies whose r gave no edit are exact duplicates.
"""
import argparse
import bisect
import itertools
import json
import math
import os
import random
import sys

VOCABULARY = 20_000
SHINGLE = 5
SINGLETON_SHARE = 0.82     # of families; with 1-6 copies otherwise, singletons are ~50% of documents
NEAR_SHARE = 0.6           # of copies whose edit rate is drawn from [0, 0.06]


def vocabulary(rng):
    """VOCABULARY distinct pseudo-words built from syllables, shortest first (the frequent ones)."""
    onsets = ["", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "y", "z",
              "bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "pl", "pr", "sh", "sl", "sp", "st", "th", "tr"]
    nuclei = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "ie", "oo", "ou"]
    codas = ["", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck"]
    words = set()
    while len(words) < VOCABULARY:
        syllables = rng.choices([1, 2, 3, 4], weights=[3, 5, 3, 1])[0]
        words.add("".join(rng.choice(onsets) + rng.choice(nuclei) + rng.choice(codas) for _ in range(syllables)))
    ordered = sorted(words)
    rng.shuffle(ordered)
    ordered.sort(key=len)  # stable: random order within a length
    return ordered


class WordSource:
    """Zipf-Mandelbrot sampling over the vocabulary: p(rank k) proportional to 1 / (k + 2.7)."""

    def __init__(self, rng, words):
        self.rng = rng
        self.words = words
        self.cumulative = list(itertools.accumulate(1.0 / (k + 2.7) for k in range(1, len(words) + 1)))

    def take(self, n):
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=n)

    def one(self):
        return self.words[bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])]


def original(rng, source):
    """Paragraphs (lists of words) of one new document."""
    n = int(math.exp(rng.uniform(math.log(150), math.log(1501))))
    words = source.take(n)
    paragraphs, start = [], 0
    while start < n:
        size = rng.randint(30, 200)
        paragraphs.append(words[start:start + size])
        start += size
    return paragraphs


def edited(rng, source, paragraphs, rate):
    """A copy in which every word is, with probability `rate`, substituted, deleted or followed by a new word."""
    result = []
    for paragraph in paragraphs:
        out = []
        for word in paragraph:
            if rng.random() >= rate:
                out.append(word)
                continue
            operation = rng.randrange(3)
            if operation == 0:
                out.append(source.one())
            elif operation == 2:
                out.append(word)
                out.append(source.one())
        if out:
            result.append(out)
    return result or [[source.one()]]


def edit_rate(rng):
    return rng.uniform(0.0, 0.06) if rng.random() < NEAR_SHARE else rng.uniform(0.06, 0.35)


def shingles(text):
    """Distinct 5-word shingles of a text (one shingle of all its words when it has fewer than five)."""
    words = text.split()
    if not words:
        return frozenset()
    if len(words) < SHINGLE:
        return frozenset([tuple(words)])
    return frozenset(tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def jaccard(a, b):
    if not a and not b:
        return 1.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--families", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    source = WordSource(rng, vocabulary(rng))

    documents = []  # (family, edit_rate, text)
    for f in range(args.families):
        family = f"f{f:05d}"
        base = original(rng, source)
        documents.append((family, 0.0, "\n".join(" ".join(p) for p in base)))
        copies = 0 if rng.random() < SINGLETON_SHARE else rng.randint(1, 6)
        for _ in range(copies):
            rate = edit_rate(rng)
            documents.append((family, round(rate, 4), "\n".join(" ".join(p) for p in edited(rng, source, base, rate))))
    rng.shuffle(documents)
    ids = [f"d{i:06d}" for i in range(len(documents))]

    temporary = args.out + ".partial"
    with open(temporary, "w", encoding="utf-8") as out:
        for doc_id, (family, rate, text) in zip(ids, documents):
            out.write(json.dumps({"id": doc_id, "text": text, "family": family, "edit_rate": rate}) + "\n")

    members = {}
    for index, (family, _, _) in enumerate(documents):
        members.setdefault(family, []).append(index)
    sets = {}
    def shingle_set(index):
        if index not in sets:
            sets[index] = shingles(documents[index][2])
        return sets[index]

    truth_path = os.path.splitext(args.out)[0] + ".truth.tsv" if args.out.endswith(".jsonl") else args.out + ".truth.tsv"
    pairs = positives = 0
    with open(truth_path + ".partial", "w", encoding="utf-8") as out:
        out.write("id_a\tid_b\tjaccard\n")
        for family, indices in members.items():
            for a, b in itertools.combinations(sorted(indices), 2):
                value = jaccard(shingle_set(a), shingle_set(b))
                pairs += 1
                positives += value >= 0.8
                out.write(f"{ids[a]}\t{ids[b]}\t{value:.6f}\n")
    sets.clear()

    # Cross-family pairs: a random sample, then every pair that shares any shingle (an index of all shingles).
    sample_max = 0.0
    for _ in range(2000):
        a, b = rng.sample(range(len(documents)), 2)
        if documents[a][0] != documents[b][0]:
            sample_max = max(sample_max, jaccard(shingles(documents[a][2]), shingles(documents[b][2])))
    owner, sharing = {}, set()
    for index, (family, _, text) in enumerate(documents):
        for shingle in shingles(text):
            first = owner.setdefault(shingle, index)
            if first != index and documents[first][0] != family:
                sharing.add((first, index))
    owner.clear()
    scan_max = max((jaccard(shingles(documents[a][2]), shingles(documents[b][2])) for a, b in sharing), default=0.0)

    os.replace(temporary, args.out)
    os.replace(truth_path + ".partial", truth_path)
    singletons = sum(1 for indices in members.values() if len(indices) == 1)
    words = sum(len(text.split()) for _, _, text in documents)
    print(f"wrote {args.out}: {len(documents)} documents ({words} words) in {len(members)} families, "
          f"{singletons} singletons; {truth_path}: {pairs} same-family pairs, {positives} with Jaccard >= 0.8",
          file=sys.stderr)
    print(f"cross-family Jaccard: max {sample_max:.6f} over a sample of 2000 pairs; "
          f"{len(sharing)} cross-family pairs share a shingle, max Jaccard among them {scan_max:.6f}", file=sys.stderr)


if __name__ == "__main__":
    main()
