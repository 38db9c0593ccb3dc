"""Reads curate's exported shards with datatrove's JsonlReader and checks what it returns against the
input files: each document's id is its record's own id (JSONL `id`, WET `WARC-Record-ID`), or curate's
id (`metadata.curate.id`) for a record that had none (a .txt file), and its text is that record's text.

Usage: python read_shards_with_datatrove.py SHARDS_DIR INPUT_ROOT
(INPUT_ROOT: the directory the exported `source` paths are relative to). Exits 1 on any mismatch.
"""
import json
import os
import sys
import zlib

import zstandard
from datatrove.pipeline.readers import JsonlReader


def raw_lines(path):
    """The lines of a possibly compressed file, up to where a truncated or damaged stream stops."""
    with open(path, "rb") as handle:
        data = handle.read()
    if path.endswith(".gz"):
        text = b""
        while data:  # member by member (WET files gzip each record); a cut member keeps what precedes the cut
            member = zlib.decompressobj(16 + zlib.MAX_WBITS)
            text += member.decompress(data)
            data = member.unused_data
        data = text
    elif path.endswith(".zst"):
        text = b""
        try:
            while data:  # frame by frame, so a damaged frame keeps the ones before it
                frame = zstandard.ZstdDecompressor().decompressobj()
                text += frame.decompress(data)
                data = frame.unused_data
        except zstandard.ZstdError:
            pass
        data = text
    return data.split(b"\n")


def jsonl_records(path):
    """id -> texts of the well-formed records of a JSONL file."""
    records = {}
    for line in raw_lines(path):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("text"), str) and "id" in record:
            records.setdefault(str(record["id"]), set()).add(record["text"])
    return records


def wet_records(path):
    """WARC-Record-ID -> texts of the conversion records of a WET file."""
    data = b"\n".join(raw_lines(path))
    records, position = {}, 0
    while (start := data.find(b"WARC/1.0\r\n", position)) >= 0:
        end = data.find(b"\r\n\r\n", start)
        headers = dict(
            line.split(b": ", 1) for line in data[start:end].split(b"\r\n")[1:] if b": " in line
        )
        length = int(headers.get(b"Content-Length", b"0"))
        body = data[end + 4 : end + 4 + length]
        if headers.get(b"WARC-Type") == b"conversion":
            records.setdefault(headers[b"WARC-Record-ID"].decode(), set()).add(body.decode("utf-8"))
        position = end + 4 + length
    return records


def main():
    shards, root = sys.argv[1], sys.argv[2]
    with open(os.path.join(shards, "manifest.json")) as handle:
        written = json.load(handle)["written"]
    inputs = {}
    problems, by_kind = [], {"record id": 0, "curate id": 0}
    documents = list(JsonlReader(shards, glob_pattern="*.jsonl.zst", compression="zstd").run())
    for document in documents:
        source = document.metadata.get("source")
        # datatrove merges the record's `metadata` object into Document.metadata, beside the other keys.
        curate_id = document.metadata.get("curate", {}).get("id")
        if not source or not curate_id:
            problems.append(f"{document.id}: no source or curate id in {list(document.metadata)}")
            continue
        path = os.path.join(root, source)
        if path not in inputs:
            if ".warc.wet" in path:
                inputs[path] = wet_records(path)
            elif ".jsonl" in path:
                inputs[path] = jsonl_records(path)
            else:  # a .txt file: one document, no id of its own
                text = open(path, encoding="utf-8-sig").read()
                inputs[path] = {None: {text}}
        records = inputs[path]
        if None in records:
            expected, kind = records[None], "curate id"
            if document.id != curate_id:
                problems.append(f"{source}: id {document.id!r}, expected curate's id {curate_id!r}")
        else:
            expected, kind = records.get(document.id), "record id"
            if expected is None:
                problems.append(f"{source}: id {document.id!r} is no record's id")
                continue
        if document.text not in expected:
            problems.append(f"{source}: the text of {document.id!r} differs from its record's")
        by_kind[kind] += 1
    if len(documents) != written:
        problems.append(f"datatrove read {len(documents)} documents, the manifest says {written}")
    for problem in problems[:20]:
        print("read_shards_with_datatrove:", problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"datatrove read {len(documents)} documents: {by_kind['record id']} under their record's id, "
          f"{by_kind['curate id']} under curate's id; every text is its record's")


if __name__ == "__main__":
    main()
