#!/usr/bin/env bash
# A Python venv with datatrove 0.10.1 and what its JsonlReader needs to read zstd shards (orjson,
# zstandard), for scripts/test-datatrove.sh. Prints the venv's python. Safe to run repeatedly.
# Usage: scripts/datatrove-venv.sh [VENV]   (default $DATATROVE_VENV or /tmp/curate-datatrove-venv)
set -euo pipefail
VENV=${1:-${DATATROVE_VENV:-/tmp/curate-datatrove-venv}}
if ! "$VENV/bin/python" -c "import datatrove, orjson, zstandard" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "datatrove==0.10.1" orjson zstandard >&2
fi
echo "$VENV/bin/python"
