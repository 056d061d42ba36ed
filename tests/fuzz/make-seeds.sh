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
# feature-level targets: byte streams for fuzz_layer_features / fuzz_osm_features
# (the decoder is fuzz_common.h's fuzz_in; PARKGIS_FUZZ_VERBOSE=1 shows what each reaches)
rm -rf "$c/layer_features" "$c/osm_features"; mkdir -p "$c/layer_features" "$c/osm_features"
python3 - "$c" <<'PY'
import struct, sys
c = sys.argv[1]
def s(t):  # a field set from text: mode 3 (a value; text for a String field), length, bytes
    b = t.encode() if isinstance(t, str) else t
    return bytes([3, len(b)]) + b
def ring(pts, closed=1):  # pts in steps of base + int8 * 1e-4 (mode 0) or metres (mode 100)
    out = bytes([closed, len(pts)])
    for x, y, m in pts: out += bytes([m, x & 255, m, y & 255])
    return out
sq = [(0, 0, 0), (100, 0, 0), (100, 100, 0), (0, 100, 0)]
hole = [(20, 20, 0), (40, 20, 0), (40, 40, 0), (20, 40, 0)]
def poly(*rings): return bytes([4, len(rings)]) + b''.join(rings)
def put(d, name, b): open(f"{c}/{d}/{name}", "wb").write(b)
NS = 6
# layer: pick = schema + 6 * crs (+0x80: an --encoding to note as ignored); features - 1; base
put("layer_features", "text-lonlat", bytes([0, 0, 0]) + s("a") + s("测试") + s("1.25") + b"\0" + s('{"error_m": 5}') + b"\0\0" + poly(ring(sq)) + b"\1")
put("layer_features", "numeric-4549", bytes([1 + NS * 3, 0, 2]) + b"\3" + struct.pack(">i", 42) + b"\3" + struct.pack(">q", 7) + b"\3\4\0\0\0" + b"\5" + struct.pack(">d", 20.0)
    + bytes([7, 1, 1]) + ring([(x, y, 100) for x, y, _ in sq]) + b"\0" + struct.pack(">i", 7))
put("layer_features", "mapped-hole", bytes([4, 0, 0]) + b"\3" + struct.pack(">i", 5) + s("名称") + s("50") + b"\0" + poly(ring(sq), ring(hole)) + b"\1")
put("layer_features", "gbk-4490-long", bytes([0x80 | (3 + NS * 1), 1, 0]) + b"\3\4\xb1\xa6\xc9\xbd" + s(b"\xb1\xa6") + b"\3\7" + b"\3\xff\2abc" + b"\1" + poly(ring(sq)) + b"\1"
    + s("b") + s("b") + b"\0\0\0" + bytes([3, 1, 2]) + b"\1")
wkb = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", 5) + b"".join(struct.pack("<dd", 121.4 + dx, 31.35 + dy) for dx, dy in [(0, 0), (0.01, 0), (0.01, 0.01), (0, 0.01), (0, 0)])
wkb += b"\0" * (-len(wkb) % 4)
put("layer_features", "wkb", bytes([0, 0, 0]) + s("w") + s("w") + b"\0" * 5 + bytes([1, len(wkb) // 4]) + wkb + b"\1")
put("layer_features", "zone-prefixed", bytes([0 + NS * 4, 0, 1]) + s("z") + s("z") + b"\0" * 5 + poly(ring([(x, y, 100) for x, y, _ in sq])) + b"\1")
put("layer_features", "nan", bytes([0, 1, 0]) + s("a") + s("a") + b"\0" * 5 + poly(ring(sq)) + b"\1" + s("n") + s("n") + b"\0" * 5
    + bytes([4, 1, 1, 4, 0, 0, 0, 0, 204, 0, 100, 0, 100, 0, 100, 0, 0, 0, 100]) + b"\1")
# eastings of 1e300 under EPSG:4549: the zone-number hint converted x / 1e6 to int (UB; found by this target)
put("layer_features", "zone-hint-1e300", bytes([0 + NS * 3, 0, 0]) + s("z") + s("z") + b"\0" * 5
    + bytes([4, 1, 1, 4, 207, 0, 0, 207, 0, 0, 207, 0, 100, 207, 0, 100]) + b"\1")
put("layer_features", "no-name", bytes([5, 0, 0]) + s("a") + b"\0" + poly(ring(sq)) + b"\1")
put("layer_features", "bowtie", bytes([0, 0, 0]) + s("b") + s("b") + b"\0" * 5 + poly(ring([(0, 0, 0), (100, 100, 0), (100, 0, 0), (0, 100, 0)])) + b"\1")
put("layer_features", "collection", bytes([0, 0, 0]) + s("c") + s("c") + b"\0" * 5 + bytes([9, 2]) + poly(ring(sq)) + bytes([2, 0, 0, 0, 0]) + b"\1")
# osm: mode (aoi = mode % 4; ask = (mode >> 2) % 8; 0x20 exact, 0x40 areas, 0x80 guide); features; base;
# per feature: layer, per field a byte (odd: names[(b >> 1) % 13], even: then fuzz_field), geometry;
# then the guide (2 + n % 4 points, steps of 0.001 degree), themes - 1
F = lambda t: b"\0" + s(t)          # a field from text
N = lambda i: bytes([2 * i + 1])    # names[i]: 0 沪太路 1 潘泾 2 潘泾河 3 蕴藻浜 4 蕰藻浜 5 荻径 6 荻泾
U = b"\0\0"                         # unset
def lines(pts): return bytes([3, len(pts)]) + b"".join(bytes([0, x & 255, 0, y & 255]) for x, y in pts)
guide = bytes([0, 0, 0, 50, 0])
put("osm_features", "road-two-ways", bytes([0x80 | (4 << 2), 3, 0]) + b"\1" + F("1") + N(0) + F("primary") + U + lines([(0, 0), (50, 0)])
    + b"\1" + F("3") + N(0) + F("primary") + U + lines([(50, 0), (100, 1)])
    + b"\1" + F("2") + N(1) + U + F("river") + lines([(0, 20), (100, 20)]) + guide + b"\2")
put("osm_features", "water-area", bytes([0x40 | 0x80 | (1 << 2), 2, 0]) + b"\2" + F("9") + U + N(2) + F("water") + U * 4 + poly(ring(sq))
    + b"\5" + F("10") + F("water") + U + poly(ring(hole)) + guide + b"\3")
put("osm_features", "geofabrik", bytes([2 << 2, 2, 0]) + b"\3" + b"\0\3" + struct.pack(">q", 123) + U + F("primary") + N(3) + lines([(0, 0), (80, 0)])
    + b"\4" + F("5") + F("river") + N(4) + lines([(0, 5), (80, 5)]) + guide + b"\2")
put("osm_features", "out-of-range", bytes([1, 1, 0]) + b"\1" + F("1") + N(0) + F("primary") + U + bytes([3, 2, 0, 0, 0, 0, 203, 0, 0]) + guide + b"\2")
put("osm_features", "empty-box", bytes([2, 1, 0]) + b"\1" + F("1") + N(0) + F("primary") + U + lines([(0, 0), (50, 0)]) + guide + b"\2")
PY
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
