#!/usr/bin/env python3
"""One-sentence-a-line text for `lm train` benchmarks, as lmplz takes it (tokens split by spaces,
lower-cased):

- real: the paragraphs of HTML documentation (by default the Rust book and the Cargo book that rustup
  installs under ~/.rustup; any folder of .html files), cut into sentences;
- markov: as many bytes as asked of new sentences from a word-bigram chain trained on a real file, so a
  multi-GB file has the word statistics of prose without repeating it (the n-gram counts grow as they do
  on real text, which is what the memory measurement needs). Deterministic for a seed.

Usage: text_lines.py real OUT.txt HTML_DIR…
       text_lines.py markov OUT.txt SOURCE.txt SIZE_MB [--seed N]
"""
import html.parser
import os
import random
import re
import sys


class Paragraphs(html.parser.HTMLParser):
    """The text of <p> and <li> elements, outside <pre>, <code> blocks and navigation."""

    def __init__(self):
        super().__init__()
        self.depth, self.skip, self.current, self.paragraphs = 0, 0, [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("pre", "script", "style", "nav"):
            self.skip += 1
        elif tag in ("p", "li"):
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("pre", "script", "style", "nav"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("p", "li") and self.depth:
            self.depth -= 1
            if not self.depth:
                self.paragraphs.append(" ".join("".join(self.current).split()))
                self.current = []

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.current.append(data)


def tokens(sentence):
    return " ".join(re.findall(r"\w+|[^\w\s]", sentence.lower()))


def real(out, folders):
    lines = 0
    with open(out, "w", encoding="utf-8") as handle:
        for folder in folders:
            for directory, _, names in sorted(os.walk(folder)):
                for name in sorted(names):
                    if not name.endswith(".html"):
                        continue
                    parser = Paragraphs()
                    parser.feed(open(os.path.join(directory, name), encoding="utf-8", errors="replace").read())
                    for paragraph in parser.paragraphs:
                        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph):
                            line = tokens(sentence)
                            if len(line.split()) >= 3:
                                handle.write(line + "\n")
                                lines += 1
    print(f"{out}: {lines} sentences")


def markov(out, source, size_mb, seed):
    successors = {}
    starts = []
    for line in open(source, encoding="utf-8"):
        words = line.split()
        if not words:
            continue
        starts.append(words[0])
        for a, b in zip(["<s>"] + words, words + ["</s>"]):
            successors.setdefault(a, []).append(b)
    rng = random.Random(seed)
    target, written = size_mb * 1_000_000, 0
    with open(out, "w", encoding="utf-8") as handle:
        while written < target:
            chunk = []
            for _ in range(10_000):
                word, sentence = "<s>", []
                while len(sentence) < 60:
                    options = successors[word]
                    word = options[int(rng.random() * len(options))]
                    if word == "</s>":
                        break
                    sentence.append(word)
                if len(sentence) >= 3:
                    chunk.append(" ".join(sentence))
            text = "\n".join(chunk) + "\n"
            handle.write(text)
            written += len(text.encode("utf-8"))
    print(f"{out}: {written / 1e6:.0f} MB")


if __name__ == "__main__":
    if sys.argv[1] == "real":
        real(sys.argv[2], sys.argv[3:])
    else:
        seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 20261206
        markov(sys.argv[2], sys.argv[3], int(sys.argv[4]), seed)
