#!/usr/bin/env bash
# bench/batch.sh [--10m] [-n N] [--runs R] [--no-pg] [--no-shapely] [--no-resolve]
#                [--addresses-only | --no-addresses] [--addr-n N]
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
#
# Addresses (issue 11), after the points unless --no-addresses (--addresses-only: only
# them): `bench_batch addr` writes --addr-n (default 100,000) distinct addresses, the
# 4,289 of ../shared/data/address-points once and then variants of them with another
# house or lane number within the road's known range (seed 1); R interleaved rounds of
#   parkgis addresses           locate --batch FILE (the default columns, the full answer)
#   parkgis header only         the same with the header row alone: the start-up
#   CSV floor                   bench_batch floor on the same file
# print CPU s, max RSS and addresses/s of one core's CPU (rows / CPU s, start-up
# included) and beyond the start-up ((rows) / (CPU s - header-only CPU s)); the
# answers are checked to be those of the first round, byte for byte.
n=1000000 runs=3 pg=1 shp=1 resolve=1 points=1 addrs=1 addr_n=100000
. "$(dirname "$0")/common.sh"
bench_parse "bench/batch.sh [--10m] [-n N] [--runs R] [--no-pg] [--no-shapely] [--no-resolve] [--addresses-only | --no-addresses] [--addr-n N]" "$@"
set -- ${rest[@]+"${rest[@]}"}
while [ $# -gt 0 ]; do
    case $1 in
    --10m) n=10000000 ;;
    --addresses-only) points=0 ;;
    --no-addresses) addrs=0 ;;
    --addr-n) [ $# -ge 2 ] || bench_usage; addr_n=$2; shift ;;
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
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

points_part() {

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
}

addresses_part() {
    local tsv=$root/../shared/data/address-points/baoshan-address-points.wgs84.tsv
    if [ ! -r "$tsv" ]; then
        echo "(addresses skipped: $tsv not found)"
        return 0
    fi
    echo "== generating $addr_n distinct addresses (bench_batch addr, seed 1) from $tsv"
    "$b/bench_batch" addr "$tsv" "$addr_n" 1 >"$tmp/addr.csv"
    head -1 "$tmp/addr.csv" >"$tmp/addr-hdr.csv"
    local rows=$(($(wc -l <"$tmp/addr.csv") - 1))
    echo "   machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    local an=("parkgis addresses" "parkgis header only" "CSV floor")
    local ac=("$b/parkgis locate --batch $tmp/addr.csv > $tmp/addr.out 2>/dev/null"
        "$b/parkgis locate --batch $tmp/addr-hdr.csv > /dev/null 2>/dev/null"
        "$b/bench_batch floor < $tmp/addr.csv > $tmp/addr.floor")
    declare -A acpu arss
    local r i e u s m
    for ((r = 1; r <= runs; r++)); do
        for i in "${!an[@]}"; do
            /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" bash -c "${ac[$i]}" || { echo "FAIL: ${an[$i]}"; exit 1; }
            read -r e u s m <"$tmp/time"
            acpu[${an[$i]}]+="$(echo "$u + $s" | bc | xargs printf '%.2f') "
            arss[${an[$i]}]+="$m "
        done
        if [ $r = 1 ]; then cp "$tmp/addr.out" "$tmp/addr.first"; elif ! cmp -s "$tmp/addr.out" "$tmp/addr.first"; then
            echo "FAIL: the answers of round $r differ from round 1"
            exit 1
        fi
        echo "   round $r of $runs done"
    done
    local base=$(echo "${acpu[parkgis header only]}" | median)
    echo
    echo "== $rows distinct addresses, median of $runs interleaved rounds (CPU s = user + sys; max RSS)"
    printf '%-22s %8s %10s %16s %18s\n' method "cpu s" "max RSS" "addresses/s" "beyond start-up/s"
    for i in "${!an[@]}"; do
        local c=$(echo "${acpu[${an[$i]}]}" | median) k=$(echo "${arss[${an[$i]}]}" | median)
        local rate="-" net="-"
        if [ "${an[$i]}" != "parkgis header only" ]; then
            rate=$(echo "$c > 0" | bc -l | grep -q 1 && echo "$rows / $c" | bc || echo "-")
            if [ "${an[$i]}" = "parkgis addresses" ] && [ "$(echo "$c > $base" | bc -l)" = 1 ]; then net=$(echo "$rows / ($c - $base)" | bc); fi
        fi
        printf '%-22s %8s %8s MB %16s %18s\n' "${an[$i]}" "$c" "$((k / 1024))" "$rate" "$net"
    done
    echo "   ($(tail -n +2 "$tmp/addr.first" | wc -l) answers, the same in every round; CPU s carry 10 ms timer steps)"
}

[ $points = 1 ] && points_part
[ $addrs = 1 ] && addresses_part
exit 0
