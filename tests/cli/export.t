# help names the formats and the attribute names
$ parkgis export --help
~ shp | gpkg | geojson | kml | pg
~ (254 bytes; whole in <layer>.provenance.csv, which parkgis reads back)

# a layout is required
$ parkgis --data export/parcels10.geojson export -f shp -o /tmp/x
! --layout NAME is required
? 2

# unknown export format
$ parkgis --data export/parcels10.geojson export --layout parcels -f dxf -o /tmp/x
! unknown export format 'dxf' (expected shp, gpkg, geojson, kml or pg)
? 2

# unknown CRS, nothing written
$ d=$(mktemp -d); parkgis --data export/parcels10.geojson export --layout parcels -f shp -o $d/out --t_srs EPSG:999999; rc=$?; ls $d; rm -rf $d; exit $rc
! --t_srs: unknown CRS 'EPSG:999999'
? 2

# unknown layout
$ parkgis --data export/parcels10.geojson export --layout no-such-layout -f shp -o /tmp/x
! no-such-layout
? 5

# KML is WGS84 only: a projected --t_srs is refused, not ignored
$ parkgis --data export/parcels10.geojson export --layout parcels -f kml -o /tmp/x.kml --t_srs EPSG:4549
! KML coordinates are always WGS84
? 2

# -f pg needs a connection string
$ parkgis --data export/parcels10.geojson export --layout parcels -f pg -o out-dir
! is not a PostgreSQL connection
? 2

# CP936 is for Shapefiles only
$ parkgis --data export/parcels10.geojson export --layout parcels -f gpkg -o /tmp/x.gpkg --encoding CP936
! --encoding CP936 applies to Shapefiles only
? 2

# Shapefile export of the parcels: 10 features, CGCS2000, Chinese names; the summary lists the layer
$ d=$(mktemp -d); parkgis --data export/parcels10.geojson export --layout parcels -f shp -o $d/out | sed "s|$d|DIR|"; ls $d/out; ogrinfo -ro -al -q $d/out/parcels.shp | grep -E 'Feature Count|ID\["EPSG"|name \(String\) = 南大地区'; ogrinfo -ro -so $d/out/parcels.shp parcels | grep -E 'Feature Count|EPSG'; rm -rf $d
~ parcels  张江高新区宝山园地块  MultiPolygon        10  EPSG:4490  DIR/out/parcels.shp
~ parcels.cpg
~ parcels.prj
~ parcels.qml
~ name (String) = 南大地区
~ Feature Count: 10
~ ID["EPSG",4490]]
! note: parcels.dbf: 1 text value longer than the DBF limit of 254 bytes cut with "…" (nanda.provenanc)

# an existing output is not replaced without --overwrite (exit 4, the path named), and is with it
$ d=$(mktemp -d); parkgis --data export/parcels10.geojson export --layout parcels -f gpkg -o $d/p.gpkg >/dev/null; parkgis --data export/parcels10.geojson export --layout parcels -f gpkg -o $d/p.gpkg; echo "rc=$?"; parkgis --data export/parcels10.geojson export --layout parcels -f gpkg -o $d/p.gpkg --overwrite >/dev/null; echo "rc=$?"; ls $d; rm -rf $d
! p.gpkg: already exists (use --overwrite to replace it)
| rc=4
| rc=0
| p.gpkg

# CP936 Shapefile in a projected CRS: GDAL decodes the names through the .cpg
$ d=$(mktemp -d); parkgis --data export/parcels10.geojson export --layout 地块 -f shp -o $d/gbk --encoding CP936 --t_srs EPSG:4549 >/dev/null 2>&1; cat $d/gbk/parcels.cpg; echo; ogrinfo -ro -al -q $d/gbk/parcels.shp | grep -E 'name \(String\) = (宝山工业园区|北上海生物医药产业园\(南区\))$'; ogrinfo -ro -so $d/gbk/parcels.shp parcels | grep 'ID\["EPSG",4549\]'; rm -rf $d
| 936
|   name (String) = 宝山工业园区
|   name (String) = 北上海生物医药产业园(南区)
|     ID["EPSG",4549]]

