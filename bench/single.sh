#!/usr/bin/env bash
# bench/single.sh [--runs N] [--no-pg]
#
# One lookup from the shell, start to exit (issue 11): `parkgis locate LON LAT`
# and `parkgis locate "ADDRESS"`, each run N times (default 50) one after the
# other by bench_exec (fork + exec + wait, CLOCK_MONOTONIC), in three states of
# the snapshot cache (src/store/layer_cache.c):
#   warm   the snapshot of the parcel layer is there (every run after the first)
#   cold   removed before every run: GDAL reads the layer and the snapshot is written
#   off    PARKGIS_CACHE=off: GDAL reads the layer, nothing is written
# and, beside them, a fresh `psql -c` asking a warm PostGIS the same point
# question (ST_Covers on the parcels exported with `parkgis export -f pg`) on a
# scratch cluster on loopback (tools/pg-scratch.sh; skipped when PostgreSQL 15 +
# PostGIS are not installed, or with --no-pg). Prints median, p90 and min ms.
# The floors beside them (bench/floor/empty.c): /bin/true, and an empty C program
# linked to nothing, to parkgis's start-up libraries less PROJ, and to all of them
# (GEOS, json-c, shapelib, PROJ: the libraries `parkgis` keeps as DT_NEEDED), with
# the number of shared objects each maps (ldd): what one lookup cannot go below.
# When parkgis links the lean PROJ (tools/build-proj.sh), the same warm lookups
# and the floor are also run with Debian's shared libproj, built beside it in
# build-bench-debproj/ with -DPARKGIS_LEAN_PROJ=OFF, and the answers compared.
# Release build in build-bench/ (PARKGIS_BUILD to change). The cache lives in a
# temporary XDG_CACHE_HOME, removed afterwards.
runs=50 pg=1
. "$(dirname "$0")/common.sh"
bench_parse "bench/single.sh [--runs N] [--no-pg]" "$@"
[ ${#rest[@]} = 0 ] || bench_usage
bench_build parkgis bench_exec bench_floor_none bench_floor_noproj bench_floor_libs
bench_tmp parkgis-single
export XDG_CACHE_HOME=$tmp/cache
P=$root/$b/parkgis X=$root/$b/bench_exec
LON=121.37 LAT=31.35 ADDR="上海市宝山区富联一路98弄6号"
echo "== one lookup, $runs runs each, wall ms from start to exit; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-66s %8s %8s %8s\n' "command" "median" "p90" "min"
row() { # LABEL bench_exec-args...
    local label=$1; shift
    local r
    r=$("$X" "$runs" "$@") || { printf '%-66s %s\n' "$label" "(failed)"; return; }
    read -r med p90 min <<<"$r"
    printf '%-66s %8s %8s %8s\n' "$label" "$med" "$p90" "$min"
}
"$P" locate "$LON" "$LAT" >/dev/null; "$P" locate "$ADDR" >/dev/null   # warm the cache
lean=0; "$P" --version | grep -q '^PROJ .*linked statically' && lean=1
row "parkgis locate $LON $LAT (warm)" -- "$P" locate "$LON" "$LAT"
row "parkgis locate $LON $LAT (cold)" --clear "$XDG_CACHE_HOME/parkgis" -- "$P" locate "$LON" "$LAT"
row "parkgis locate $LON $LAT (cache off)" -- env PARKGIS_CACHE=off "$P" locate "$LON" "$LAT"
"$P" locate "$ADDR" >/dev/null
row "parkgis locate ADDRESS (warm)" -- "$P" locate "$ADDR"
row "parkgis locate ADDRESS (cold)" --clear "$XDG_CACHE_HOME/parkgis" -- "$P" locate "$ADDR"
row "parkgis locate ADDRESS (cache off)" -- env PARKGIS_CACHE=off "$P" locate "$ADDR"
row "(floor: /bin/true)" -- /bin/true
nlibs() { ldd "$1" | grep -c '=>\|ld-linux'; }
for f in none noproj libs; do
    case $f in
    none) what="libc" ;;
    noproj) what="GEOS, json-c, shapelib" ;;
    libs) what="GEOS, json-c, shapelib, PROJ" ;;
    esac
    [ $f = libs ] && [ $lean = 1 ] && what="GEOS, json-c, shapelib, PROJ's sqlite3 and libstdc++"
    row "(floor: empty program + $what; $(nlibs "$root/$b/bench_floor_$f") objects)" -- "$root/$b/bench_floor_$f"
done
echo "   parkgis itself maps $(nlibs "$P") shared objects at start-up (ldd); $("$P" --version | grep '^PROJ')"
if [ $lean = 1 ]; then
    # the baseline: the same lookups with Debian's shared libproj (-DPARKGIS_LEAN_PROJ=OFF)
    d=$b-debproj
    cmake -S . -B "$d" -DCMAKE_BUILD_TYPE=Release -DPARKGIS_SANITIZE=OFF -DPARKGIS_LEAN_PROJ=OFF >/dev/null
    cmake --build "$d" -j"$(nproc)" --target parkgis bench_floor_libs >/dev/null
    D=$root/$d/parkgis
    for q in "$LON $LAT" "$ADDR"; do
        # shellcheck disable=SC2086
        cmp -s <(PARKGIS_CACHE=off "$P" locate $q 2>&1) <(PARKGIS_CACHE=off "$D" locate $q 2>&1) || { echo "single: the two PROJ builds answer $q differently" >&2; exit 1; }
    done
    row "parkgis locate $LON $LAT (warm, Debian's shared libproj)" -- "$D" locate "$LON" "$LAT"
    row "parkgis locate ADDRESS (warm, Debian's shared libproj)" -- "$D" locate "$ADDR"
    row "(floor: empty program + GEOS, json-c, shapelib, Debian's libproj; $(nlibs "$root/$d/bench_floor_libs") objects)" -- "$root/$d/bench_floor_libs"
fi
if [ $pg = 1 ]; then
    rc=0
    bench_pg_start || rc=$?
    if [ $rc = 0 ]; then
        "$P" export --layout parcels -f pg -o "$PG_SCRATCH_CONN" >/dev/null 2>&1 || true
        q="SELECT id FROM parcels WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($LON, $LAT), 4490)) LIMIT 1"
        if psql -X -q -c "$q" >/dev/null 2>&1; then
            psql -X -q -c "$q" >/dev/null
            row "psql -c (ST_Covers, warm PostGIS)" -- psql -X -q -c "$q"
        else
            echo "(psql row skipped: the exported parcels table could not be queried: $(psql -X -q -c "$q" 2>&1 | head -1))"
        fi
    else
        echo "(psql row skipped: tools/pg-scratch.sh could not start PostgreSQL 15 + PostGIS)"
    fi
fi
