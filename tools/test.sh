#!/usr/bin/env bash
# Builds parkgis and runs the whole test suite (unit, golden CLI, integration).
#   PARKGIS_BUILD=dir       build directory (default build)
#   PARKGIS_SANITIZE=ON     build with AddressSanitizer + UBSan
set -euo pipefail
cd "$(dirname "$0")/.."
b=${PARKGIS_BUILD:-build}
cmake -S . -B "$b" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARKGIS_SANITIZE="${PARKGIS_SANITIZE:-OFF}" >/dev/null
cmake --build "$b" -j"$(nproc)"
# leak checking is on in ASan builds; GDAL's driver registry is a deliberate one-time allocation
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
ctest --test-dir "$b" --output-on-failure -j"$(nproc)"
