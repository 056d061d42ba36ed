#!/usr/bin/env bash
# bench/batch.sh [--10m] [-n N] [--runs R] [--no-pg] [--no-shapely] [--no-resolve]
#
# End-to-end batch point-in-parcel (issue 11): N random points (default 1,000,000;
# --10m: 10,000,000) uniform in the parcels' lon/lat envelope, CSV id,lon,lat, each
# method reading that CSV, answering "which parcel?" and writing a CSV, all in the
# same run on the same file, R rounds (default 3) interleaved; the median wall time
# of each is reported, with rows/s and the ratio to `parkgis locate --batch`:
#
#   parkgis                     --columns parcel_id (the grid kernel)
#   parkgis --threads 2         the same on two threads
#   parkgis +distance           --columns parcel_id,distance_m,nearest (geodesic distances)
#   parkgis +confidence         --columns parcel_id,confidence,candidates (the resolver)
#   plain C GEOS baseline       bench_batch geos: fgets/strtod, STRtree + GEOSPreparedContains, printf
#   CSV floor                   bench_batch floor: the same CSV read and written, no geometry
#   PostGIS COPY+join+COPY      \copy in, tools/sql/locate-points.sql, \copy out (scratch cluster)
#   PostGIS join alone          the SQL of tools/sql/locate-points.sql only
#   shapely                     bench/shapely_baseline.py (np.loadtxt, vectorized contains)
#
# Every method's parcel column is compared with parkgis's, row by row ("agree").
# CPU is user+sys of the process (PostGIS: of psql only, the server's is not seen).
# PostgreSQL + PostGIS are started on loopback with tools/pg-scratch.sh (installed
# with apt-get when missing and PARKGIS_BENCH_INSTALL=1); shapely is Debian's
# python3-shapely. Release build in build-bench/ (PARKGIS_BUILD to change).
n=1000000 runs=3 pg=1 shp=1 resolve=1
. "$(dirname "$0")/common.sh"
bench_parse "bench/batch.sh [--10m] [-n N] [--runs R] [--no-pg] [--no-shapely] [--no-resolve]" "$@"
set -- ${rest[@]+"${rest[@]}"}
while [ $# -gt 0 ]; do
    case $1 in
    --10m) n=10000000 ;;
    -n) [ $# -ge 2 ] || bench_usage; n=$2; shift ;;
    --no-shapely) shp=0 ;;
    --no-resolve) resolve=0 ;;
    *) bench_usage ;;
    esac
    shift
done
bench_build parkgis bench_batch
PY=/usr/bin/python3
parcels=$root/geodata/parcels.geojson
bench_tmp parkgis-bench

echo "== generating $n points (bench_batch gen, seed 1) in the envelope of $parcels"
"$b/bench_batch" gen "$n" 1 >"$tmp/pts.csv"
echo "   $(du -h "$tmp/pts.csv" | cut -f1) CSV; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

if [ $shp = 1 ] && ! $PY -c 'import shapely.vectorized, numpy' 2>/dev/null; then
    echo "(shapely baseline skipped: python3-shapely / python3-numpy not installed; tools/install-deps.sh installs them)"
    shp=0
fi
if [ $pg = 1 ]; then
    rc=0
    bench_pg_start || rc=$?
    if [ $rc = 77 ] && [ "${PARKGIS_BENCH_INSTALL:-0}" = 1 ]; then
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
            postgresql-15 postgresql-client-15 postgresql-15-postgis-3 >/dev/null && rc=0 && bench_pg_start || rc=$?
    fi
    if [ $rc = 0 ]; then
        "$b/parkgis" export --layout parcels -f pg -o "$PG_SCRATCH_CONN" >/dev/null
        psql -X -q -c 'CREATE TABLE points (id text, lon double precision, lat double precision)'
    else
        echo "(PostGIS skipped: tools/pg-scratch.sh could not start a cluster; PARKGIS_BENCH_INSTALL=1 installs it)"
        pg=0
    fi
fi

