#!/usr/bin/env bash
# qgis-layouts.sh BUILD_DIR - issue 4: the exports open in real QGIS, headless.
#
# For every layout defined in geodata/layouts/*.json: export Shapefile (UTF-8,
# EPSG:4490), Shapefile (CP936, EPSG:4549) and GeoPackage with BUILD_DIR/parkgis,
# load them with Debian's QGIS 3.22 (python3-qgis, QT_QPA_PLATFORM=offscreen) and
# check validity, CRS, Chinese names against the GeoJSON export, the default style
# (categorizedSymbol from the .qml / the GeoPackage's layer_styles, labels on
# name, same colours in both), and that QGIS renders the layout to a PNG with
# non-background pixels (kept in BUILD_DIR/integration-out/qgis/ to look at).
# The checks are in qgis-check.py.
#
# Schedule: every CI run. `apt-get install qgis python3-qgis` (--no-install-recommends,
# 165 packages, 201 MB, 57 MB of it already in the apt cache) took 75 s here,
# under the 3-minute budget, so
# tools/install-deps.sh installs it and .ci/run runs this test each time.
# Without QGIS the test prints SKIPPED and exits 77, which ctest reports as
# skipped (SKIP_RETURN_CODE), never as passed; PARKGIS_REQUIRE_QGIS=1 turns the
# skip into a failure.
#
# Parcels: the bundled geodata/parcels.geojson when it exists, else the
# SYNTHETIC fixture tests/integration/data/synthetic-parcels.geojson (said so
# in the output).
set -uo pipefail
build=$(cd "${1:?usage: qgis-layouts.sh BUILD_DIR}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
parkgis=$build/parkgis
PY=${PARKGIS_QGIS_PYTHON:-/usr/bin/python3} # Debian's python: python3-qgis is installed for it, not for pyenv & co.

export QT_QPA_PLATFORM=offscreen
if ! "$PY" -c 'import qgis.core' >/dev/null 2>&1; then
    echo "SKIPPED: QGIS is not installed ($PY cannot import qgis.core)."
    echo "SKIPPED: install it with tools/install-deps.sh (apt-get install qgis python3-qgis) to run this test."
    [ "${PARKGIS_REQUIRE_QGIS:-0}" = 1 ] && { echo "FAIL: PARKGIS_REQUIRE_QGIS=1"; exit 1; }
    exit 77
fi
[ -x "$parkgis" ] || { echo "FAIL: $parkgis not built"; exit 1; }

data_args=()
if [ ! -e "$root/geodata/parcels.geojson" ]; then
    echo "NOTE: geodata/parcels.geojson is missing; using the SYNTHETIC fixture tests/integration/data/synthetic-parcels.geojson"
    data_args=(--data "$root/tests/integration/data/synthetic-parcels.geojson")
fi
layouts=()
for f in "$root"/geodata/layouts/*.json; do layouts+=("$(basename "$f" .json)"); done
[ ${#layouts[@]} -gt 0 ] || { echo "FAIL: no layout definitions in geodata/layouts"; exit 1; }

out=$build/integration-out/qgis
rm -rf "$out" && mkdir -p "$out"
# QGIS writes its profile under $HOME: keep it out of the user's home
export HOME=$out/home XDG_RUNTIME_DIR=$out/runtime && mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
exec "$PY" "$root/tests/integration/qgis-check.py" "$parkgis" "$out" "${data_args[@]}" "${layouts[@]}"
