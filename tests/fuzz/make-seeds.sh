#!/usr/bin/env bash
# make-seeds.sh - regenerates the seed corpora in tests/fuzz/corpus/ from the
# project's own test data (one reproducible command; the seeds are checked in).
# Small on purpose: libFuzzer grows its own corpus from them in a scratch dir.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$(cd "$here/../.." && pwd); c=$here/corpus
rm -rf "$c"/{address,number,fourto,layer_geojson,layer_shp,layout,csv}; mkdir -p "$c"/{address,number,fourto,layer_geojson,layer_shp,layout,csv}
# corpus/osm/roads.osm is written by hand (a tiny extract: two ways of a road, a river, an area)
# addresses: column 1 of the address test tables, plus hostile shapes
i=0
for f in "$top/tests/data/addresses.tsv" "$top/tests/data/address/cases.tsv"; do
    grep -v '^#' "$f" | cut -f1 | grep -v '^$' | head -40 | while IFS= read -r a; do
        i=$((i+1)); printf '%s' "$a" > "$c/address/$(basename "$f" .tsv)-$i"
    done
done
printf '长江西路二千零五弄' > "$c/address/numerals"
printf '%0.s近园' $(seq 1 200) > "$c/address/long-near"
printf '%0.sa' $(seq 1 1100) > "$c/address/over-limit"
printf '121.38,31.35' > "$c/address/coords"
printf '富联\001路9\302\2058号\177' > "$c/address/controls"
# numbers
n=0
for v in 121.4 -73.5 .5 3476500 3.4765e6 ' 12 ' 0x10 inf nan 1e400 '121,4' '+.e1' '1e-400' '-0' '00012.5000' ''; do
    n=$((n+1)); printf '%s' "$v" > "$c/number/$n"
done
# 四至: mode byte 0 = the TSV reader on the whole table, 1 = the parser on one text
{ printf '\0'; cat "$top/geodata/fourto/parcels.tsv"; } > "$c/fourto/table"
{ printf '\0'; cat "$top/tests/data/compile/fourto-bad.tsv"; } > "$c/fourto/table-bad"
k=0
grep -v '^#' "$top/geodata/fourto/parcels.tsv" | tail -n +2 | cut -f5 | while IFS= read -r t; do
    k=$((k+1)); { printf '\1'; printf '%s' "$t"; } > "$c/fourto/text-$k"
