#!/usr/bin/env python3
"""Sanity baselines for the quality dev corpus (see build_devcorpus.py).

    /work/peers-venv/bin/python bench/quality/baseline.py OUT_DIR

Positives: exemplars.jsonl. Negatives: 2,000 random documents of corpus.jsonl
(seed 0; unlabelled from the user's point of view, so some are good). Both
models score every corpus.jsonl document; reported: ROC AUC (ties count half)
against heldout-labels.jsonl overall / en / zh, and the share of good documents
among the top 30% by score.
  LR:       numpy logistic regression on signed-hashed unigrams+bigrams (2^20
            buckets; ASCII words lower-cased, CJK characters and CJK character
            bigrams), log(1+tf), L2-normalised.
  fastText: fasttext.train_supervised(wordNgrams=2, defaults otherwise) on
            lower-cased text, newlines -> spaces, CJK characters space-separated.
"""
import json
import os
import re
import sys
import tempfile
import zlib

import numpy as np

NB = 1 << 20
TOK = re.compile(r'[A-Za-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]')
CJK = re.compile(r'[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]')


def load(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(l) for l in f]


def feats(text):
    toks = [t.lower() for t in TOK.findall(text)]
    grams = list(toks)
    for a, b in zip(toks, toks[1:]):
        grams.append(a + ' ' + b)  # word bigrams, and CJK character bigrams (adjacent CJK tokens)
    counts = {}
    for g in grams:
        h = zlib.crc32(g.encode('utf-8'))
        idx, sign = h % NB, (1.0 if (h >> 31) & 1 else -1.0)
        counts[(idx, sign)] = counts.get((idx, sign), 0) + 1
    vec = {}
    for (idx, sign), c in counts.items():
        vec[idx] = vec.get(idx, 0.0) + sign * np.log1p(c)
    if not vec:
        return np.zeros(0, np.int64), np.zeros(0)
    idx = np.fromiter(vec.keys(), np.int64, len(vec))
    val = np.fromiter(vec.values(), np.float64, len(vec))
    n = np.linalg.norm(val)
    return idx, (val / n if n > 0 else val)


def to_csr(fs):
    indptr = np.zeros(len(fs) + 1, np.int64)
    for i, (ix, _) in enumerate(fs):
        indptr[i + 1] = indptr[i] + len(ix)
    idx = np.concatenate([f[0] for f in fs]) if fs else np.zeros(0, np.int64)
    val = np.concatenate([f[1] for f in fs]) if fs else np.zeros(0)
    rows = np.repeat(np.arange(len(fs)), np.diff(indptr))
    return rows, idx, val


def dot(csr, w, n):
    rows, idx, val = csr
    return np.bincount(rows, weights=val * w[idx], minlength=n)


def train_lr(fs, y, epochs=15, lr0=0.5, seed=0):
    """Plain SGD on the class-balanced logistic loss (sparse, per-example updates)."""
    n = len(fs)
    w = np.zeros(NB)
    b = 0.0
    npos = y.sum()
    cw = np.where(y == 1, n / (2 * npos), n / (2 * (n - npos)))
    rng = np.random.default_rng(seed)
    t = 0
    for ep in range(epochs):
        for i in rng.permutation(n):
            idx, val = fs[i]
            z = float(w[idx] @ val) + b
            p = 1 / (1 + np.exp(-max(-30.0, min(30.0, z))))
            g = (p - y[i]) * cw[i]
            lr = lr0 / (1 + t / n)
            w[idx] -= lr * g * val
            b -= lr * g * 0.1
            t += 1
    return w, b


def auc(scores, labels):
    scores = np.asarray(scores, float)
    labels = np.asarray(labels, int)
    order = np.argsort(scores, kind='mergesort')
    s = scores[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):  # average ranks over ties
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2 + 1
        i = j + 1
    r = np.empty(len(s))
    r[order] = ranks
    npos, nneg = labels.sum(), len(labels) - labels.sum()
    if npos == 0 or nneg == 0:
        return float('nan')
    return (r[labels == 1].sum() - npos * (npos + 1) / 2) / (npos * nneg)


def top_share(scores, labels, frac=0.30):
    k = max(1, int(round(len(scores) * frac)))
    order = np.argsort(-np.asarray(scores), kind='mergesort')[:k]
    return float(np.asarray(labels)[order].mean())


def ft_text(t):
    t = t.lower().replace('\n', ' ').replace('\r', ' ')
    t = CJK.sub(lambda m: ' ' + m.group(0) + ' ', t)
    return ' '.join(t.split())


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else '/work/devcorpus/out'
    corpus = load(os.path.join(out, 'corpus.jsonl'))
    labels = {d['id']: d for d in load(os.path.join(out, 'heldout-labels.jsonl'))}
    ex = load(os.path.join(out, 'exemplars.jsonl'))
    rng = np.random.default_rng(0)
    neg_idx = rng.choice(len(corpus), size=min(2000, len(corpus)), replace=False)
    negs = [corpus[i] for i in sorted(neg_idx)]
    y_lab = np.array([1 if labels[d['id']]['label'] == 'good' else 0 for d in corpus])
    lang = np.array([labels[d['id']]['lang'] for d in corpus])

    results = {}
    # --- logistic regression
    train_docs = ex + negs
    y = np.array([1] * len(ex) + [0] * len(negs), float)
    w, b = train_lr([feats(d['text']) for d in train_docs], y)
    cf = [feats(d['text']) for d in corpus]
    results['LR (hashed 1+2-grams)'] = dot(to_csr(cf), w, len(cf)) + b

    # --- fastText
    try:
        import fasttext
        with tempfile.TemporaryDirectory() as td:
            path = os.path.join(td, 'train.txt')
            with open(path, 'w', encoding='utf-8') as f:
                for d, lab in zip(train_docs, y):
                    f.write('__label__%s %s\n' % ('pos' if lab else 'neg', ft_text(d['text'])))
            # as specified (defaults: epoch=5), plus epoch=25 as a diagnostic: with 2,500 training
            # lines the default 5 epochs leave the model badly under-trained on this corpus
            for name, kw in (('fastText (wordNgrams=2)', {}), ('fastText (wng=2, epoch=25)', {'epoch': 25})):
                m = fasttext.train_supervised(input=path, wordNgrams=2, seed=0, thread=1, verbose=0, **kw)
                sc = []
                for d in corpus:
                    labs, probs = m.predict(ft_text(d['text']), k=2)
                    p = dict(zip(labs, probs))
                    sc.append(float(p.get('__label__pos', 0.0)))
                results[name] = np.array(sc)
    except ImportError:
        print('fasttext not available', file=sys.stderr)

    print('corpus %d docs (good %d), exemplars %d, negatives %d (random corpus docs, seed 0)'
          % (len(corpus), y_lab.sum(), len(ex), len(negs)))
    print('%-26s %8s %8s %8s %12s' % ('model', 'AUC', 'AUC en', 'AUC zh', 'good@top30%'))
    for name, s in results.items():
        row = [auc(s, y_lab)] + [auc(s[lang == l], y_lab[lang == l]) for l in ('en', 'zh')]
        print('%-26s %8.3f %8.3f %8.3f %12.3f' % (name, *row, top_share(s, y_lab)))
    print('base rate good: %.3f' % y_lab.mean())


if __name__ == '__main__':
    main()
