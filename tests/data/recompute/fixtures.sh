#!/usr/bin/env bash
# fixtures.sh OUTDIR [BASE] - makes the edited layers that the recompute tests
# compare with a baseline, the way a planner would make them in QGIS. Only
# gdal-bin is needed (ogr2ogr with its SQLite/SpatiaLite dialect).
#
# BASE is a parcel layer in EPSG:4490 (fields id, name, official_km2). Without
# it a SYNTHETIC baseline is written to OUTDIR/base.geojson: ten rectangles
# drawn in EPSG:4549 near 121.4E 31.4N, carrying the plan's ten parcel ids,
# names and official areas (so the layouts build over it) but NOT their shapes:
# each is 1000 m wide and official_km2 km tall, 500 m apart, except that
# ecommerce-south sits directly north of ecommerce-north (a shared edge).
#
# The edits all touch parcel P (the first feature; in the synthetic layer
# baoshan-industrial, 1000 m x 11140 m) and are done in EPSG:4549 metres:
#   same.geojson        copy, no edit
#   moved.geojson       P's first easternmost vertex moved 40 m east
#   cut.geojson         a 400 m x 400 m square cut out around P's point on surface
#   shifted.geojson     P translated 30 m east (gains a strip on one side, loses one on the other)
#   sliver.geojson      a new parcel sliver-plot (缝隙地块) drawn 5 m off P's east side, within
#                       250 m of P's point nearest the east: a 5 m wide gap between two parcels
#   added.geojson       a new parcel new-plot (300 m x 300 m, 1 km east of everything)
#   removed.geojson     P deleted
#   renamed.geojson     P's name changed to 测试改名
#   reid.geojson        P's id changed to P-2020 (same name and geometry)
#   noid.geojson        P's id emptied
#   bowtie.geojson      P replaced by a bow-tie over its envelope (self-intersection)
#   overlap.geojson     the second parcel grown by a 200 m disc around a point inside the third
#   gbk/edited.shp      Shapefile, DBF in GBK (CP936), .cpg deleted, LDID 0
#   ldid/edited.shp     the same with the DBF's LDID byte set to 0x4D (= code page 936)
#   utf8/edited.shp     Shapefile, UTF-8 with its .cpg
#   noprj/edited.shp    Shapefile in EPSG:4490 lon/lat with the .prj deleted
#   noprj4549/edited.shp Shapefile in EPSG:4549 metres with the .prj deleted
#   4549.gpkg           GeoPackage reprojected to EPSG:4549 (CRS declared)
#   4549.geojson        GeoJSON in EPSG:4549 (a "crs" member, as GDAL and QGIS write it)
#   prj4549/edited.shp  Shapefile in EPSG:4549 with its .prj
# and writes P's id, the box, and the new parcel's WKT to OUTDIR/info.txt.
set -euo pipefail
out=$1 base=${2:-}
mkdir -p "$out"
q() { ogr2ogr "$@" 2>&1 | { grep -v '^Warning 1: .*Normalized/laundered\|^$' || true; } >&2; }

if [ -z "$base" ]; then
    base=$out/base.geojson
    # id|name|official_km2 - the plan's table (../shared/seeds/001_*.txt section 二)
    rows='baoshan-industrial|宝山工业园区|11.14
luodian-industrial|罗店工业园区|2.04
robot-park|机器人产业园|2.45
urban-industrial|城市工业园区|4.12
fudan-hitech|复旦高新技术产业基地|5.60
culture-industry|文化产业示范基地|2.37
ecommerce-north|电子商务示范基地(北块)|0.72
ecommerce-south|电子商务示范基地(南块)|0.38
nanda|南大地区|0.64
biomed-south|北上海生物医药产业园(南区)|1.16'
    {
        echo 'id,name,official_km2,provenance,WKT'
        k=0 y0=3476000
        while IFS='|' read -r id name km2; do
            x0=$((633000 + k * 1500)) h=$(awk -v a="$km2" 'BEGIN{printf "%d", a*1000}')
            ya=$y0
            if [ "$id" = ecommerce-south ]; then x0=$((x0 - 1500)) ya=$((y0 + 720)); else k=$((k + 1)); fi
            x1=$((x0 + 1000)) yb=$((ya + h))
            echo "$id,$name,$km2,synthetic test rectangle (not the parcel's shape),\"POLYGON(($x0 $ya,$x1 $ya,$x1 $yb,$x0 $yb,$x0 $ya))\""
        done <<<"$rows"
    } >"$out/base-4549.csv"
    q -f GeoJSON -s_srs EPSG:4549 -t_srs EPSG:4490 -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO -oo AUTODETECT_TYPE=YES \
        -lco COORDINATE_PRECISION=10 "$base" "$out/base-4549.csv"
