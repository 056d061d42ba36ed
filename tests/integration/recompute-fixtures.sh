#!/usr/bin/env bash
# recompute-fixtures.sh BUILD_DIR - `parkgis recompute` on edited layers that the
# test makes itself (tests/data/recompute/fixtures.sh): move a vertex, cut a
# piece, shift a parcel, add / remove / rename / un-id a parcel, a parcel 5 m
# off another (a gap), a bow-tie, an overlap, GBK
# without .cpg, LDID 0x4D, no .prj (lon/lat and projected), EPSG:4549.
#
# Expected numbers come from outside parkgis: the synthetic baseline's edits are
# drawn in EPSG:4549 metres, so their planar areas are known by hand (a 40 m
# vertex move on an 11,140 m edge adds 222,800 m²; a 400 m square cut removes
# 160,000 m²), and SpatiaLite measures every gained/lost piece again in an
# equal-area projection (EPSG:6933). The two differ from parkgis's geodesic
# figures by the GK scale (~0.044 % here) and by straight-vs-geodesic edges, so
# the hand numbers are checked to 0.1 % after the scale, SpatiaLite's to 0.1 %.
# The same edits are also run on the bundled parcel layer (SpatiaLite
# expectations only); it must validate, or the test fails.
set -uo pipefail
B=$(cd "$1" && pwd)
PG=$B/parkgis
here=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL [$suite]: $*"; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }

# run NAME ARGS...: parkgis recompute into $T/NAME.{out,err,rc}
run() {
    local n=$1; shift
    (cd "$W" && "$PG" recompute --baseline "$BASE" "$@" >"$T/$n.out" 2>"$T/$n.err"; echo $? >"$T/$n.rc")
}
rc() { cat "$T/$1.rc"; }
# csv NAME SCOPE ID COLUMN: a cell of the CSV report
csv() {
    awk -F, -v s="$2" -v id="$3" -v col="$4" 'NR==1{for(i=1;i<=NF;i++) h[$i]=i; next} $1==s && $3==id {print $h[col]; exit}' "$T/$1.out"
}
# near A B TOL: |A-B| <= TOL
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN{d=a-b; if(d<0)d=-d; exit !(a!="" && b!="" && d<=t)}'; }
# spatialite gained/lost/old/new of parcel ID between base and an edited layer (m², EPSG:6933 equal area)
sl() {
    local ed=$1 id=$2 db=$T/chk.$RANDOM.sqlite
    ogr2ogr -f SQLite -dsco SPATIALITE=YES "$db" "$BASE_ABS" -nln base 2>/dev/null
    ogr2ogr -update -f SQLite "$db" "$ed" -nln edited 2>/dev/null
    ogrinfo -q "$db" -sql "SELECT ST_Area(ST_Transform(ST_Difference(e.GEOMETRY, b.GEOMETRY), 6933)) AS g,
        ST_Area(ST_Transform(ST_Difference(b.GEOMETRY, e.GEOMETRY), 6933)) AS l FROM base b JOIN edited e ON b.id = e.id WHERE b.id = '$id'" |
        awk '/ g \(Real\)/{g=$NF} / l \(Real\)/{l=$NF} END{print g+0, l+0}'
    rm -f "$db"
}
# all parcels but ID unchanged in run NAME
others_unchanged() {
    awk -F, -v id="$2" 'NR>1 && $1=="parcel" && $3!=id && $5!="unchanged" {bad=1} END{exit bad}' "$T/$1.out"
}

