#!/usr/bin/env bash
# valgrind-cli.sh BUILD_DIR - the main commands run valgrind-clean (memcheck:
# no invalid reads/writes, no uses of uninitialised values, no definite leaks).
# Skipped (77) for sanitizer builds: ASan and valgrind cannot share a process.
set -u
b=$(cd "$1" && pwd)
bin=$b/parkgis
[ -x "$bin" ] || { echo "FAIL: $bin is not built"; exit 1; }
if ! command -v valgrind >/dev/null; then echo "SKIPPED: valgrind not installed"; exit 77; fi
if grep -q "PARKGIS_SANITIZE:BOOL=ON" "$b/CMakeCache.txt" 2>/dev/null; then echo "SKIPPED: sanitizer build (ASan covers it)"; exit 77; fi
here=$(cd "$(dirname "$0")/../data" && pwd)
pass=0 fail=0
run() {
    local log; log=$(mktemp)
    # --errors-for-leak-kinds=definite: GDAL/PROJ keep deliberate process-lifetime caches ("still reachable")
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --log-file="$log" "$bin" "$@" >/dev/null 2>&1
    local rc=$?
    if [ $rc = 99 ] || [ $rc -ge 126 ] || grep -q "^valgrind: " "$log" || grep -q "Invalid \|uninitialised\|definitely lost" "$log"; then
        fail=$((fail+1)); echo "FAIL valgrind: parkgis $*"; head -30 "$log"
    else pass=$((pass+1)); fi
    rm -f "$log"
}
cd "$here"
run --data square-1km.geojson area
run --data square-1km.geojson area --format json --crs EPSG:32651
run --data square-1km.geojson parcels --format csv
run --data no-such-file.geojson area
# bad layers: the error paths free what they opened and read nothing freed
run --data layer/no-name.geojson area
run --data layer/points.geojson parcels
run --data layer/bad-official.geojson area
run area
run adjacency --format json
run validate
run locate 121.40 31.40
run locate 121.40 31.40 --datum gcj02 --format json
run locate "上海市宝山区富联一路98弄6号"
run provenance nanda --format json
run provenance no-such-parcel
echo "$pass passed, $fail failed"
[ $fail = 0 ]
