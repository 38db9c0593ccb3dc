"""The held-out sets of the real-text experiment, from the dev corpus's training split (never in the store).

Usage: build_sets.py DEV_OUT OUT_DIR

train-labels.jsonl (bench/quality/build_devcorpus.py) holds labelled documents of pages kept apart from
the held-out corpus the store is built from. Its clean prose is split in two by a hash of the document id:
one half is the language models' validation text (validation.jsonl, label "prose"), the other half and
the junk make the fine-tuning task, prose against junk, split 60/20/20 into task-train, task-val and
task-test (.jsonl, label "prose" or "junk"). Deterministic: the same input gives the same files.
"""
import hashlib
import json
import sys


def bucket(key, n):
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


def main():
    dev, out = sys.argv[1], sys.argv[2]
    documents = [json.loads(line) for line in open(f'{dev}/train-labels.jsonl', encoding='utf-8') if line.strip()]
    validation, task = [], {'train': [], 'val': [], 'test': []}
    for d in documents:
        record = {'id': d['id'], 'language': d['lang'], 'text': d['text']}
        if d['label'] == 'good' and bucket('validation:' + d['id'], 2) == 0:
            validation.append(dict(record, label='prose'))
            continue
        part = bucket('task:' + d['id'], 10)
        split = 'train' if part < 6 else 'val' if part < 8 else 'test'
        task[split].append(dict(record, label='prose' if d['label'] == 'good' else 'junk'))

    def dump(name, rows):
        with open(f'{out}/{name}', 'w', encoding='utf-8') as f:
            for row in sorted(rows, key=lambda r: r['id']):
                f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + '\n')

    dump('validation.jsonl', validation)
    for split, rows in task.items():
        dump(f'task-{split}.jsonl', rows)
    counts = {'validation': len(validation), **{f'task-{k}': len(v) for k, v in task.items()}}
    print(json.dumps(counts))


if __name__ == '__main__':
    main()
