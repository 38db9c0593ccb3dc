"""Shared by the accuracy scripts: the corpus's ids and families, the truth file, and precision/recall
of a set of predicted near-duplicate pairs against the pairs whose true Jaccard is at least 0.8.

A predicted pair of documents from different families is a false positive (the generator checks that
such pairs share no shingle). Pairs are (id_a, id_b) with id_a < id_b.
"""
import json

THRESHOLD = 0.8
BINS = [(0.7, 0.8), (0.8, 0.9), (0.9, 1.0)]


def read_corpus(path):
    """[(id, text)] and {id: family}, in file order."""
    documents, families = [], {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            documents.append((record["id"], record["text"]))
            families[record["id"]] = record["family"]
    return documents, families


def read_truth(path):
    """{(id_a, id_b): true Jaccard} for every same-family pair."""
    truth = {}
    with open(path, encoding="utf-8") as lines:
        next(lines)
        for line in lines:
            a, b, value = line.rstrip("\n").split("\t")
            truth[pair(a, b)] = float(value)
    return truth


def pair(a, b):
    return (a, b) if a < b else (b, a)


def truth_summary(truth):
    summary = {"same_family_pairs": len(truth), "positives": sum(v >= THRESHOLD for v in truth.values())}
    for low, high in BINS:
        inside = sum(low <= v < high or (high == 1.0 and v == 1.0) for v in truth.values())
        summary[f"[{low},{high}{']' if high == 1.0 else ')'}"] = inside
    return summary


def score(name, predicted, truth, families, **extra):
    """Precision and recall of `predicted` (a set of pairs), with where its errors lie."""
    positives = {p for p, v in truth.items() if v >= THRESHOLD}
    hits = predicted & positives
    cross = sum(families[a] != families[b] for a, b in predicted)
    near_misses = sum(0.7 <= truth.get(p, 0.0) < THRESHOLD for p in predicted)
    missed = positives - predicted
    result = {
        "variant": name,
        "predicted": len(predicted),
        "true_positives": len(hits),
        "precision": round(len(hits) / len(predicted), 4) if predicted else None,
        "recall": round(len(hits) / len(positives), 4) if positives else None,
        "false_positives_cross_family": cross,
        "false_positives_true_jaccard_0.7_to_0.8": near_misses,
        "missed_true_jaccard_0.8_to_0.9": sum(truth[p] < 0.9 for p in missed),
        "missed_true_jaccard_0.9_to_1": sum(truth[p] >= 0.9 for p in missed),
    }
    result.update(extra)
    return result