fi

# the baseline in EPSG:4549 as CSV with WKT: the planner's working copy
q -f CSV -t_srs EPSG:4549 -lco GEOMETRY=AS_WKT -lco GEOMETRY_NAME=WKT \
    -sql "SELECT id, name, official_km2 FROM \"$(ogrinfo -q "$base" | sed -n '1s/^1: \([^ ]*\).*/\1/p')\"" \
    "$out/work.csv" "$base"
nth_id() { ogrinfo -q -sql "SELECT id FROM work" "$out/work.csv" | awk -v n="$1" '/ id \(String\) = /{k++; if (k==n) print $NF}'; }
P=$(nth_id 1) P2=$(nth_id 2) P3=$(nth_id 3)

# to GeoJSON in EPSG:4490, as QGIS saves it (15 significant digits)
save() { q -f GeoJSON -s_srs EPSG:4549 -t_srs EPSG:4490 -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO -oo AUTODETECT_TYPE=YES "$2" "$1"; }
sql() { # sql OUT.geojson "SELECT ..." : run SpatiaLite SQL over work.csv (geometry column: geometry)
    q -f GeoJSON -s_srs EPSG:4549 -t_srs EPSG:4490 -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO -oo AUTODETECT_TYPE=YES \
        -dialect SQLite -sql "$2" "$1" "$out/work.csv"
}

save "$out/work.csv" "$out/same.geojson"

# move P's first easternmost exterior vertex 40 m east (WKT text edit)
awk -v P="$P" 'NR>1 && index($0, "\"," P ",") {
    match($0, /"(MULTI)?POLYGON[^"]*"/); w=substr($0, RSTART, RLENGTH); pre=substr($0,1,RSTART-1); post=substr($0,RSTART+RLENGTH)
    n=split(w, c, ","); best=-1e18; bi=0; ring_end=0
    for (i=1;i<=n;i++) { s=c[i]; gsub(/[^0-9. -]/,"",s); sub(/^ +/,"",s); split(s, xy, " "); if (xy[1]+0>best) {best=xy[1]+0; bi=i}; if (c[i] ~ /\)/) break }
    s=c[bi]; lead=s; sub(/[0-9.].*/,"",lead); tail=s; sub(/^[^0-9]*[0-9.]+ [0-9.]+/,"",tail)
    t=s; gsub(/[^0-9. ]/,"",t); sub(/^ +/,"",t); split(t, xy, " ")
    c[bi]=lead sprintf("%.6f %s", xy[1]+40, xy[2]) tail
    w=c[1]; for(i=2;i<=n;i++) w=w "," c[i]
    $0=pre w post } {print}' "$out/work.csv" >"$out/moved.csv"
save "$out/moved.csv" "$out/moved.geojson"

# the 400 m box around P's point on surface
pos() { # pos ID: a point inside the parcel (GEOS point on surface), x y
    ogrinfo -q -oo GEOM_POSSIBLE_NAMES=WKT -dialect SQLite \
        -sql "SELECT ST_X(ST_PointOnSurface(geometry)) x, ST_Y(ST_PointOnSurface(geometry)) y FROM work WHERE id='$1'" "$out/work.csv" |
        awk '/ x \(Real\)/{x=$NF} / y \(Real\)/{y=$NF} END{print x, y}'
}
read -r px py < <(pos "$P")
box="BuildMbr($px-200, $py-200, $px+200, $py+200)"
sql "$out/cut.geojson" "SELECT id, name, official_km2, CASE WHEN id='$P' THEN ST_Difference(geometry, $box) ELSE geometry END AS geometry FROM work"

sql "$out/shifted.geojson" "SELECT id, name, official_km2, CASE WHEN id='$P' THEN ST_Translate(geometry, 30, 0, 0) ELSE geometry END AS geometry FROM work"
# the ring 5..200 m around P, kept within 250 m of the point of P nearest to a point 10 km east
# (as WKT appended to the CSV: ogr2ogr's SQLite dialect fails on a UNION with a computed geometry)
sliver=$(ogrinfo -q -oo GEOM_POSSIBLE_NAMES=WKT -dialect SQLite -sql "SELECT ST_AsText(
    ST_Intersection(ST_Difference(ST_Buffer(geometry, 200), ST_Buffer(geometry, 5)),
                    ST_Buffer(ST_ClosestPoint(geometry, MakePoint(MbrMaxX(geometry) + 10000, $py)), 250))) AS w
    FROM work WHERE id='$P'" "$out/work.csv" | sed -n 's/^ *w (String) = //p')
{ cat "$out/work.csv"; echo "\"$sliver\",sliver-plot,缝隙地块,"; } >"$out/sliver.csv"
save "$out/sliver.csv" "$out/sliver.geojson"

