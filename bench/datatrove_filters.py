#!/usr/bin/env python3
"""The peer side of bench/filters.sh: datatrove 0.10.1's GopherQuality -> GopherRepetition -> C4Quality ->
FineWebQuality pipeline (English defaults) over one JSONL file, one worker, nothing written.

Usage: datatrove_filters.py INPUT_DIR GLOB
Prints one JSON line: documents read, documents kept, seconds.
"""
import json
import sys
import time

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.filters import C4QualityFilter, FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
from datatrove.pipeline.readers import JsonlReader


def main():
    input_dir, glob = sys.argv[1:3]
    started = time.perf_counter()
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(input_dir, glob_pattern=glob, text_key="text", id_key="id"),
            GopherQualityFilter(),
            GopherRepetitionFilter(),
            C4QualityFilter(),
            FineWebQualityFilter(),
        ],
        tasks=1,
        workers=1,
        logging_dir=None,
        skip_completed=False,
    )
    stats = executor.run()
    seconds = time.perf_counter() - started
    documents = kept = 0
    for stat in stats.stats:
        if "READER" in stat.name and "documents" in stat.stats:
            documents = int(stat.stats["documents"].total)
        if "FineWeb" in stat.name:
            kept = int(stat.stats["forwarded"].total) if "forwarded" in stat.stats else 0
    print(json.dumps({"documents": documents, "kept": kept, "seconds": seconds}))


if __name__ == "__main__":
    main()
