#!/usr/bin/env bash
# postgis-area.sh BUILD_DIR - issue 4: export to a real PostgreSQL 15 + PostGIS 3
# on loopback and check that PostGIS measures the same areas as parkgis.
#
# Starts a throwaway cluster with tools/pg-scratch.sh (127.0.0.1, temp dir,
# stopped and deleted on exit), then
#   1. `parkgis export --layout parcels -f pg` (EPSG:4490): for every parcel,
#      ST_Area(geom::geography) (PostGIS, spheroid) must agree with
#      `parkgis area --format json` geodesic_km2 to 0.01 % (that JSON carries 6
#      decimals, 1 m², so no slack for rounding); the same check against the
#      exported area_km2 column (full double precision), and area_km2 must round
#      to exactly the figure `parkgis area` prints.
#   2. the same parcels exported with --t_srs EPSG:4549 into a second database:
#      ST_Area(ST_Transform(geom, 4490)::geography) again within 0.01 %
#      (reprojecting on the way in must not change the ground area).
#   3. every other layout in geodata/layouts: ST_Area(geog) vs the layer's own
#      area_km2 within 0.01 %, and the feature count as exported.
# Prints a table of the numbers. Without PostgreSQL/PostGIS: SKIPPED, exit 77
# (ctest: skipped, not passed), unless PARKGIS_TEST_INSTALL=1, which makes the
# test install them with apt-get first (tools/install-deps.sh installs them too). Parcels: geodata/parcels.geojson, else the
# SYNTHETIC fixture tests/integration/data/synthetic-parcels.geojson.
set -uo pipefail
build=$(cd "${1:?usage: postgis-area.sh BUILD_DIR}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
parkgis=$build/parkgis
PY=/usr/bin/python3
[ -x "$parkgis" ] || { echo "FAIL: $parkgis not built"; exit 1; }

env_lines=$(bash "$root/tools/pg-scratch.sh" start)
rc=$?
if [ $rc = 77 ] && [ "${PARKGIS_TEST_INSTALL:-0}" = 1 ]; then
    # opt-in: install the server here (tools/install-deps.sh normally has done it)
    echo "installing postgresql-15-postgis-3 (PARKGIS_TEST_INSTALL=1)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
        postgresql-15 postgresql-client-15 postgresql-15-postgis-3 >/dev/null &&
        { env_lines=$(bash "$root/tools/pg-scratch.sh" start); rc=$?; }
fi
if [ $rc = 77 ]; then
    echo "SKIPPED: PostgreSQL 15 / PostGIS 3 are not installed (tools/install-deps.sh installs postgresql-15-postgis-3)."
    exit 77
fi
[ $rc = 0 ] || { echo "FAIL: could not start a scratch PostgreSQL cluster"; exit 1; }
eval "$env_lines"
trap 'bash "$root/tools/pg-scratch.sh" stop "$PG_SCRATCH_DIR"' EXIT
echo "scratch cluster: $PG_SCRATCH_CONN"

data_args=()
if [ ! -e "$root/geodata/parcels.geojson" ]; then
    echo "NOTE: geodata/parcels.geojson is missing; using the SYNTHETIC fixture tests/integration/data/synthetic-parcels.geojson"
    data_args=(--data "$root/tests/integration/data/synthetic-parcels.geojson")
fi
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -tA -F'|' "$@"; }
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; bash "$root/tools/pg-scratch.sh" stop "$PG_SCRATCH_DIR"' EXIT

# Compares "id|reference_km2|postgis_km2" lines; prints them, fails beyond tol.
compare() { # label abs_slack_km2 file
    "$PY" - "$@" <<'EOF'
import sys
label, slack, path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
rows = [l.rstrip("\n").split("|") for l in open(path, encoding="utf-8") if l.strip()]
bad, worst = 0, 0.0
print("  %-28s %14s %14s %10s" % ("id", "parkgis km²", "PostGIS km²", "diff %"))
for id_, ref, pg in rows:
    ref, pg = float(ref), float(pg)
    rel = 100.0 * (pg - ref) / ref
    ok = abs(pg - ref) <= 1e-4 * ref + slack
    worst = max(worst, abs(rel))
    bad += not ok
    print("  %-28s %14.6f %14.6f %+10.5f%s" % (id_, ref, pg, rel, "" if ok else "   <-- beyond 0.01 %"))
print("%s  %s: %d features, largest |diff| %.2g %%" % ("ok  " if rows and not bad else "FAIL", label, len(rows), worst))
sys.exit(0 if rows and not bad else 1)
EOF
}

# ---- 1. parcels in EPSG:4490 vs `parkgis area`
rep=$("$parkgis" "${data_args[@]}" --format json export --layout parcels -f pg -o "$PG_SCRATCH_CONN") ||
    { echo "FAIL: parkgis export -f pg"; exit 1; }
table=$(printf '%s' "$rep" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["layers"][0]["file"])')
"$parkgis" "${data_args[@]}" --format json area >"$tmp/area.json" || { echo "FAIL: parkgis area"; exit 1; }
psql_q -c "SELECT id, ST_Area(geom::geography) / 1e6 FROM \"$table\" ORDER BY id" >"$tmp/pg1" || fail=1
"$PY" - "$tmp/area.json" "$tmp/pg1" >"$tmp/cmp1" <<'EOF' || fail=1
import json, sys
area = {p["id"]: p["geodesic_km2"] for p in json.load(open(sys.argv[1], encoding="utf-8"))["parcels"]}
pg = dict(l.rstrip("\n").split("|") for l in open(sys.argv[2], encoding="utf-8") if l.strip())
if set(area) != set(pg):
    sys.exit("FAIL: parcel ids differ: parkgis area %s, PostGIS %s" % (sorted(area), sorted(pg)))