# method name -> command (run with bash -c; reads $tmp/pts.csv, writes $tmp/out.NAME.csv)
names=() cmds=()
add() { names+=("$1"); cmds+=("$2"); }
P="$b/parkgis locate --batch $tmp/pts.csv --lon-column lon --lat-column lat"
add parkgis "$P --columns parcel_id > $tmp/out.parkgis.csv"
"$b/parkgis" locate --help 2>/dev/null | grep -q -- '--threads' && add "parkgis --threads 2" "$P --columns parcel_id --threads 2 > '$tmp/out.parkgis --threads 2.csv'"
add "parkgis +distance" "$P --columns parcel_id,distance_m,nearest > '$tmp/out.parkgis +distance.csv'"
[ $resolve = 1 ] && add "parkgis +confidence" "$P --columns parcel_id,confidence,candidates > '$tmp/out.parkgis +confidence.csv'"
add "plain C GEOS baseline" "$b/bench_batch geos < $tmp/pts.csv > '$tmp/out.plain C GEOS baseline.csv'"
add "CSV floor" "$b/bench_batch floor < $tmp/pts.csv > '$tmp/out.CSV floor.csv'"
if [ $pg = 1 ]; then
    add "PostGIS COPY+join+COPY" "psql -X -q -v ON_ERROR_STOP=1 -c 'TRUNCATE points' -c \"\\\\copy points FROM '$tmp/pts.csv' CSV HEADER\" -f $root/tools/sql/locate-points.sql -c \"\\\\copy (SELECT p.id, p.lon, p.lat, r.parcel_id FROM points p JOIN point_parcel r USING (id)) TO '$tmp/out.PostGIS COPY+join+COPY.csv' CSV HEADER\" 2>/dev/null"
    add "PostGIS join alone" "psql -X -q -v ON_ERROR_STOP=1 -f $root/tools/sql/locate-points.sql 2>/dev/null"
fi
[ $shp = 1 ] && add shapely "$PY $root/bench/shapely_baseline.py $parcels $tmp/pts.csv $tmp/out.shapely.csv"

declare -A walls cpus
for ((r = 1; r <= runs; r++)); do
    for i in "${!names[@]}"; do
        /usr/bin/time -f "%e %U %S" -o "$tmp/time" bash -c "${cmds[$i]}" 2>/dev/null || { echo "FAIL: ${names[$i]}: ${cmds[$i]}"; exit 1; }
        read -r e u s <"$tmp/time"
        walls[${names[$i]}]+="$e "
        cpus[${names[$i]}]+="$(echo "$u + $s" | bc | xargs printf '%.2f') "
    done
    echo "   round $r of $runs done"
done

# agreement of the parcel column with parkgis's (by id)
key() { tail -n +2 "$1" | awk -F, -v c="$2" '{print $1 "," $c}' | sort; }
key "$tmp/out.parkgis.csv" 4 >"$tmp/ref.key"
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ref_wall=$(echo "${walls[parkgis]}" | median)
echo
echo "== $n points, median of $runs interleaved rounds (wall s; rows/s = $n / wall)"
printf '%-26s %9s %12s %11s %9s  %s\n' method "wall s" rows/s "vs parkgis" "cpu s" agree
for name in "${names[@]}"; do
    w=$(echo "${walls[$name]}" | median)
    c=$(echo "${cpus[$name]}" | median)
    out="$tmp/out.$name.csv" agree="-"
    if [ -f "$out" ] && [ "$name" != "CSV floor" ]; then
        diffs=$(key "$out" 4 | diff "$tmp/ref.key" - | grep -c '^>' || true)
        agree=$([ "$diffs" = 0 ] && echo "all $n" || echo "$diffs differ")
    fi
    [ "$name" = "PostGIS join alone" ] && agree="(as above)"
    rate=$(echo "$n / $w" | bc)
    ratio=$(echo "scale=3; $ref_wall / $w" | bc | xargs printf '%.2f')
    printf '%-26s %9s %12s %10sx %9s  %s\n' "$name" "$w" "$rate" "$ratio" "$c" "$agree"
done
echo "(vs parkgis > 1: faster than parkgis; PostGIS cpu is psql's alone)"
