#!/usr/bin/env bash
# Runs the test suite: install system packages if missing, build (release, testing enabled), swift test,
# then the integration tests that need a real Slurm, a real browser and datatrove.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup-system.sh
# Slurm, Chromium and the datatrove venv install while the build runs (network and disk, little CPU).
TOOLS_LOG=$(mktemp /tmp/curate-test-tools.XXXXXX)
bash scripts/setup-test-tools.sh >"$TOOLS_LOG" 2>&1 &
TOOLS_PID=$!
test_swift build --build-tests
test_swift test --skip-build "$@"
if ! wait "$TOOLS_PID"; then
    echo "test: installing the integration tests' tools failed:" >&2; cat "$TOOLS_LOG" >&2; exit 1
fi
export CURATE_BIN="$(test_swift build --show-bin-path)/curate"
# The Slurm integration test: a 4-partition sbatch array job must export the same bytes as one store.
bash scripts/test-slurm.sh
# The report in a real headless browser (Chromium from Debian): no console errors, charts, markup as text.
bash scripts/test-report.sh
# Exported shards read back by datatrove's JsonlReader: the records' own ids and texts.
bash scripts/test-datatrove.sh