# a new parcel 1 km east of the layer's extent
read -r maxx miny < <(ogrinfo -q -oo GEOM_POSSIBLE_NAMES=WKT -dialect SQLite -sql "SELECT Max(MbrMaxX(geometry)) x, Min(MbrMinY(geometry)) y FROM work" "$out/work.csv" |
    awk '/ x \(Real\)/{x=$NF} / y \(Real\)/{y=$NF} END{print x, y}')
nx=$(awk -v v="$maxx" 'BEGIN{printf "%.3f", v+1000}') ny=$(awk -v v="$miny" 'BEGIN{printf "%.3f", v}')
newp="POLYGON(($nx $ny,$(awk -v x=$nx 'BEGIN{printf "%.3f", x+300}') $ny,$(awk -v x=$nx 'BEGIN{printf "%.3f", x+300}') $(awk -v y=$ny 'BEGIN{printf "%.3f", y+300}'),$nx $(awk -v y=$ny 'BEGIN{printf "%.3f", y+300}'),$nx $ny))"
{ cat "$out/work.csv"; echo "\"$newp\",new-plot,新增地块,0.09"; } >"$out/added.csv"
save "$out/added.csv" "$out/added.geojson"

sql "$out/removed.geojson" "SELECT id, name, official_km2, geometry FROM work WHERE id <> '$P'"
sql "$out/renamed.geojson" "SELECT id, CASE WHEN id='$P' THEN '测试改名' ELSE name END AS name, official_km2, geometry FROM work"
sql "$out/reid.geojson" "SELECT CASE WHEN id='$P' THEN id || '-2020' ELSE id END AS id, name, official_km2, geometry FROM work"
sql "$out/noid.geojson" "SELECT CASE WHEN id='$P' THEN '' ELSE id END AS id, name, official_km2, geometry FROM work"
sql "$out/bowtie.geojson" "SELECT id, name, official_km2, CASE WHEN id='$P' THEN
    GeomFromText('POLYGON((' || MbrMinX(geometry) || ' ' || MbrMinY(geometry) || ',' || MbrMaxX(geometry) || ' ' || MbrMaxY(geometry) || ',' ||
    MbrMaxX(geometry) || ' ' || MbrMinY(geometry) || ',' || MbrMinX(geometry) || ' ' || MbrMaxY(geometry) || ',' ||
    MbrMinX(geometry) || ' ' || MbrMinY(geometry) || '))') ELSE geometry END AS geometry FROM work"
read -r ox oy < <(pos "$P3")
sql "$out/overlap.geojson" "SELECT id, name, official_km2, CASE WHEN id='$P2' THEN
    ST_Multi(ST_Union(geometry, ST_Buffer(SetSRID(MakePoint($ox, $oy), ST_SRID(geometry)), 200))) ELSE geometry END AS geometry FROM work"

# Shapefiles: official_km2 is 12 characters, too long for a DBF field name
shp() { # shp DIR SRS ENCODING
    mkdir -p "$out/$1"
    q -f "ESRI Shapefile" -s_srs EPSG:4549 -t_srs "$2" -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO -oo AUTODETECT_TYPE=YES \
        -lco ENCODING="$3" -nln edited -sql "SELECT id, name, official_km2 AS official FROM work" "$out/$1/edited.shp" "$out/work.csv"
}
shp gbk EPSG:4490 CP936 && rm -f "$out/gbk/edited.cpg"
shp ldid EPSG:4490 CP936 && rm -f "$out/ldid/edited.cpg" && printf '\x4d' | dd of="$out/ldid/edited.dbf" bs=1 seek=29 conv=notrunc status=none
shp utf8 EPSG:4490 UTF-8
shp noprj EPSG:4490 UTF-8 && rm -f "$out/noprj/edited.prj" "$out/noprj/edited.cpg"
shp noprj4549 EPSG:4549 UTF-8 && rm -f "$out/noprj4549/edited.prj"
shp prj4549 EPSG:4549 UTF-8
q -f GeoJSON -a_srs EPSG:4549 -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO -oo AUTODETECT_TYPE=YES "$out/4549.geojson" "$out/work.csv"
q -f GPKG -a_srs EPSG:4549 -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO -oo AUTODETECT_TYPE=YES -nln edited "$out/4549.gpkg" "$out/work.csv"

printf "P='%s'\nP2='%s'\nP3='%s'\nbox='%s'\nnew='%s'\n" "$P" "$P2" "$P3" "$box" "$newp" >"$out/info.txt"
