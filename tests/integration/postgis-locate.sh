#!/usr/bin/env bash
# postgis-locate.sh BUILD_DIR - issue 11: the PostGIS path for big registers
# (tools/sql/locate-points.sql, README "Beyond one machine") gives the same parcel
# as `parkgis locate --batch --columns parcel_id`, row for row.
#
# On a throwaway PostgreSQL 15 + PostGIS 3 cluster on loopback (tools/pg-scratch.sh):
#   1. `parkgis export --layout parcels -f pg`; the table's fid order is the layer order
#      (the SQL breaks overlaps by fid, parkgis by layer order);
#   2. points: 20,000 uniform in the parcels' envelope (bench_batch gen), every vertex
#      of every parcel (a point on the edge: inside for both), and the midpoint of every
#      edge, written by PostGIS with shortest round-trip digits;
#   3. \copy them in, run tools/sql/locate-points.sql, \copy the answers out; run
#      parkgis on the same CSV; the two id,parcel_id lists must be identical.
# Without PostgreSQL/PostGIS: SKIPPED, exit 77 (ctest: skipped, not passed).
set -uo pipefail
build=$(cd "${1:?usage: postgis-locate.sh BUILD_DIR}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
parkgis=$build/parkgis
[ -x "$parkgis" ] && [ -x "$build/bench_batch" ] || { echo "FAIL: $parkgis or bench_batch not built"; exit 1; }
[ -e "$root/geodata/parcels.geojson" ] || { echo "SKIPPED: geodata/parcels.geojson is missing"; exit 77; }

env_lines=$(bash "$root/tools/pg-scratch.sh" start)
rc=$?
if [ $rc = 77 ]; then
    echo "SKIPPED: PostgreSQL 15 / PostGIS 3 are not installed (tools/install-deps.sh installs postgresql-15-postgis-3)."
    exit 77
fi
[ $rc = 0 ] || { echo "FAIL: could not start a scratch PostgreSQL cluster"; exit 1; }
eval "$env_lines"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; bash "$root/tools/pg-scratch.sh" stop "$PG_SCRATCH_DIR"' EXIT
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -tA "$@"; }
fail=0

"$parkgis" export --layout parcels -f pg -o "$PG_SCRATCH_CONN" >/dev/null || { echo "FAIL: export -f pg"; exit 1; }
# 1. layer order
"$parkgis" parcels --format csv | tail -n +2 | cut -d, -f1 >"$tmp/order.parkgis"
psql_q -c 'SELECT id FROM parcels ORDER BY fid' >"$tmp/order.pg"
if ! diff -q "$tmp/order.parkgis" "$tmp/order.pg" >/dev/null; then
    echo "FAIL: the exported fid order is not the layer order"; diff "$tmp/order.parkgis" "$tmp/order.pg"; fail=1
fi

# 2. points
"$build/bench_batch" gen 20000 11 >"$tmp/pts.csv"
psql_q -c "\\copy (SELECT 'v' || row_number() OVER (), ST_X(d.geom), ST_Y(d.geom) FROM (SELECT (ST_DumpPoints(geom)).geom FROM parcels) d) TO '$tmp/vertices.csv' CSV"
psql_q -c "\\copy (SELECT 'm' || row_number() OVER (), (ST_X(a) + ST_X(b)) / 2, (ST_Y(a) + ST_Y(b)) / 2 FROM (SELECT ST_PointN(r, i) a, ST_PointN(r, i + 1) b FROM (SELECT ST_ExteriorRing((ST_Dump(geom)).geom) r FROM parcels) x, generate_series(1, ST_NPoints(r) - 1) i) s) TO '$tmp/mid.csv' CSV"
cat "$tmp/vertices.csv" "$tmp/mid.csv" >>"$tmp/pts.csv"
npts=$(($(wc -l <"$tmp/pts.csv") - 1))
echo "points: $npts ($(wc -l <"$tmp/vertices.csv") vertices, $(wc -l <"$tmp/mid.csv") edge midpoints, 20000 uniform)"

# 3. both ways
psql_q -c 'CREATE TABLE points (id text, lon double precision, lat double precision)' \
    -c "\\copy points FROM '$tmp/pts.csv' CSV HEADER" || { echo "FAIL: \\copy in"; exit 1; }
psql_q -f "$root/tools/sql/locate-points.sql" >/dev/null || { echo "FAIL: tools/sql/locate-points.sql"; exit 1; }
psql_q -c "\\copy (SELECT id, parcel_id FROM point_parcel) TO '$tmp/pg.csv' CSV" || { echo "FAIL: \\copy out"; exit 1; }
"$parkgis" locate --batch "$tmp/pts.csv" --lon-column lon --lat-column lat --columns parcel_id >"$tmp/parkgis.out" 2>"$tmp/parkgis.err" ||
    { echo "FAIL: parkgis locate --batch"; cat "$tmp/parkgis.err"; exit 1; }
tail -n +2 "$tmp/parkgis.out" | cut -d, -f1,4 | sort >"$tmp/a"
sort "$tmp/pg.csv" >"$tmp/b"
na=$(wc -l <"$tmp/a") nb=$(wc -l <"$tmp/b")
inside=$(cut -d, -f2 "$tmp/a" | grep -c . || true)
if [ "$na" != "$npts" ] || [ "$nb" != "$npts" ]; then
    echo "FAIL: rows: parkgis $na, PostGIS $nb, expected $npts"; fail=1
elif ! diff -q "$tmp/a" "$tmp/b" >/dev/null; then
    echo "FAIL: parkgis and PostGIS disagree on $(diff "$tmp/a" "$tmp/b" | grep -c '^>') of $npts points:"
    diff "$tmp/a" "$tmp/b" | head -20; fail=1
else
    echo "ok: $npts points, the same parcel (or none) row for row; $inside inside a parcel"
fi
# the vertices are on edges: all must be inside for both
vin=$(grep -c '^v[0-9]*,.' "$tmp/a" || true)
[ "$vin" = "$(wc -l <"$tmp/vertices.csv")" ] || { echo "FAIL: only $vin vertices counted inside"; fail=1; }
exit $fail
