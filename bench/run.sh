#!/usr/bin/env bash
# bench/run.sh [N] - builds the benchmarks (Release, in build-bench/) and runs them:
#   bench_locate: point-in-park, N random points (default 100000) in the park's
#                 envelope: parkgis's park_locate_lonlat vs a raw GEOSContains loop,
#                 prepared geometries without index, STRtree + prepared, and PostGIS
#                 (ST_Contains + GiST) on a throwaway cluster from tools/pg-scratch.sh
#                 when PostgreSQL/PostGIS are installed; and against baselines doing
#                 the same job as locate (containment + distance to the edge, or the
#                 nearest parcel + geodesic distance): raw GEOS loop, prepared GEOS
#                 loop, PostGIS (geom <-> pt, ST_Distance on geography);
#   bench_area:   geodesic vs planar area.
# They print ratios measured in the same run (the result) and this machine's times
# (context only). Layer: geodata/parcels.geojson, else the synthetic test fixture
# (said so in the output); PARKGIS_BENCH_DATA=PATH measures another layer.
#   PARKGIS_BUILD=dir   build directory (default build-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
b=${PARKGIS_BUILD:-build-bench}
cmake -S . -B "$b" -DCMAKE_BUILD_TYPE=Release -DPARKGIS_SANITIZE=OFF >/dev/null
cmake --build "$b" -j"$(nproc)" --target bench_locate bench_area >/dev/null
data=()
[ -n "${PARKGIS_BENCH_DATA:-}" ] && data=(--data "$PARKGIS_BENCH_DATA")

pg_dir=""
if env_lines=$(bash tools/pg-scratch.sh start 2>/dev/null); then
    eval "$env_lines"
    pg_dir=$PG_SCRATCH_DIR
    trap 'bash tools/pg-scratch.sh stop "$pg_dir"' EXIT
else
    echo "(PostGIS baseline skipped: tools/pg-scratch.sh could not start a cluster; tools/install-deps.sh installs PostgreSQL + PostGIS)"
fi
echo "== bench_locate -n $n"
"$b/bench_locate" -n "$n" "${data[@]}" $([ -z "$pg_dir" ] && echo --no-pg)
echo
echo "== bench_area"
"$b/bench_area" "${data[@]}"