done
printf '\1东至东路东侧 1000000000000 米,南至弯河,西至弯河,北至弯河' > "$c/fourto/text-huge-offset"
# layers: the test fixtures
for f in "$top"/tests/data/layer/*.geojson "$top/tests/data/square-1km.geojson" "$top/tests/data/validate-bad.geojson"; do
    cp "$f" "$c/layer_geojson/$(basename "$f")"
done
cp "$top/tests/data/bad/unknown-crs.geojson" "$c/layer_geojson/"
sed 's/"crs": {[^}]*}}/"crs": {"type": "link", "properties": {"href": "x.prj"}}/' "$top/tests/data/square-1km.geojson" > "$c/layer_geojson/crs-link.geojson"
sed 's/"crs": {[^}]*}}/"crs": null/' "$top/tests/data/square-1km.geojson" > "$c/layer_geojson/crs-null.geojson"
# shapefiles are built from bytes: a few patterns of flags/fields/shapes
printf '\x0c\x03\x00\x07\x09\x15\x12\x0a\x02\x05\x01\x00\x01\x10\x00\x10\x10\x00\x10\x00\x00\x05\x41\x42\x43\x44\x45\x46\x47' > "$c/layer_shp/lonlat"
printf '\x0e\x04\x01\x05\x08\x12\x11\x0a\x19\x03\x02\x02\x04\x05\x01\x00\x01\x10\x00\x10\x10\x00\x10\x00\x00\x2a\x07\x85\xc4\xe3\x01' > "$c/layer_shp/counts"
printf '\x01\x02\x00\x03\x08\x05\x01\x04\x01\x00\x01\x00\x01\x00\x01\x00\x01\x00\x01\x00\x41' > "$c/layer_shp/projected"
# layouts: the shipped definitions, and one element from a geometry file
for f in "$top"/geodata/layouts/*.json; do cp "$f" "$c/layout/$(basename "$f")"; done
printf '{"id":"fuzz","name":"测","elements":[{"id":"e","name":"E","geometry":"g.geojson#42"},{"id":"p","name":"P","parcels":["nanda","robot-park"]}]}\n#####\n{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":42,"name":7},"geometry":{"type":"Polygon","coordinates":[[[121.4,31.4],[121.41,31.4],[121.41,31.41],[121.4,31.4]]]}}]}' > "$c/layout/geometry-file"
printf '{"id":"fuzz","name":"测","all_parcels":true}' > "$c/layout/all"
# csv (issue 11): first byte = the read size (1 + b % 16) of the chunked reading
printf '\x01id,lon,lat\n1,121.4,31.4\n' > "$c/csv/plain"
printf '\x03\xEF\xBB\xBFid,"a ""q"" b",lat\r\n1,"x,\ny",3.1e1\r\n' > "$c/csv/quoted"
printf '\x05id,lon\n1,"121.4\n2,3\n' > "$c/csv/unclosed"
printf '\x07a,b\n1,\x002\n' > "$c/csv/nul"
printf '\x02\n\n\r\nx\ry\n' > "$c/csv/blank"
printf '\x0fa,"b"c,d\n"",\n' > "$c/csv/after-quote"
# snapshot (issue 11): first byte 0 = a layer body: the snapshot parkgis writes of
# tests/data/square-1km.geojson; 1 = a resolver body: the address resolver's snapshot
# over the synthetic test map (tests/data/address); 2 = that map's parcel index body;
# 3 = the bundled parcels' index body (with their boundary pieces' errors);
# header, key and checksum stripped
# (fuzz_snapshot adds valid ones)
if [ -x "$top/build/parkgis" ]; then
    rm -rf "$c/snapshot"; mkdir -p "$c/snapshot"; t=$(mktemp -d)
    body() { python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(); k=struct.unpack("<Q",d[16:24])[0]; sys.stdout.buffer.write(bytes([int(sys.argv[2])])+d[24+k:-8])' "$@"; }
    (cd "$top/tests/data" && XDG_CACHE_HOME=$t "$top/build/parkgis" --data square-1km.geojson parcels >/dev/null)
    body "$(ls "$t"/parkgis/layer-*.snap)" 0 > "$c/snapshot/square-1km"
    rm -rf "$t"/parkgis
    # a small data directory: the synthetic gazetteer, one town, two house numbers, one place
    mkdir -p "$t/data/gazetteer/admin" "$t/data/gazetteer/index"
    cp -r "$top/tests/data/address/gazetteer/." "$t/data/gazetteer/"
    sq() { printf '{"type":"Polygon","coordinates":[[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]]}' $1 $2 $3 $2 $3 $4 $1 $4 $1 $2; }
    printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"t","name":"甲镇","provenance":"synthetic"},"geometry":%s}]}\n' \
        "$(sq 121.39 31.39 121.43 31.43)" > "$t/data/gazetteer/admin/towns.geojson"
    printf '{"type":"FeatureCollection","features":[%s,%s]}\n' \
        '{"type":"Feature","properties":{"road":"乙路","number":1,"error_m":20},"geometry":{"type":"Point","coordinates":[121.405,31.4]}}' \
        '{"type":"Feature","properties":{"road":"乙路","number":9,"error_m":20},"geometry":{"type":"Point","coordinates":[121.408,31.4]}}' \
        > "$t/data/gazetteer/index/houses.geojson"
    printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"甲小区","kind":"estate","method":"synthetic","error_m":10},"geometry":%s}]}\n' \
        "$(sq 121.401 31.401 121.402 31.402)" > "$t/data/gazetteer/index/places.geojson"
    (cd "$top/tests/data/address" && PARKGIS_DATA=$t/data XDG_CACHE_HOME=$t "$top/build/parkgis" --data parcels.geojson locate "乙路5号" >/dev/null 2>&1) || true
    body "$(ls "$t"/parkgis/resolver-*.snap)" 1 > "$c/snapshot/resolver-address"
    body "$(ls "$t"/parkgis/index-*.snap)" 2 > "$c/snapshot/index-address"
    # 3 = the bundled parcels' index body: with the boundary pieces' errors (issue 10)
    rm -rf "$t"/parkgis
    (cd "$top/tests/data" && XDG_CACHE_HOME=$t "$top/build/parkgis" locate 121.41928 31.37201 >/dev/null 2>&1) || true
    body "$(ls "$t"/parkgis/index-*.snap)" 3 > "$c/snapshot/index-parcels"
    rm -rf "$t"
fi
du -sh "$c"
