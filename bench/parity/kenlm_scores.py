#!/usr/bin/env python3
"""Golden sentence scores from the kenlm Python module (PyPI kenlm 0.3.0) for the query parity test.

Reads an ARPA model and a file of test sentences (one per line, tokens separated by spaces) and writes,
per sentence, kenlm's Model.score(sentence, bos=True, eos=True), the token count and the number of
tokens the model does not know.

Usage (with the peers' venv, see ../shared/peers/setup.sh):
  VENV/bin/python bench/parity/kenlm_scores.py MODEL.arpa SENTENCES.txt OUT.jsonl
"""
import json
import sys

import kenlm


def main():
    model_path, sentences_path, out_path = sys.argv[1:4]
    model = kenlm.Model(model_path)
    with open(sentences_path, encoding="utf-8") as handle, open(out_path, "w", encoding="utf-8") as out:
        for line in handle:
            sentence = line.rstrip("\n")
            words = sentence.split()
            oov = sum(1 for word in words if word not in model)
            record = {"sentence": sentence, "log10": model.score(sentence, bos=True, eos=True),
                      "tokens": len(words), "oov": oov}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{out_path}: scored with kenlm {getattr(kenlm, '__version__', '0.3.0')}, order {model.order}")


if __name__ == "__main__":
    main()
