#!/usr/bin/env python3
"""The peer side of bench/ingest.sh: datatrove 0.10.1 JsonlReader -> JsonlWriter over one file.

Usage: datatrove_ingest.py INPUT_DIR GLOB OUTPUT_DIR [gzip|none]
Prints one JSON line: documents, seconds. Peak RSS is measured from outside (/usr/bin/time).
"""
import json
import sys
import time

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter


def main():
    input_dir, glob, output_dir = sys.argv[1:4]
    compression = None if len(sys.argv) > 4 and sys.argv[4] == "none" else "gzip"
    started = time.perf_counter()
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(input_dir, glob_pattern=glob, text_key="text", id_key="id"),
            JsonlWriter(output_dir, compression=compression),
        ],
        tasks=1,
        workers=1,
        logging_dir=output_dir + "/logs",
        skip_completed=False,
    )
    stats = executor.run()
    seconds = time.perf_counter() - started
    documents = 0
    for stat in stats.stats:
        if "READER" in stat.name and "documents" in stat.stats:
            documents = int(stat.stats["documents"].total)
    print(json.dumps({"documents": documents, "seconds": seconds, "compression": compression or "none"}))


if __name__ == "__main__":
    main()
