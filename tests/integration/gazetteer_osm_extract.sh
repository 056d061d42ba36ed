#!/usr/bin/env bash
# gazetteer_osm_extract.sh BUILD_DIR - a planner's own OSM download rebuilds the gazetteer with
# one command: build_gazetteer --osm FILE.osm (GDAL's OSM driver, the same code path as the
# Geofabrik Shapefiles). The test writes a small .osm holding a road (罗北路, not in the bundled
# data), a river (白塘河, not in the bundled data) and a campus polygon (上海大学（宝山校区）), and
# checks that those features now come from the extract, with their OSM ids, while the rest is
# built as before. Skipped (77) when ../shared/data is absent.
set -uo pipefail
B=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/../.." && pwd)
data=${PARKGIS_SHARED_DATA:-$here/../shared/data}
[ -f "$data/osm-shanghai-arterials.zip" ] || { echo "SKIP: no source data at $data"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
cat >"$T/extract.osm" <<'OSM'
<?xml version='1.0' encoding='UTF-8'?>
<osm version='0.6' generator='gazetteer_osm_extract.sh'>
 <node id='1' lat='31.4425' lon='121.3320' version='1'/>
 <node id='2' lat='31.4426' lon='121.3700' version='1'/>
 <node id='3' lat='31.4425' lon='121.4050' version='1'/>
 <node id='4' lat='31.4245' lon='121.3790' version='1'/>
 <node id='5' lat='31.4243' lon='121.3975' version='1'/>
 <node id='11' lat='31.3230' lon='121.3850' version='1'/>
 <node id='12' lat='31.3230' lon='121.3900' version='1'/>
 <node id='13' lat='31.3150' lon='121.3900' version='1'/>
 <node id='14' lat='31.3150' lon='121.3850' version='1'/>
 <way id='900001' version='1'><nd ref='1'/><nd ref='2'/><tag k='highway' v='secondary'/><tag k='name' v='罗北路'/></way>
 <way id='900002' version='1'><nd ref='2'/><nd ref='3'/><tag k='highway' v='secondary'/><tag k='name' v='罗北路'/></way>
 <way id='900003' version='1'><nd ref='4'/><nd ref='5'/><tag k='waterway' v='stream'/><tag k='name' v='白塘'/></way>
 <way id='900004' version='1'><nd ref='11'/><nd ref='12'/><nd ref='13'/><nd ref='14'/><nd ref='11'/><tag k='amenity' v='university'/><tag k='name' v='上海大学（宝山校区）'/></way>
</osm>
OSM
# the 白塘河 sketch names OSM's river by its name: add that key to a copy of the sketches
cp -r "$here/geodata/sketches" "$T/sketches"
sed -i '/^\[白塘河\]/a osm = waterway 白塘河' "$T/sketches/rivers.sketch"
"$B/build_gazetteer" --data "$data" --osm "$T/extract.osm" --sketches "$T/sketches" --out "$T/out" --quiet 2>"$T/err"
rc=$?
[ $rc = 0 ] || bad "build_gazetteer --osm exit $rc: $(head -3 "$T/err")"
prop() { # prop FILE NAME KEY
    python3 -c "import json,sys
for f in json.load(open(sys.argv[1]))['features']:
    if f['properties']['name']==sys.argv[2]: print(f['properties'].get(sys.argv[3])); break" "$T/out/$1.geojson" "$2" "$3"
}
[ "$(prop roads 罗北路 source)" = osm-extract ] || bad "罗北路 not taken from the extract: source $(prop roads 罗北路 source)"
[ "$(prop roads 罗北路 provenance)" = osm ] || bad "罗北路 provenance $(prop roads 罗北路 provenance)"
prop roads 罗北路 method | grep -q "way 900001,way 900002" || bad "罗北路's method does not name the OSM ways: $(prop roads 罗北路 method | head -c 200)"
[ "$(prop roads 罗北路 evidence_n)" = 2 ] || bad "罗北路 evidence_n $(prop roads 罗北路 evidence_n), expected 2 ways"
[ "$(prop rivers 白塘河 source)" = osm-extract ] || bad "白塘河 (OSM 白塘, a 河 suffix) not from the extract: $(prop rivers 白塘河 source)"
[ "$(prop edges 上大围墙 source)" = osm-extract ] || bad "上大围墙 not from the extract's campus polygon: $(prop edges 上大围墙 source)"
# a river that is not in this extract keeps its sketch and says so
grep -q "\[潘泾河\].*found nothing usable" "$T/err" || bad "no note that 潘泾河 is not in the extract"
[ "$(prop rivers 潘泾河 source)" = sketch ] || bad "潘泾河 source $(prop rivers 潘泾河 source), expected sketch"
# unchanged inputs
cmp -s "$here/geodata/sketches/rivers.sketch" "$T/sketches/rivers.sketch" && bad "the copy was not edited"
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, $fail failed"
[ $fail = 0 ]