# the Chinese layout name is an alias; GeoJSON is RFC 7946 (no "crs" member) and the note says WGS84
$ d=$(mktemp -d); parkgis --data export/parcels10.geojson --format json export --layout 三园三线两区 -f geojson -o $d/sy | grep -o '"layer":"sanyuan_sanxian_liangqu","title":"[^"]*","geometry":"MultiPolygon","features":8'; grep -c '"crs"' $d/sy/sanyuan_sanxian_liangqu.geojson; ls $d/sy | grep -c qml; rm -rf $d
~ "layer":"sanyuan_sanxian_liangqu","title":"张江高新区宝山园“三园、三线、两区”","geometry":"MultiPolygon","features":8
~ 0
! note: GeoJSON (RFC 7946) is WGS84

# a full disk (here a file-size limit, which fails write(2) the same way):
# GeoJSON and KML exports used to exit 0 and rename a cut file over good output
# (issue 12, item 3); now exit 4 and the old file stays as it was
$ d=$(mktemp -d); parkgis --data export/parcels10.geojson export --layout parcels -f geojson -o $d/p.geojson >/dev/null 2>&1; cp $d/p.geojson $d/good; (trap '' XFSZ; ulimit -f 4; parkgis --data export/parcels10.geojson export --layout parcels -f geojson -o $d/p.geojson --overwrite); rc=$?; cmp -s $d/p.geojson $d/good && echo unchanged; ls $d; rm -rf $d; exit $rc
! Failure writing
! p.geojson: File too large
| unchanged
| good
| p.geojson
? 4

$ d=$(mktemp -d); parkgis --data export/parcels10.geojson export --layout parcels -f kml -o $d/p.kml >/dev/null 2>&1; cp $d/p.kml $d/good; (trap '' XFSZ; ulimit -f 8; parkgis --data export/parcels10.geojson export --layout parcels -f kml -o $d/p.kml --overwrite); rc=$?; cmp -s $d/p.kml $d/good && echo unchanged; ls $d; rm -rf $d; exit $rc
! p.kml: File too large
| unchanged
| good
| p.kml
? 4

# SIGTERM / SIGINT while the output is still a temporary (the test hook raises
# it just before the rename): DEST.tmp.<pid> is removed, nothing is left
$ d=$(mktemp -d); PARKGIS_TEST_SIGNAL_BEFORE_COMMIT=TERM parkgis --data export/parcels10.geojson export --layout parcels -f shp -o $d/out >/dev/null 2>&1; rc=$?; ls -A $d; rm -rf $d; exit $rc
| 
? 143

$ d=$(mktemp -d); PARKGIS_TEST_SIGNAL_BEFORE_COMMIT=INT parkgis --data export/parcels10.geojson export --layout parcels -f geojson -o $d/p.geojson >/dev/null 2>&1; rc=$?; ls -A $d; rm -rf $d; exit $rc
| 
? 130

# Shapefile round trip loses nothing (issue 13): error as plain numbers (error_m, src_share),
# membership as layout, provenance cut at 254 bytes restored from <layer>.provenance.csv;
# without the sidecar (a layer QGIS saved elsewhere) error_m still gives the element's error
$ d=$(mktemp -d); parkgis --data export/parcels10-error.geojson export --layout parcels -f shp -o $d/out >/dev/null 2>&1; ogrinfo -ro -al -q $d/out/parcels.shp | grep -A8 -E 'id \(String\) = nanda$' | grep -E '(error_m|src_share|layout) \('; parkgis --data $d/out/parcels.shp parcels --format csv 2>&1 >/dev/null | sed "s|$d|DIR|g"; rm $d/out/parcels.provenance.csv; parkgis --data $d/out/parcels.shp export --layout sanyuan -f geojson -o $d/re >/dev/null 2>&1; grep -o '"id": "liangqu-nanda".*"error_m": [0-9.]*' $d/re/sanyuan_sanxian_liangqu.geojson | grep -o '"error_m": [0-9.]*'; grep -c 'error unknown' $d/re/sanyuan_sanxian_liangqu.geojson; rm -rf $d
|   error_m (Real) = 180.0
|   src_share (Real) = 0.230
|   layout (String) = liangqu-nanda
| parkgis: warning: DIR/out/parcels.shp: 10 provenance texts cut at the DBF's 254 bytes restored whole from DIR/out/parcels.provenance.csv
| "error_m": 180.0
| 0
