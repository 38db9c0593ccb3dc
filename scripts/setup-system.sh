#!/usr/bin/env bash
# Installs the Debian packages curate builds against, when any is missing (Debian 12; root or sudo).
# Safe to run repeatedly: it does nothing when everything is present.
set -euo pipefail
PACKAGES=(libsqlite3-dev libzstd-dev zlib1g-dev libxxhash-dev libicu-dev libopenblas-dev libssl-dev libopenmpi-dev openmpi-bin pkg-config)
missing=()
for package in "${PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    echo "installing: ${missing[*]}" >&2
    $SUDO apt-get update -qq
    # dpkg sometimes fails to reach an archive it just downloaded under /tmp; a second try succeeds.
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
        || $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
