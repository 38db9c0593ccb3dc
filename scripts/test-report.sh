#!/usr/bin/env bash
# Renders `curate report` for the samples in a real headless browser (Chromium from Debian; run by
# scripts/test.sh): the page must load with no console error, show its charts, and show the samples'
# <script> page as text. Keeps a screenshot; its path is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if ! command -v chromium >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if [ -z "${CURATE_BIN:-}" ]; then
    test_swift build --product curate >/dev/null
    CURATE_BIN="$(test_swift build --show-bin-path)/curate"
fi
CURATE="$CURATE_BIN"
OUT=${REPORT_TEST_DIR:-/tmp/curate-report-test}
rm -rf "$OUT"; mkdir -p "$OUT"
printf "inputs: [%s]\nstore: pipeline.db\nexport:\n  out: export\n  top: 0.3\n" "$(pwd)/samples" >"$OUT/pipeline.yaml"
(cd "$OUT" && "$CURATE" run pipeline.yaml --quiet && "$CURATE" report --db pipeline.db --out report.html --document web-en-053)
BROWSER=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0)
"${BROWSER[@]}" --window-size=1200,4000 --screenshot="$OUT/report.png" "file://$OUT/report.html" 2>"$OUT/console.log" >/dev/null
"${BROWSER[@]}" --dump-dom "file://$OUT/report.html" 2>>"$OUT/console.log" >"$OUT/dom.html"
# Console messages of the page (not the browser's own D-Bus/GPU noise) are logged as CONSOLE lines.
if grep -E "CONSOLE|Uncaught|Refused to|Failed to load resource" "$OUT/console.log"; then
    echo "report test: the page logged errors (above)" >&2; exit 1
fi
SVGS=$(grep -o "<svg" "$OUT/dom.html" | wc -l)
[ "$SVGS" -ge 10 ] || { echo "report test: only $SVGS charts in the rendered page" >&2; exit 1; }
for section in funnel scores examples dedup export runs; do
    grep -q "<section id=\"$section\">" "$OUT/dom.html" || { echo "report test: section $section missing" >&2; exit 1; }
done
grep -q "&lt;script&gt;window.dataLayer" "$OUT/dom.html" || { echo "report test: the <script> page is not shown as text" >&2; exit 1; }
if grep -qi "<script" "$OUT/dom.html"; then echo "report test: a script element is in the page" >&2; exit 1; fi
[ -s "$OUT/report.png" ] || { echo "report test: no screenshot" >&2; exit 1; }
echo "report test: passed ($SVGS charts, no console errors); screenshot: $OUT/report.png"
