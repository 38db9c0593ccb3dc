#!/usr/bin/env bash
# Installs what the integration tests need beyond the build (scripts/test.sh runs it in the background
# while the build runs): slurm-wlm and munge (the one-node Slurm), chromium (the report in a real
# browser), and a Python venv with datatrove 0.10.1 (the peer that reads the exported shards back).
# Safe to run repeatedly. Usage: scripts/setup-test-tools.sh   (root or sudo; network to Debian and PyPI)
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
missing=()
for package in slurm-wlm munge chromium python3-venv; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    $SUDO apt-get update -qq
    # dpkg sometimes fails to reach an archive it just downloaded under /tmp; a second try succeeds.
    for attempt in 1 2; do
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null && break
        [ "$attempt" = 2 ] && exit 1
    done
fi
bash scripts/datatrove-venv.sh >/dev/null
