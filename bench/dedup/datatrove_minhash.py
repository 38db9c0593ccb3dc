#!/usr/bin/env python3
"""Speed of datatrove 0.10.1's MinHash deduplication on one JSONL corpus, one task at a time, the peer of
curate's near-duplicate stage.

Usage: taskset -c 0 <peers venv>/bin/python datatrove_minhash.py CORPUS.jsonl WORKDIR [--limit N]
           [--language eng] [--signature-only]

Stages (datatrove.pipeline.dedup.minhash), each a LocalPipelineExecutor with workers=1 logging under
WORKDIR/logs/<stage>, with MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8) like curate (the
rest datatrove's defaults: seed 1, 64-bit xxhash, its TextNormConfig):
  signature - JsonlReader(text key "text", limit N) -> MinhashDedupSignature, tasks=1;
  buckets   - MinhashDedupBuckets, tasks=14 (datatrove requires tasks to be a multiple of num_buckets),
              run one after another in this process;
  cluster   - MinhashDedupCluster, tasks=1.
Each stage's seconds are the wall time of its executor.run(). The signature stage runs first, cold, so its
seconds include importing spaCy and building its blank pipeline on the first document; afterwards the same
stage is run again on one document (warm imports) and reported as signature_1doc_seconds, the fixed
per-run cost (executor set-up, tokenizer build, 14 bucket files sorted and written).
documents is what the signature step received; documents_signed is how many got a signature (datatrove
skips documents with fewer than n_grams tokens). Words come from datatrove's tokenizer for --language
(default "eng": spaCy's blank English tokenizer, which needs no model download), applied after
simplify_text (lower case, digits -> 0, punctuation -> spaces). A stage that fails is reported in
"errors" under its name and the later stages are skipped. WORKDIR's signatures/, buckets/, remove_ids/,
probe/ and logs/ are removed first. Prints one JSON object on stdout; datatrove logs to stderr.
"""
import argparse
import json
import os
import shutil
import time
import traceback
from importlib.metadata import version

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupSignature,
)
from datatrove.pipeline.readers import JsonlReader

CONFIG = MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8)
SUBFOLDERS = ("signatures", "buckets", "remove_ids", "probe", "logs")


def run_stage(pipeline, logs, tasks=1):
    executor = LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1, logging_dir=logs,
                                     skip_completed=False)
    started = time.perf_counter()
    stats = executor.run()
    return time.perf_counter() - started, stats


def stat_total(stats, step_marker, key):
    """The total of one counter of the step whose name contains step_marker (0 when absent)."""
    for step in getattr(stats, "stats", []) or []:
        if step_marker in step.name and key in step.stats:
            return int(step.stats[key].total)
    return 0


def signed_documents(folder):
    """Documents with a signature: the records in bucket 0 (hashes_per_bucket 64-bit hashes + a 32-bit id)."""
    path = os.path.join(folder, "bucket_000", "00000.minhash.sig")
    record = CONFIG.hashes_per_bucket * (CONFIG.hash_config.precision // 8) + 4
    return os.path.getsize(path) // record if os.path.exists(path) else 0


def describe(error):
    return f"{type(error).__name__}: {error}".strip()


def main():
    parser = argparse.ArgumentParser(description="datatrove MinHash dedup stage timings on one JSONL corpus")
    parser.add_argument("corpus")
    parser.add_argument("workdir")
    parser.add_argument("--limit", type=int, default=-1, help="only the first N documents (default: all)")
    parser.add_argument("--language", default="eng",
                        help="datatrove language code for the word tokenizer (default eng)")
    parser.add_argument("--signature-only", action="store_true", help="skip the buckets and cluster stages")
    args = parser.parse_args()

    corpus = os.path.abspath(args.corpus)
    if not os.path.isfile(corpus):
        raise SystemExit(f"no such file: {corpus}")
    workdir = os.path.abspath(args.workdir)
    os.makedirs(workdir, exist_ok=True)
    for name in SUBFOLDERS:
        shutil.rmtree(os.path.join(workdir, name), ignore_errors=True)
    folder = lambda name: os.path.join(workdir, name)  # noqa: E731
    logs = lambda name: os.path.join(workdir, "logs", name)  # noqa: E731

    def reader(limit):
        return JsonlReader(os.path.dirname(corpus), glob_pattern=os.path.basename(corpus), limit=limit,
                           recursive=False)

    result = {
        "tool": f"datatrove {version('datatrove')}",
        "config": str(CONFIG),
        "language": args.language,
        "documents": None,
        "documents_signed": None,
        "signature_seconds": None,
        "signature_docs_per_s": None,
        "signature_1doc_seconds": None,
        "buckets_seconds": None,
        "buckets_pairs": None,
        "cluster_seconds": None,
        "cluster_to_remove": None,
        "errors": {},
    }
    errors = result["errors"]

    try:
        seconds, stats = run_stage(
            [reader(args.limit),
             MinhashDedupSignature(output_folder=folder("signatures"), config=CONFIG, language=args.language)],
            logs("signature"))
        documents = stat_total(stats, "MinHash stage 1", "total")
        result.update(documents=documents, documents_signed=signed_documents(folder("signatures")),
                      signature_seconds=round(seconds, 3),
                      signature_docs_per_s=round(documents / seconds, 1) if seconds > 0 else None)
    except Exception as error:  # noqa: BLE001 - the report says what failed
        errors["signature"] = describe(error)
        errors["signature_traceback"] = traceback.format_exc(limit=4)

    if "signature" not in errors:
        try:
            seconds, _ = run_stage(
                [reader(1),
                 MinhashDedupSignature(output_folder=folder("probe"), config=CONFIG, language=args.language)],
                logs("probe"))
            result["signature_1doc_seconds"] = round(seconds, 3)
        except Exception as error:  # noqa: BLE001
            errors["signature_1doc"] = describe(error)

    if not args.signature_only:
        if "signature" in errors:
            errors["buckets"] = errors["cluster"] = "skipped: the signature stage failed"
        else:
            try:
                seconds, stats = run_stage(
                    [MinhashDedupBuckets(input_folder=folder("signatures"), output_folder=folder("buckets"),
                                         config=CONFIG)],
                    logs("buckets"), tasks=CONFIG.num_buckets)
                result.update(buckets_seconds=round(seconds, 3),
                              buckets_pairs=stat_total(stats, "MinHash stage 2", "total_matches"))
            except Exception as error:  # noqa: BLE001
                errors["buckets"] = describe(error)
                errors["cluster"] = "skipped: the buckets stage failed"
            if "buckets" not in errors:
                try:
                    seconds, stats = run_stage(
                        [MinhashDedupCluster(input_folder=folder("buckets"), output_folder=folder("remove_ids"),
                                             config=CONFIG)],
                        logs("cluster"))
                    result.update(cluster_seconds=round(seconds, 3),
                                  cluster_to_remove=stat_total(stats, "MinHash stage 3", "to_remove"))
                except Exception as error:  # noqa: BLE001
                    errors["cluster"] = describe(error)

    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