for k in sorted(area):
    print("%s|%r|%s" % (k, area[k], pg[k]))
EOF
echo "parcels (EPSG:4490): ST_Area(geom::geography) vs parkgis area --format json geodesic_km2"
compare "parcels vs parkgis area (0.01 %; the JSON carries 6 decimals, 1 m²)" 0 "$tmp/cmp1" || fail=1
psql_q -c "SELECT id, area_km2, ST_Area(geom::geography) / 1e6 FROM \"$table\" ORDER BY id" >"$tmp/cmp1b" || fail=1
compare "parcels vs exported area_km2 (full precision)" 0 "$tmp/cmp1b" || fail=1
# And area_km2 (full precision, which PostGIS matches to 0.01 % without slack)
# must round to exactly what `parkgis area` prints, to as many decimals as it
# prints. Then PostGIS agrees with parkgis area's own number, not only with
# its rounding.
"$PY" - "$tmp/area.json" "$tmp/cmp1b" <<'EOF' || fail=1
import json, sys
area = {p["id"]: p["geodesic_km2"] for p in json.load(open(sys.argv[1], encoding="utf-8"), parse_float=str)["parcels"]}
bad = 0
for l in open(sys.argv[2], encoding="utf-8"):
    if not l.strip():
        continue
    id_, full, _ = l.rstrip("\n").split("|")
    printed = str(area[id_])
    dec = len(printed.split(".")[1]) if "." in printed else 0
    if abs(float(full) - float(printed)) > 0.5 * 10 ** -dec + 1e-12:
        bad += 1
        print("FAIL  %s: exported area_km2 %s does not round to parkgis area's %s" % (id_, full, printed))
print("%s  exported area_km2 rounds to parkgis area's geodesic_km2 for all %d parcels" % ("ok  " if not bad else "FAIL", len(area)))
sys.exit(1 if bad else 0)
EOF

# ---- 2. parcels reprojected to EPSG:4549 on export
psql_q -d postgres -c "CREATE DATABASE parkgis_4549" && psql_q -d parkgis_4549 -c "CREATE EXTENSION postgis" || fail=1
conn2="PG:host=$PGHOST port=$PGPORT dbname=parkgis_4549 user=$PGUSER"
if "$parkgis" "${data_args[@]}" export --layout parcels -f pg --t_srs EPSG:4549 -o "$conn2" >/dev/null; then
    srid=$(psql_q -d parkgis_4549 -c "SELECT DISTINCT ST_SRID(geom) FROM \"$table\"")
    [ "$srid" = 4549 ] && echo "ok    geometry stored with SRID 4549" || { echo "FAIL  SRID is '$srid', expected 4549"; fail=1; }
    psql_q -d parkgis_4549 -c "SELECT id, ST_Area(geom) / 1e6, ST_Area(ST_Transform(geom, 4490)::geography) / 1e6 FROM \"$table\" ORDER BY id" >"$tmp/pg2" || fail=1
    # the reference is parkgis area in JSON again; the planar area is printed for the record
    "$PY" - "$tmp/area.json" "$tmp/pg2" >"$tmp/cmp2" <<'EOF' || fail=1
import json, sys
area = {p["id"]: p["geodesic_km2"] for p in json.load(open(sys.argv[1], encoding="utf-8"))["parcels"]}
for l in open(sys.argv[2], encoding="utf-8"):
    if l.strip():
        id_, planar, geod = l.rstrip("\n").split("|")
        print("%s|%r|%s" % (id_, area[id_], geod))
EOF
    echo "parcels (EPSG:4549): ST_Area(ST_Transform(geom, 4490)::geography) vs parkgis area"
    compare "parcels reprojected vs parkgis area (0.01 %)" 0 "$tmp/cmp2" || fail=1
else
    echo "FAIL: parkgis export -f pg --t_srs EPSG:4549"; fail=1
fi

# ---- 3. every other layout: ST_Area(geog) vs its own area_km2
for f in "$root"/geodata/layouts/*.json; do
    lo=$(basename "$f" .json)
    [ "$lo" = parcels ] && continue
    rep=$("$parkgis" "${data_args[@]}" --format json export --layout "$lo" -f pg -o "$PG_SCRATCH_CONN") ||
        { echo "FAIL: parkgis export --layout $lo -f pg"; fail=1; continue; }
    printf '%s' "$rep" | "$PY" -c '
import json, sys
for l in json.load(sys.stdin)["layers"]:
    if l["geometry"].endswith("Polygon"): print(l["file"], l["features"])' >"$tmp/layers"
    while read -r t nf; do
        got=$(psql_q -c "SELECT count(*) FROM \"$t\"")
        [ "$got" = "$nf" ] && echo "ok    $lo: table $t has $nf features" || { echo "FAIL  $lo: table $t has $got features, export said $nf"; fail=1; }
        psql_q -c "SELECT id, area_km2, ST_Area(geog) / 1e6 FROM \"$t\" ORDER BY id" >"$tmp/cmp3" || fail=1
        echo "$lo / $t: ST_Area(geog) vs exported area_km2"
        compare "$lo $t vs area_km2" 0 "$tmp/cmp3" || fail=1
    done <"$tmp/layers"
done

[ $fail = 0 ] && echo "all PostGIS checks passed" || echo "PostGIS checks FAILED"
exit $fail
