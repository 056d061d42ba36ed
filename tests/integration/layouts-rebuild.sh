#!/usr/bin/env bash
# layouts-rebuild.sh BUILD_DIR - the derived layout geometry committed in
# geodata/layouts/*.geojson is exactly what tools/build_layouts makes from
# ../shared/data: rebuild into a temp dir, compare byte for byte, and read every
# file back with GDAL. Skipped (exit 0, says SKIP) only when ../shared/data is
# absent, since the source data lives beside the repo, not in it.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${PARKGIS_SHARED_DATA:-$root/../shared/data}
layouts=$root/geodata/layouts
fail=0

if [ ! -d "$data" ] || [ ! -f "$data/osm-metro-network.wgs84.json" ]; then
    echo "SKIP: no source data at $data (set PARKGIS_SHARED_DATA)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$build/build_layouts" --data "$data" --out "$tmp" >"$tmp/log"
made=$(cd "$tmp" && ls *.geojson)
committed=$(cd "$layouts" && ls *.geojson)
if [ "$made" != "$committed" ]; then
    echo "FAIL: build_layouts makes a different set of files than geodata/layouts holds"
    echo "made:";      echo "$made"
    echo "committed:"; echo "$committed"
    fail=1
fi
for f in $made; do
    if cmp -s "$tmp/$f" "$layouts/$f"; then
        echo "ok   $f identical to the committed file"
    else
        echo "FAIL $f differs from geodata/layouts/$f (rerun build_layouts and commit, or find the non-determinism)"
        fail=1
    fi
done

# Every committed file opens with GDAL and holds what the layouts expect.
count() { ogrinfo -ro -so -al "$layouts/$1" | sed -n 's/^Feature Count: //p'; }
expect() { # file count
    local n; n=$(count "$1")
    if [ "$n" = "$2" ]; then echo "ok   $1: $n features"; else echo "FAIL $1: $n features, expected $2"; fail=1; fi
}
expect sanyuan-sanxian-liangqu.metro-lines.geojson 3
expect sanyuan-sanxian-liangqu.wusong.geojson 1
expect yihe-liangji-sandai.elements.geojson 6
expect yihe-liangji-sandai.axes.geojson 3
# stations: every one of lines 1, 3 and 7 inside Baoshan + 1.5 km; at least the
# 富锦路, 江杨北路 and 美兰湖 termini must be there
stations=$(ogrinfo -ro -al "$layouts/sanyuan-sanxian-liangqu.metro-stations.geojson")
for s in 富锦路 江杨北路 美兰湖; do
    if grep -aq "name (String) = $s\$" <<<"$stations"; then
        echo "ok   station $s"
    else
        echo "FAIL station $s missing"; fail=1
    fi
done
# every derived feature says how it was made, with an error estimate
for f in $committed; do
    n=$(count "$f")
    np=$(ogrinfo -ro -al "$layouts/$f" | grep -c "provenance (String) = ..*")
    ne=$(ogrinfo -ro -al "$layouts/$f" | grep -c "error_m (Integer) = [0-9]")
    if [ "$np" = "$n" ] && [ "$ne" = "$n" ]; then echo "ok   $f: provenance and error_m on all $n"; else
        echo "FAIL $f: $np provenance, $ne error_m for $n features"; fail=1; fi
done
exit $fail
