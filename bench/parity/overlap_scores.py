#!/usr/bin/env python3
"""Golden BLEU and ROUGE values from sacrebleu and rouge-score for Tests/OverlapTests.

Pairs of (hypothesis, references) are made from the English and Chinese text samples: each sentence is
the reference, and the hypothesis is the sentence changed the way a generation would be (words dropped,
swapped, replaced, shortened). Writes, per language: corpus BLEU (sacrebleu, tokenizer 13a for English,
zh for Chinese), each pair's sentence BLEU (effective order), and ROUGE-1/2/L (rouge-score; for Chinese
with a tokenizer that makes each non-ASCII letter a token, the same rule as curate's).

Usage: VENV/bin/python bench/parity/overlap_scores.py Tests/Fixtures/overlap/golden.json
"""
import json
import os
import random
import re
import sys

from rouge_score import rouge_scorer
from sacrebleu.metrics import BLEU

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class CharacterTokenizer:
    """Lower-cased ASCII words and each other letter or digit as its own token."""

    def tokenize(self, text):
        tokens = []
        for match in re.finditer(r"[a-z0-9]+|[^\x00-\x7f]", text.lower()):
            token = match.group(0)
            if token.isascii() or token.isalpha() or token.isnumeric():
                tokens.append(token)
        return tokens


def sentences(prefix, splitter):
    out = []
    folder = os.path.join(ROOT, "samples", "txt")
    for name in sorted(os.listdir(folder)):
        if name.startswith(prefix):
            text = open(os.path.join(folder, name), encoding="utf-8").read()
            out += [s.strip() for s in splitter(text) if len(s.strip()) > 8]
    return out


def perturb(sentence, rng, chinese):
    units = list(sentence) if chinese else sentence.split(" ")
    kind = rng.randrange(5)
    if kind == 0 and len(units) > 4:
        del units[rng.randrange(len(units))]
    elif kind == 1 and len(units) > 3:
        i = rng.randrange(len(units) - 1)
        units[i], units[i + 1] = units[i + 1], units[i]
    elif kind == 2:
        units[rng.randrange(len(units))] = "的" if chinese else "something"
    elif kind == 3:
        units = units[: max(2, len(units) * 2 // 3)]
    else:
        units = units[::2] if len(units) > 6 else units
    return ("" if chinese else " ").join(units)


def main():
    rng = random.Random(20261123)
    english = sentences("en", lambda t: re.split(r"(?<=[.!?])\s+", t))[:40]
    chinese = sentences("zh", lambda t: re.split(r"(?<=[。！？])", t))[:40]
    golden = {}
    for language, refs, tokenizer, chinese_flag in (("en", english, "13a", False), ("zh", chinese, "zh", True)):
        hyps = [perturb(r, rng, chinese_flag) for r in refs]
        second = [perturb(r, rng, chinese_flag) for r in refs]  # a second reference for every other pair
        references = [[r, s] if i % 2 else [r] for i, (r, s) in enumerate(zip(refs, second))]
        bleu = BLEU(tokenize=tokenizer)
        # sacrebleu takes references as streams: pad the single-reference segments with the first one.
        streams = [[refs_[0] for refs_ in references], [refs_[-1] for refs_ in references]]
        corpus = bleu.corpus_score(hyps, streams)
        sentence_bleu = BLEU(tokenize=tokenizer, effective_order=True)
        scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"],
                                          tokenizer=CharacterTokenizer() if chinese_flag else None)
        pairs = []
        for hyp, refs_ in zip(hyps, references):
            rouge = scorer.score(refs_[0], hyp)
            pairs.append({
                "hypothesis": hyp, "references": refs_,
                "tokens": bleu.tokenizer(hyp),
                "sentence_bleu": sentence_bleu.sentence_score(hyp, refs_).score,
                "rouge1": [rouge["rouge1"].precision, rouge["rouge1"].recall, rouge["rouge1"].fmeasure],
                "rouge2": [rouge["rouge2"].precision, rouge["rouge2"].recall, rouge["rouge2"].fmeasure],
                "rougeL": [rouge["rougeL"].precision, rouge["rougeL"].recall, rouge["rougeL"].fmeasure],
            })
        golden[language] = {"tokenizer": tokenizer, "corpus_bleu": corpus.score, "bp": corpus.bp,
                            "precisions": corpus.precisions, "pairs": pairs}
    os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(golden, out, ensure_ascii=False, indent=1)
    print(f"{sys.argv[1]}: en corpus BLEU {golden['en']['corpus_bleu']:.2f}, zh corpus BLEU {golden['zh']['corpus_bleu']:.2f}")


if __name__ == "__main__":
    main()
