#!/usr/bin/env bash
# Exported shards read back by the peer (run by scripts/test.sh): datatrove 0.10.1's JsonlReader reads
# an export of samples/, and each document it returns must carry its input record's own id (curate's id
# for a .txt file, which has none) and that record's text (scripts/read_shards_with_datatrove.py).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ -z "${CURATE_BIN:-}" ]; then
    test_swift build --product curate >/dev/null
    CURATE_BIN="$(test_swift build --show-bin-path)/curate"
fi
PYTHON=$(bash scripts/datatrove-venv.sh)
WORK=$(mktemp -d /tmp/curate-datatrove-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ROOT=$(pwd)
(cd "$WORK" && "$CURATE_BIN" ingest "$ROOT/samples" --quiet && "$CURATE_BIN" score --metric perplexity --quiet \
    && "$CURATE_BIN" export --out export --include-failed --quiet)
"$PYTHON" scripts/read_shards_with_datatrove.py "$WORK/export" "$ROOT" 2> >(grep -v "| INFO " >&2)
echo "datatrove test: passed"
