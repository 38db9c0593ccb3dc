"""Writes samples/labels.tsv: a good/bad label for each sample document that has a clear one, by its
record id, for `curate rank-eval --labels` and `curate report --labels` on samples/.

Good: the clean articles (en/, zh/) and the crawl pages that are copies of them (exact_duplicate,
near_duplicate). Bad: every other crawl kind (boilerplate_only, short, keyword_spam, code_dump,
lorem_ipsum, list_page, repeated_lines). Left out: boilerplate_wrapped pages (clean text inside
navigation: half and half) and the WET and .txt samples (no record ids).

Usage: python3 samples/tools/build_labels.py   (from the repository root)
"""
import gzip
import json
import subprocess

GOOD_KINDS = {"exact_duplicate", "near_duplicate"}


def records(path):
    if path.endswith(".zst"):
        text = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout.decode()
    elif path.endswith(".gz"):
        text = gzip.open(path, "rt", encoding="utf-8").read()
    else:
        text = open(path, encoding="utf-8").read()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main():
    rows = []
    for path in ["samples/en/science.jsonl", "samples/en/everyday.jsonl", "samples/zh/kepu.jsonl", "samples/zh/shenghuo.jsonl"]:
        rows += [{"id": r["id"], "label": "good"} for r in records(path)]
    for path in ["samples/web/crawl-en.jsonl.zst", "samples/web/crawl-zh.jsonl.gz"]:
        for r in records(path):
            if r["kind"] == "boilerplate_wrapped":
                continue
            rows.append({"id": r["id"], "label": "good" if r["kind"] in GOOD_KINDS else "bad", "kind": r["kind"]})
    # TSV (with a header), not JSON lines: `curate ingest samples/` reads every .jsonl below samples/.
    with open("samples/labels.tsv", "w", encoding="utf-8") as f:
        f.write("id\tlabel\tkind\n")
        for row in rows:
            f.write("%s\t%s\t%s\n" % (row["id"], row["label"], row.get("kind", "article")))


if __name__ == "__main__":
    main()
