#!/usr/bin/env bash
# multilayer.sh OUTDIR - GeoPackages holding several layers, as QGIS saves them
# ("Save to GeoPackage" into an existing file adds a layer). Only gdal-bin is needed.
#   one.gpkg  outline (polygon, no id/name: what an unnamed first-layer read would take),
#             parcels (square-1km.geojson, the only polygon layer with id and name),
#             gates (a point layer with id and name)
#   two.gpkg  parcels_2020 (square-1km.geojson) and parcels (adjacency.geojson):
#             two polygon layers with id and name, so one has to be named
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
q() { ogr2ogr "$@" 2>&1 | { grep -v '^$' || true; } >&2; }
q -f GPKG "$out/one.gpkg" "$here/square-1km.geojson" -nln outline -dialect sqlite -sql "SELECT 'park' AS label, geometry FROM square"
q -f GPKG -update "$out/one.gpkg" "$here/square-1km.geojson" -nln parcels
q -f GPKG -update "$out/one.gpkg" "$here/square-1km.geojson" -nln gates -nlt POINT \
  -dialect sqlite -sql "SELECT 'gate-1' AS id, '一号门' AS name, ST_PointOnSurface(geometry) AS geometry FROM square"
q -f GPKG "$out/two.gpkg" "$here/square-1km.geojson" -nln parcels_2020
q -f GPKG -update "$out/two.gpkg" "$here/adjacency.geojson" -nln parcels
