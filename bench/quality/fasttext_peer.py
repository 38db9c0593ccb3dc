"""fastText as the peer of `curate quality`: DCLM's classifier recipe (supervised, wordNgrams 2, otherwise
fastText's defaults) on the same exemplars and negatives, timed on one thread, scoring the same corpus.

Usage: fasttext_peer.py EXEMPLARS NEGATIVES CORPUS LABELS OUT.json [--epoch N]
Prints nothing; writes a JSON object with the timings and the ROC AUC overall and per language.

fastText splits on white space only, so Chinese is given to it as space-separated characters (text
lower-cased, newlines as spaces); that preprocessing is timed apart from fastText's own work. The training
lines are shuffled (seed 0): fastText walks its file in order, and a file of all positives then all
negatives trains a model that mostly remembers the last class it saw. Scoring is timed best of 3.
"""
import json
import os
import random
import re
import sys
import tempfile
import time

import fasttext
import numpy as np

CJK = re.compile(r'[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]')


def load(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def prepare(text):
    text = text.lower().replace('\n', ' ').replace('\r', ' ')
    text = CJK.sub(lambda m: ' ' + m.group(0) + ' ', text)
    return ' '.join(text.split())


def auc(scores, labels):
    scores, labels = np.asarray(scores, float), np.asarray(labels, int)
    order = np.argsort(scores, kind='mergesort')
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):  # mid-ranks for ties
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    good, bad = labels.sum(), len(labels) - labels.sum()
    return float((ranks[labels == 1].sum() - good * (good + 1) / 2) / (good * bad))


def main():
    exemplars, negatives, corpus, labels_path, out = sys.argv[1:6]
    epoch = int(sys.argv[sys.argv.index('--epoch') + 1]) if '--epoch' in sys.argv else 5
    positives, negatives = load(exemplars), load(negatives)
    documents = load(corpus)
    labels = {d['id']: d for d in load(labels_path)}

    started = time.perf_counter()
    lines = ['__label__good ' + prepare(d['text']) for d in positives] + ['__label__bad ' + prepare(d['text']) for d in negatives]
    random.Random(0).shuffle(lines)
    prepare_train = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'train.txt')
        with open(path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines) + '\n')
        started = time.perf_counter()
        model = fasttext.train_supervised(input=path, wordNgrams=2, epoch=epoch, thread=1, seed=0, verbose=0)
        train = time.perf_counter() - started

    started = time.perf_counter()
    texts = [prepare(d['text']) for d in documents]
    prepare_score = time.perf_counter() - started
    score_seconds = float('inf')
    for _ in range(3):  # best of 3, as curate's side is timed
        started = time.perf_counter()
        predicted_labels, probabilities = model.predict(texts, k=2)
        score_seconds = min(score_seconds, time.perf_counter() - started)
    scores = []
    for names, probs in zip(predicted_labels, probabilities):
        p = dict(zip(names, probs))
        scores.append(float(p.get('__label__good', 1.0 - p.get('__label__bad', 0.0))))
    good = [1 if labels[d['id']]['label'] == 'good' else 0 for d in documents]
    language = [labels[d['id']]['lang'] for d in documents]
    result = {
        'epoch': epoch, 'train_documents': len(lines), 'scored_documents': len(documents),
        'text_bytes': sum(len(d['text'].encode()) for d in documents),
        'seconds': {'prepare_train': prepare_train, 'train': train, 'prepare_score': prepare_score, 'score': score_seconds},
        'auc': auc(scores, good),
        'auc_by_language': {l: auc([s for s, x in zip(scores, language) if x == l], [g for g, x in zip(good, language) if x == l])
                            for l in sorted(set(language))},
    }
    k = round(0.3 * len(scores))
    top = np.argsort(-np.asarray(scores), kind='mergesort')[:k]
    result['top30'] = float(np.asarray(good)[top].mean())
    with open(out, 'w') as f:
        json.dump(result, f, indent=1)


if __name__ == '__main__':
    main()
