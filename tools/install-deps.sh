#!/usr/bin/env bash
# Installs the Debian 12 packages parkgis builds and tests with. Idempotent.
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
pkgs=(build-essential cmake pkg-config libgeos-dev libproj-dev proj-bin proj-data libgdal-dev gdal-bin libshp-dev shapelib libjson-c-dev libcairo2-dev fonts-noto-cjk
      # integration tests: a scratch PostGIS cluster (tools/pg-scratch.sh) and headless QGIS
      # (qgis + python3-qgis: 75 s to download and install here, 201 MB of packages of which 57 MB
      # were already in the apt cache; well under 3 minutes, so every CI run installs and tests it)
      postgresql-15 postgresql-client-15 postgresql-15-postgis-3 qgis python3-qgis
      # export read-back test (tests/integration/export-readback.sh): GDAL and PROJ from Python
      python3-gdal python3-pyproj
      # bench/batch.sh's shapely baseline (issue 11; not needed by the tests)
      python3-shapely python3-numpy
      # fuzzing (tests/fuzz/run.sh): clang-14 and its libFuzzer/sanitizer runtimes
      clang libclang-rt-14-dev
      # tools/build-proj.sh, run below: PROJ's build wants the sqlite3 program and dpkg-buildflags
      sqlite3 dpkg-dev)
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The lean PROJ parkgis links (issue 11): libproj.a built from Debian's source of the installed
# PROJ without curl and TIFF, once per machine and PROJ version (about 2-5 min on 2 cores; a
# no-op when up to date). Without it (no deb-src reachable, a build failure) parkgis links
# Debian's shared libproj, every answer the same, one lookup slower; .ci/run insists on it
# (PARKGIS_EXPECT_LEAN_PROJ=1 in tests/integration/locate_cache.sh).
bash "$(dirname "$0")/build-proj.sh" ||
  echo "install-deps: warning: tools/build-proj.sh failed; parkgis will link Debian's shared libproj (slower single lookups)" >&2