suite_on() { # suite_on NAME BASE_GEOJSON SYNTHETIC(0|1)
    suite=$1 BASE_ABS=$2 synth=$3
    W=$T/$suite
    mkdir -p "$W"
    bash "$here/tests/data/recompute/fixtures.sh" "$W" $([ "$synth" = 1 ] || echo "$BASE_ABS") 2>"$T/$suite.fixtures.err" || {
        bad "fixtures.sh failed: $(head -3 "$T/$suite.fixtures.err")"; return; }
    [ "$synth" = 1 ] && BASE_ABS=$W/base.geojson
    BASE=$BASE_ABS
    . "$W/info.txt" # P, P2, P3
    # checksums of every input before any run
    (cd "$W" && find . -type f ! -name '*.tmp*' | sort | xargs sha256sum) >"$T/$suite.sums.before"

    run same --from same.geojson --format csv
    check '[ "$(rc same)" = 0 ]' "same: exit $(rc same): $(head -2 $T/same.err)"
    check 'others_unchanged same "-"' "same: some parcel not unchanged"
    check '[ "$(csv same total TOTAL gained_km2)" = 0.000000 ] && [ "$(csv same total TOTAL lost_km2)" = 0.000000 ]' "same: total gained/lost not 0"

    run moved --from moved.geojson --format csv
    read -r eg el < <(sl "$W/moved.geojson" "$P")
    g=$(csv moved parcel "$P" gained_km2) l=$(csv moved parcel "$P" lost_km2)
    check '[ "$(rc moved)" = 0 ] && [ "$(csv moved parcel "$P" status)" = changed ]' "moved: $P not changed (rc $(rc moved))"
    check 'near "$g" "$(awk -v v=$eg "BEGIN{print v/1e6}")" "$(awk -v v=$eg "BEGIN{print v/1e6*0.001+2e-6}")"' "moved: gained $g km², SpatiaLite $eg m²"
    check 'near "$l" 0 1e-6' "moved: lost $l km², expected 0"
    check 'others_unchanged moved "$P"' "moved: another parcel changed"
    if [ "$synth" = 1 ]; then
        # 40 m x 11,140 m / 2 = 222,800 m² in the GK plane; true area ~ x 0.99956
        check 'near "$g" 0.222702 0.000223' "moved: gained $g km², expected 0.2228 x 0.99956"
        check '[ "$(csv moved element sanyuan-baoshan gained_km2)" = "$g" ]' "moved: element sanyuan-baoshan gained $(csv moved element sanyuan-baoshan gained_km2), parcel $g"
        check '[ "$(csv moved element sanyuan-robot status)" = unchanged ]' "moved: element sanyuan-robot changed"
    fi

    run cut --from cut.geojson --format csv --diff-layer "$T/$suite.diff.gpkg"
    read -r eg el < <(sl "$W/cut.geojson" "$P")
    g=$(csv cut parcel "$P" gained_km2) l=$(csv cut parcel "$P" lost_km2)
    check '[ "$(rc cut)" = 0 ]' "cut: exit $(rc cut): $(head -2 $T/cut.err)"
    check 'near "$l" "$(awk -v v=$el "BEGIN{print v/1e6}")" "$(awk -v v=$el "BEGIN{print v/1e6*0.001+2e-6}")"' "cut: lost $l km², SpatiaLite $el m²"
    check 'near "$g" 0 1e-6' "cut: gained $g km², expected 0"
    [ "$synth" = 1 ] && check 'near "$l" 0.159930 0.00016' "cut: lost $l km², expected 0.16 x 0.99956"
    # the diff layer: one 'lost' piece for P, its area as reported
    check '[ -f "$T/$suite.diff.gpkg" ] && ! ls "$T/$suite".diff.gpkg.tmp* >/dev/null 2>&1' "cut: diff layer missing or temp file left"
    dl=$(ogrinfo -q "$T/$suite.diff.gpkg" -sql "SELECT parcel_id, kind, area_m2 FROM parcel_changes" 2>/dev/null | awk '/parcel_id/{p=$NF} /kind/{k=$NF} /area_m2/{printf "%s:%s:%.0f\n", p, k, $NF}')
    check '[ "$dl" = "$P:lost:$(awk -v v=$l "BEGIN{printf \"%.0f\", v*1e6}")" ] || near "${dl##*:}" "$(awk -v v=$l "BEGIN{print v*1e6}")" 1' "cut: diff layer has '$dl'"
    sum1=$(sha256sum <"$T/$suite.diff.gpkg")
    run cut2 --from cut.geojson --format csv --diff-layer "$T/$suite.diff.gpkg"
    check '[ "$(rc cut2)" = 4 ] && grep -q "already exists" "$T/cut2.err" && [ "$(sha256sum <"$T/$suite.diff.gpkg")" = "$sum1" ]' "cut: existing diff layer not refused (rc $(rc cut2))"
    run cut3 --from cut.geojson --format csv --diff-layer "$T/$suite.diff.gpkg" --overwrite
    check '[ "$(rc cut3)" = 0 ]' "cut: --overwrite failed: $(head -2 $T/cut3.err)"

    # P shifted 30 m east: it gains a strip on one side and loses one on the other, both non-zero
    run shifted --from shifted.geojson --format csv --diff-layer "$T/$suite.shift.gpkg"
    read -r eg el < <(sl "$W/shifted.geojson" "$P")
    g=$(csv shifted parcel "$P" gained_km2) l=$(csv shifted parcel "$P" lost_km2)
    check '[ "$(rc shifted)" = 0 ] && [ "$(csv shifted parcel "$P" status)" = changed ] && others_unchanged shifted "$P"' "shifted: rc $(rc shifted), $P $(csv shifted parcel "$P" status)"
    check 'near "$g" "$(awk -v v=$eg "BEGIN{print v/1e6}")" "$(awk -v v=$eg "BEGIN{print v/1e6*0.001+2e-6}")"' "shifted: gained $g km², SpatiaLite $eg m²"
    check 'near "$l" "$(awk -v v=$el "BEGIN{print v/1e6}")" "$(awk -v v=$el "BEGIN{print v/1e6*0.001+2e-6}")"' "shifted: lost $l km², SpatiaLite $el m²"
    check 'awk -v g="$g" -v l="$l" "BEGIN{exit !(g > 0.01 && l > 0.01)}"' "shifted: gained $g and lost $l km² are not both non-zero"
    # to 10 m²: each figure is rounded to 1 m², and pieces narrower than --snap (0.05 m, at
    # corners of a translated outline) are left out of gained/lost but not of the areas
    check 'near "$(csv shifted parcel "$P" change_km2)" "$(awk -v g=$g -v l=$l "BEGIN{print g-l}")" 1e-5' "shifted: change $(csv shifted parcel "$P" change_km2) != gained - lost"
    # 30 m x 11,140 m = 334,200 m² each side in the GK plane; true area ~ x 0.99956
    [ "$synth" = 1 ] && check 'near "$g" 0.334053 0.00034 && near "$l" 0.334053 0.00034' "shifted: gained $g / lost $l km², expected 0.3342 x 0.99956"
    # the diff layer holds both pieces of P, with the reported areas
    for k in gained lost; do
        a=$(ogrinfo -q "$T/$suite.shift.gpkg" -sql "SELECT SUM(area_m2) AS a, COUNT(*) AS n FROM parcel_changes WHERE parcel_id = '$P' AND kind = '$k'" 2>/dev/null |
            awk '/ a \(Real\)/{a=$NF} / n \(Integer/{n=$NF} END{if (n > 0) print a}')
        want=$([ $k = gained ] && echo "$g" || echo "$l")
        check 'near "$a" "$(awk -v v=$want "BEGIN{print v*1e6}")" 1' "shifted: diff layer $k area '$a' m², report $want km²"
    done

    # a new parcel 5 m off P: the gap between them is a warning and the recompute goes on;
    # --gap below its width leaves it out
    run sliver --from sliver.geojson --format csv
    check '[ "$(rc sliver)" = 0 ] && [ "$(csv sliver parcel sliver-plot status)" = added ] && others_unchanged sliver sliver-plot' "sliver: rc $(rc sliver): $(head -3 $T/sliver.err)"
    check 'grep -q "warning: gap $P,sliver-plot: gap between .* up to \(4\.[89]\|5\.[01]\) m wide" "$T/sliver.err"' "sliver: no 5 m gap warning: $(grep gap $T/sliver.err)"
    check 'near "$(csv sliver total TOTAL gained_km2)" "$(csv sliver parcel sliver-plot after_km2)" 1e-6' "sliver: total gained != the new parcel"
    run sliver4 --from sliver.geojson --format csv --gap 4
    check '[ "$(rc sliver4)" = 0 ] && ! grep -q "warning: gap" "$T/sliver4.err"' "sliver --gap 4: rc $(rc sliver4), $(grep gap $T/sliver4.err)"

    # the diff layer never replaces an input, --overwrite or not (the checksums below confirm it)
    run protect --from 4549.gpkg --diff-layer 4549.gpkg --overwrite
    check '[ "$(rc protect)" = 4 ] && grep -q "4549.gpkg: is the edited (--from) layer; the inputs are never replaced" "$T/protect.err"' "protect: rc $(rc protect): $(cat $T/protect.err)"

    run added --from added.geojson --format csv
    g=$(csv added parcel new-plot gained_km2)
    check '[ "$(rc added)" = 0 ] && [ "$(csv added parcel new-plot status)" = added ] && grep -q "warning: added new-plot" "$T/added.err"' "added: no added row/warning"
    check 'near "$g" 0.089960 0.0001' "added: new-plot gained $g km², expected 0.09 x ~0.9995"
    check 'near "$(csv added total TOTAL gained_km2)" "$g" 1e-6' "added: total gained $(csv added total TOTAL gained_km2)"

    run removed --from removed.geojson --format csv
    check '[ "$(rc removed)" = 0 ] && [ "$(csv removed parcel "$P" status)" = removed ] && grep -q "warning: removed $P" "$T/removed.err"' "removed: no removed row/warning"
    check '[ "$(csv removed parcel "$P" lost_km2)" = "$(csv removed parcel "$P" before_km2)" ]' "removed: lost != old"
    # the layout elements are still reported: the one that held P loses P's area
    check '! grep -q "cannot be built over the edited layer" "$T/removed.err" &&
        awk -F, -v a="$(csv removed parcel "$P" before_km2)" '"'"'$1=="element" && $15==a && $5=="changed" {f=1} END{exit !f}'"'"' "$T/removed.out"' \
        "removed: no layout element lost $P's $(csv removed parcel "$P" before_km2) km²: $(grep layout $T/removed.err | head -2)"

    run renamed --from renamed.geojson --format csv
    check '[ "$(rc renamed)" = 0 ] && [ "$(csv renamed parcel "$P" status)" = unchanged+renamed ] && grep -q "renamed: .* -> .测试改名" "$T/renamed.err"' "renamed: not reported"

    # an id changed in QGIS: removed + added, and the added warning names the parcel it replaces
    run reid --from reid.geojson --format csv
    check '[ "$(rc reid)" = 0 ] && [ "$(csv reid parcel "$P-2020" status)" = added ] && [ "$(csv reid parcel "$P" status)" = removed ] &&
        grep -q "warning: added $P-2020: .*it covers 100% of baseline parcel .$P. .*was its id changed" "$T/reid.err"' "reid: rc $(rc reid): $(grep added $T/reid.err)"
    check '! grep -q "id changed" "$T/added.err"' "added: a parcel drawn apart is taken for an id change"

    run noid --from noid.geojson
    check '[ "$(rc noid)" = 1 ] && grep -q "has no id" "$T/noid.out" && grep -q "nothing recomputed" "$T/noid.err"' "noid: rc $(rc noid), not an error"
    run bowtie --from bowtie.geojson --format json
    check '[ "$(rc bowtie)" = 1 ] && grep -q "Self-intersection at" "$T/bowtie.out" && grep -q "\"valid\":false" "$T/bowtie.out"' "bowtie: rc $(rc bowtie), no Self-intersection"
    run overlap --from overlap.geojson
    check '[ "$(rc overlap)" = 1 ] && grep -q "overlap" "$T/overlap.out" && grep -q "$P2" "$T/overlap.out"' "overlap: rc $(rc overlap)"

    # encodings: GBK with no .cpg and LDID 0 is detected; LDID 0x4D and UTF-8+.cpg by GDAL
    run gbk --from gbk/edited.shp --format csv
    check '[ "$(rc gbk)" = 0 ] && grep -q "read as CP936" "$T/gbk.err" && ! grep -q renamed "$T/gbk.err" && others_unchanged gbk "-"' "gbk: rc $(rc gbk): $(head -3 $T/gbk.err)"
    run gbk936 --from gbk/edited.shp --encoding CP936 --format csv
    check '[ "$(rc gbk936)" = 0 ] && ! grep -q "CP936\|renamed" "$T/gbk936.err"' "gbk --encoding CP936: $(head -2 $T/gbk936.err)"
    run gbkutf --from gbk/edited.shp --encoding UTF-8 --format csv
    check '[ "$(rc gbkutf)" = 1 ] && grep -q "not valid UTF-8.*--encoding" "$T/gbkutf.err"' "gbk --encoding UTF-8: rc $(rc gbkutf)"
    for d in ldid utf8; do
        run $d --from $d/edited.shp --format csv
        check '[ "$(rc $d)" = 0 ] && [ ! -s "$T/$d.err" ] && others_unchanged $d "-"' "$d: rc $(rc $d): $(head -2 $T/$d.err)"
    done
    # CRS: a missing .prj is EPSG:4490 for lon/lat (warning), an error for metres
    run noprj --from noprj/edited.shp --format csv
    check '[ "$(rc noprj)" = 0 ] && grep -q "no CRS declared" "$T/noprj.err" && others_unchanged noprj "-"' "noprj: rc $(rc noprj)"
    run noprj4549 --from noprj4549/edited.shp
    check '[ "$(rc noprj4549)" = 3 ] && grep -q "edited.shp: feature .*not lon/lat degrees.*add a .prj" "$T/noprj4549.err"' "noprj4549: rc $(rc noprj4549): $(cat $T/noprj4549.err)"
    run gpkg4549 --from 4549.gpkg --format csv
    check '[ "$(rc gpkg4549)" = 0 ] && others_unchanged gpkg4549 "-" && [ "$(csv gpkg4549 total TOTAL lost_km2)" = 0.000000 ]' "4549.gpkg: not all unchanged (snap?)"
    for f in 4549.geojson prj4549/edited.shp; do
        run crs --from $f --format csv
        check '[ "$(rc crs)" = 0 ] && others_unchanged crs "-" && [ "$(csv crs total TOTAL lost_km2)" = 0.000000 ] && [ ! -s "$T/crs.err" ]' "$f (EPSG:4549): rc $(rc crs), not all unchanged: $(head -2 $T/crs.err)"
    done
    # JSON shape
    run json --from moved.geojson --format json
    check 'grep -q "^{\"from\":\"moved.geojson\".*\"parcels\":\[{\"id\":\"$P\".*\"status\":\"changed\".*\"total\":{.*\"stated_km2\":30.63" "$T/json.out"' "json: unexpected shape"

    (cd "$W" && find . -type f ! -name '*.tmp*' | sort | xargs sha256sum) >"$T/$suite.sums.after"
    check 'cmp -s "$T/$suite.sums.before" "$T/$suite.sums.after"' "inputs changed: $(diff "$T/$suite.sums.before" "$T/$suite.sums.after" | head -3)"
}

suite_on synthetic "" 1
# The bundled layer is part of the repository and must validate (compile settles
# the small overlaps of neighbours, geodata/SOURCES.md "Compiling"): its suite
# always runs, and a layer that does not validate is a failure, not a skip.
bundled=$here/geodata/parcels.geojson
suite=bundled
if [ ! -f "$bundled" ]; then
    bad "$bundled is missing (it is committed: a broken checkout?)"
elif ! "$PG" validate "$bundled" >"$T/bundled.validate" 2>&1; then
    bad "$bundled does not validate, so edits of it cannot be recomputed: $(tail -3 "$T/bundled.validate")"
else
    suite_on bundled "$bundled" 0
    echo "bundled suite: ran on $bundled"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
