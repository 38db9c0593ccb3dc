#!/usr/bin/env python3
"""The table of bench/one-pass.sh: reads what the script left in WORK_DIR, prints the stages (curate on one
thread and two, the peer on one core, the ratio) and the targets, and writes every figure to
WORK_DIR/one-pass.json.

Usage: table.py WORK_DIR
Reads: corpus.json (corpus_facts.py), seconds.txt (lines "key value…" written by the script: curate's
wall seconds per stage and thread count, e.g. "heuristics_1 6.93", notes, the memory check), and the peers'
JSON: datatrove-filters.json, datasketch.json, datatrove-minhash.json, kenlm.json, fasttext.json.
"""
import json
import os
import sys

STAGES = ("heuristics", "minhash", "perplexity", "quality")
# The four stages the fused pass replaces: its MinHash measure also counts repeated lines.
FUSED_STAGES = ("heuristics", "minhashlines", "perplexity", "quality")
STAGE_NAMES = {"heuristics": "heuristics", "minhash": "MinHash signing", "perplexity": "perplexity",
               "quality": "quality"}
SCALING_TARGET = 1.8


def main():
    work = sys.argv[1]
    load = lambda name: json.load(open(os.path.join(work, name)))  # noqa: E731
    corpus = load("corpus.json")
    figures = {}
    for line in open(os.path.join(work, "seconds.txt"), encoding="utf-8"):
        key, _, value = line.rstrip("\n").partition(" ")
        try:
            figures[key] = float(value)
        except ValueError:
            figures[key] = value
    curate = {stage: {"threads_1": figures[f"{stage}_1"], "threads_2": figures[f"{stage}_2"]} for stage in STAGES + ("minhashlines",)}
    fused = ({"threads_1": figures["fused_1"], "threads_2": figures["fused_2"]} if "fused_1" in figures else None)
    separate = {"threads_1": sum(curate[s]["threads_1"] for s in FUSED_STAGES),
                "threads_2": sum(curate[s]["threads_2"] for s in FUSED_STAGES)}

    filters, datasketch, signature = load("datatrove-filters.json"), load("datasketch.json"), load("datatrove-minhash.json")
    kenlm, fasttext = load("kenlm.json"), load("fasttext.json")
    peers = {
        "datatrove_filters": {"tool": "datatrove 4 filters (Gopher, Gopher rep., C4, FineWeb)", "seconds": filters["seconds"],
                              "documents": filters["documents"], "kept": filters["kept"]},
        "datasketch_signing": {"tool": "datasketch MinHash, whitespace 5-word shingles", "seconds": datasketch["sign_seconds"],
                               "documents": datasketch["documents"]},
        "datatrove_signature": {"tool": "datatrove MinHash signature stage", "seconds": signature["signature_seconds"],
                                "documents": signature["documents"], "documents_signed": signature["documents_signed"],
                                "one_document_seconds": signature["signature_1doc_seconds"]},
        "kenlm_regex": {"tool": "kenlm Python, regex tokenizer", "seconds": kenlm["seconds"],
                        "score_only_seconds": kenlm["score_only_seconds"], "documents": kenlm["documents"]},
        "fasttext_predict": {"tool": "fastText prep + predict (wordNgrams 2, epoch 5)",
                             "seconds": fasttext["seconds"]["prepare_score"] + fasttext["seconds"]["score"],
                             "prepare_seconds": fasttext["seconds"]["prepare_score"],
                             "predict_seconds": fasttext["seconds"]["score"], "documents": fasttext["scored_documents"]},
    }
    peer_sum = sum(peers[k]["seconds"] for k in ("datatrove_filters", "datatrove_signature", "kenlm_regex", "fasttext_predict"))

    # Each target: (what, measured value, comparison, threshold).
    targets = [
        ("heuristics >= 50x datatrove's four filters", peers["datatrove_filters"]["seconds"] / curate["heuristics"]["threads_1"], ">=", 50),
        ("MinHash signing >= 5x datasketch", peers["datasketch_signing"]["seconds"] / curate["minhash"]["threads_1"], ">=", 5),
        ("MinHash signing >= 50x datatrove's signature stage", peers["datatrove_signature"]["seconds"] / curate["minhash"]["threads_1"], ">=", 50),
        ("perplexity >= 2x kenlm with its regex tokenizer", peers["kenlm_regex"]["seconds"] / curate["perplexity"]["threads_1"], ">=", 2),
    ]
    if fused:
        targets += [
            ("fused pass <= 0.6x the four separate stages (1 thread)", fused["threads_1"] / separate["threads_1"], "<=", 0.6),
            ("fused pass >= 25x the sum of the peers", peer_sum / fused["threads_1"], ">=", 25),
        ]
    for stage in STAGES:
        targets.append((f"{STAGE_NAMES[stage]}: 1 -> 2 threads >= {SCALING_TARGET}x",
                        curate[stage]["threads_1"] / curate[stage]["threads_2"], ">=", SCALING_TARGET))
    if fused:
        targets.append((f"fused pass: 1 -> 2 threads >= {SCALING_TARGET}x", fused["threads_1"] / fused["threads_2"], ">=", SCALING_TARGET))
    met = lambda value, op, threshold: value >= threshold if op == ">=" else value <= threshold  # noqa: E731

    print(f"corpus: {figures.get('corpus_path', '?')}: {corpus['documents']:,} documents, {corpus['text_bytes'] / 1e6:.1f} MB of text, "
          f"{100 * corpus['han_share']:.1f}% of its bytes Han characters (+{100 * corpus['cjk_punctuation_share']:.1f}% CJK punctuation and full-width forms)")
    print(f"one core: every timed command under taskset -c 0, curate with --threads 1 (best of 2, wall clock); "
          f"2 threads: no taskset, --threads 2")
    print(f"reference LM: {figures.get('lm_note', '?')}")
    if "load_start" in figures:
        busy = figures["load_start"] >= 0.5
        print(f"machine: {int(figures['cores'])} cores, 1-minute load average {figures['load_start']:.2f} before the run"
              + (": other work shares the cores, so the timings (the 2-thread ones most) are noisy" if busy else ""))
    print()
    header = f"{'stage':<22}{'curate 1t s':>13}{'curate 2t s':>13}{'1->2 x':>8}   {'peer (one core)':<56}{'peer s':>9}{'peer/curate':>13}"
    print(header)
    print("-" * len(header))
    rows = [("heuristics", ["datatrove_filters"]), ("minhash", ["datasketch_signing", "datatrove_signature"]),
            ("perplexity", ["kenlm_regex"]), ("quality", ["fasttext_predict"])]
    for stage, peer_keys in rows:
        c = curate[stage]
        for i, key in enumerate(peer_keys):
            p = peers[key]
            lead = (f"{STAGE_NAMES[stage]:<22}{c['threads_1']:>13.2f}{c['threads_2']:>13.2f}{c['threads_1'] / c['threads_2']:>8.2f}"
                    if i == 0 else " " * 56)
            print(f"{lead}   {p['tool']:<56}{p['seconds']:>9.2f}{p['seconds'] / c['threads_1']:>12.1f}x")
    c = curate["minhashlines"]
    print(f"{'MinHash + line counts':<22}{c['threads_1']:>13.2f}{c['threads_2']:>13.2f}{c['threads_1'] / c['threads_2']:>8.2f}   (score --metric minhash: the fused pass's measure alone)")
    print(f"{'4 separate stages':<22}{separate['threads_1']:>13.2f}{separate['threads_2']:>13.2f}"
          f"{separate['threads_1'] / separate['threads_2']:>8.2f}   {'sum of the peers (datatrove x2, kenlm, fastText)':<56}{peer_sum:>9.2f}"
          f"{peer_sum / separate['threads_1']:>12.1f}x")
    if fused:
        print(f"{'fused pass':<22}{fused['threads_1']:>13.2f}{fused['threads_2']:>13.2f}{fused['threads_1'] / fused['threads_2']:>8.2f}   "
              f"{'sum of the peers (datatrove x2, kenlm, fastText)':<56}{peer_sum:>9.2f}{peer_sum / fused['threads_1']:>12.1f}x")
    else:
        print(f"{'fused pass':<22}{'not available in this build':>34}")
    print()
    print(f"datatrove's signature stage includes its cold start (imports, spaCy's blank tokenizer; a one-document run takes "
          f"{peers['datatrove_signature']['one_document_seconds']} s);\nit signed {peers['datatrove_signature']['documents_signed']:,} of "
          f"{peers['datatrove_signature']['documents']:,} documents (datatrove gives none to a document of fewer than 5 words). kenlm on pre-tokenized text (score only): "
          f"{peers['kenlm_regex']['score_only_seconds']:.2f} s.\nfastText: {peers['fasttext_predict']['prepare_seconds']:.2f} s preparation "
          f"+ {peers['fasttext_predict']['predict_seconds']:.2f} s predict (best of 3).")
    print()
    print(f"{'target':<58}{'measured':>10}   met")
    results = []
    for name, value, op, threshold in targets:
        ok = met(value, op, threshold)
        results.append({"target": name, "value": value, "comparison": op, "threshold": threshold, "met": ok})
        print(f"{name:<58}{value:>9.2f}x   {'yes' if ok else 'NO'}")
    if not fused:
        print(f"{'fused pass targets (<= 0.6x separate, >= 25x peers)':<58}{'–':>10}   not measured")

    memory = None
    if "rss_small_kb" in figures:
        memory = {key[4:]: value for key, value in figures.items() if key.startswith("rss_")}
        print()
        print(f"memory ({memory['command']}):")
        print(f"  {corpus['text_bytes'] / 1e6:>7.0f} MB store: max RSS {memory['small_kb'] / 1024:>7.0f} MB, {memory['small_s']:.1f} s")
        print(f"  {memory['big_text_bytes'] / 1e6:>7.0f} MB store: max RSS {memory['big_kb'] / 1024:>7.0f} MB, {memory['big_s']:.1f} s "
              f"({int(memory['big_documents']):,} documents)")
        trace_path = os.path.join(work, "rss-trace.json")
        if os.path.exists(trace_path):
            trace = json.load(open(trace_path))
            memory["trace"] = trace
            print("  the 1 GB run, max RSS MB in each tenth of its time (anonymous + file-backed):")
            print("   " + "  ".join(f"{row['rss_mb']:.0f}" for row in trace["tenths"]))
            print("   " + "  ".join(f"{row['anon_mb']:.0f}+{row['file_mb']:.0f}" for row in trace["tenths"]))

    with open(os.path.join(work, "one-pass.json"), "w") as handle:
        json.dump({"corpus": corpus, "notes": {k: v for k, v in figures.items() if isinstance(v, str)},
                   "curate_seconds": {**curate, "four_separate": separate, "fused": fused},
                   "peers": peers, "peer_sum_seconds": peer_sum, "targets": results, "memory": memory}, handle, indent=1)


if __name__ == "__main__":
    main()
