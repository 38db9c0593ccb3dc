#!/usr/bin/env bash
# Runs the test suite: install system packages if missing, then swift test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup-system.sh
swift build --build-tests
swift test --skip-build "$@"
# The Slurm integration test: a 4-partition sbatch array job must export the same bytes as one store.
bash scripts/test-slurm.sh
# The report in a real headless browser (Chromium from Debian): no console errors, charts, markup as text.
bash scripts/test-report.sh
