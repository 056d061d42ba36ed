# Reading a parcel layer (any command, here `area` and `validate`): each bad
# layer gets one message naming the file, the feature or field, and what was
# expected; exit 3; nothing on stdout. Fixtures in tests/data/layer/.

# a layer drawn in EPSG:4549 is reprojected to CGCS2000 lon/lat on reading:
# the 1 km map square is 0.9996 km² on the ellipsoid (GK scale, see area.t)
$ parkgis --data layer/square-4549.geojson area --format json
| {"parcels":[{"id":"sq","name":"一平方公里","official_km2":1,"geodesic_km2":0.99956,"planar_km2":1,"planar_crs":"EPSG:4549","deviation_pct":-0.04}],"total":{"stated_km2":30.63,"table_sum_km2":1,"geodesic_km2":0.99956,"planar_km2":1,"deviation_pct":-96.74}}

# a non-polygon feature
$ parkgis --data layer/points.geojson area
! layer/points.geojson: feature 1 (id 'gate') is a Point (expected a Polygon or MultiPolygon)
| 
? 3

# a required field missing
$ parkgis --data layer/no-name.geojson parcels
! layer/no-name.geojson: layer 'noname' lacks required field 'name' (expected fields: id (ASCII slug), name
| 
? 3

# no features at all
$ parkgis --data layer/empty.geojson adjacency
! layer/empty.geojson: layer 'empty' has no features (expected polygon parcels)
| 
? 3

# an official area that is not a number (OGR alone would read it as 0)
$ parkgis --data layer/bad-official.geojson area --format json
! layer/bad-official.geojson: feature 1 (id 'b'): official_km2 '约2平方公里' is not an area (expected a non-negative number of km², e.g. 11.14)
| 
? 3

# not a vector file
$ parkgis validate layer/garbage.geojson
! layer/garbage.geojson: cannot open as a vector layer (expected a Shapefile, GeoPackage, GeoJSON
| 
? 3

# official_km2 is optional: without it the official columns and the table sum are blank, with a warning
$ parkgis --data layer/no-official.geojson area --format csv
! no official_km2 field (nor official_k, official); official areas and deviations are left blank
| id,name,official_km2,geodesic_km2,planar_km2(EPSG:4549),deviation_pct
| a,甲,,0.527,0.527,
| TOTAL,表内合计 (table sum),,0.527,0.527,
| TOTAL,规划总面积 (stated),30.63,0.527,0.527,-98.3

# Multi-layer GeoPackages (tests/data/layer/multilayer.sh). QGIS saves several
# layers into one .gpkg; the first is not necessarily the parcels.
# unnamed: the only polygon layer with id and name is read (not 'outline', the first)
$ d=$(mktemp -d) && bash layer/multilayer.sh $d 2>/dev/null && cd $d && parkgis --data one.gpkg parcels --format csv; rc=$?; rm -rf $d; exit $rc
| id,name,official_km2,layout
| sq,一平方公里,1.00,

# two candidate layers and none named: exit 3, the file, the layers and how to choose
$ d=$(mktemp -d) && bash layer/multilayer.sh $d 2>/dev/null && cd $d && parkgis --data two.gpkg parcels; rc=$?; rm -rf $d; exit $rc
! parkgis parcels: two.gpkg: 2 layers and none named, and more than one is a polygon layer with fields id and name (layers: 'parcels_2020' (Polygon; id, name), 'parcels' (Polygon; id, name)); choose one as 'two.gpkg|layername=NAME'
| 
? 3

# named as QGIS writes it: PATH|layername=NAME
$ d=$(mktemp -d) && bash layer/multilayer.sh $d 2>/dev/null && cd $d && parkgis --data 'two.gpkg|layername=parcels' locate --crs EPSG:4549 633100 3476500 --format csv; rc=$?; rm -rf $d; exit $rc
| lon,lat,inside,parcel,name,distance_m,nearest,nearest_name,nearest_m,layout,probability,candidates
| 121.3995110,31.4029709,yes,a,甲园,99.98,a,甲园,0.00,core;north-belt,1.00,a:1.00

# a layer that is not there: the layers are listed
$ d=$(mktemp -d) && bash layer/multilayer.sh $d 2>/dev/null && cd $d && parkgis --data 'two.gpkg|layername=parcel' area; rc=$?; rm -rf $d; exit $rc
! two.gpkg: no layer named 'parcel' (layers: 'parcels_2020' (Polygon; id, name), 'parcels' (Polygon; id, name))
| 
? 3

# none of the layers has parcels: listed too
$ d=$(mktemp -d) && bash layer/multilayer.sh $d 2>/dev/null && cd $d && ogr2ogr -f GPKG three.gpkg one.gpkg outline && ogr2ogr -update three.gpkg one.gpkg gates && parkgis --data three.gpkg area; rc=$?; rm -rf $d; exit $rc
! three.gpkg: 2 layers and none named, and none of them is a polygon layer with fields id and name (layers: 'outline' (Polygon), 'gates' (Point; id, name)); choose one as 'three.gpkg|layername=NAME'
? 3

# validate PATH takes the same form; a named layer gets the usual checks
$ d=$(mktemp -d) && bash layer/multilayer.sh $d 2>/dev/null && cd $d && parkgis validate 'one.gpkg|layername=gates'; rc=$?; rm -rf $d; exit $rc
! one.gpkg: feature 1 (id 'gate-1') is a Point (expected a Polygon or MultiPolygon)
? 3

# other QGIS source options are not understood: a usage error, not a silent first layer
$ parkgis --data 'square-1km.geojson|layerid=0' area
! 'square-1km.geojson|layerid=0': cannot read the part after '|' (expected PATH|layername=NAME, as QGIS writes a layer of a multi-layer file)
? 2

# numeric id, name, layout and provenance (issue 12, item 1): OGR hands back a
# per-feature scratch buffer for a non-string field, so each value is copied at
# once; before, GeoJSON {"id":42,"name":7} printed id 7
$ parkgis --data layer/numeric-fields.geojson parcels --format csv
| id,name,official_km2,layout
| 42,7,0.50,3
| 43,8,0.50,4

# an Integer-id shapefile as QGIS and ogr2ogr write it (made here with ogr2ogr;
# official_km2 is laundered to the 10-char 'official_k' and read back under that name, issue 13)
$ d=$(mktemp -d) && ogr2ogr -f "ESRI Shapefile" $d/p.shp layer/numeric-fields.geojson 2>/dev/null && parkgis --data $d/p.shp area --format csv; rc=$?; rm -rf $d; exit $rc
| id,name,official_km2,geodesic_km2,planar_km2(EPSG:4549),deviation_pct
| 42,7,0.50,0.527,0.527,5.4
| 43,8,0.50,0.527,0.527,5.4
| TOTAL,表内合计 (table sum),1.00,1.054,1.055,
| TOTAL,规划总面积 (stated),30.63,1.054,1.055,-96.6

# Layers that are not ours (issue 13): a bureau's file with 编号/名称/面积 is refused
# with its fields listed and how to map them ...
$ parkgis --data layer/bureau.geojson parcels
! layer 'bureau' lacks required field 'id' (expected fields: id (ASCII slug), name (Chinese name); optional official_km2, layout, provenance, four_to, error_m; its fields: 编号, 名称, 面积; map another with --field id=FIELD)
? 3

# ... and read with --field (any command; numeric ids; 面积 in hectares converted to km²)
$ parkgis --data layer/bureau.geojson --field id=编号 --field name=名称 --field official_km2=面积:ha parcels --format csv
| id,name,official_km2,layout
| 7,一平方公里,1.00,

# ... or with a saved mapping file
$ parkgis area --fields layer/bureau.fields --data layer/bureau.geojson --format csv
| id,name,official_km2,geodesic_km2,planar_km2(EPSG:4549),deviation_pct
| 7,一平方公里,1.00,1.000,1.000,-0.0
| TOTAL,表内合计 (table sum),1.00,1.000,1.000,
| TOTAL,规划总面积 (stated),30.63,1.000,1.000,-96.7

# a mapping naming a field the layer lacks, an unknown parkgis field, a bad line in a mapping file
$ parkgis --data layer/bureau.geojson --field id=编码 parcels
! layer/bureau.geojson: layer 'bureau' has no field '编码' (mapped to id by --field; its fields: 编号, 名称, 面积)
? 3

$ parkgis --field area=面积 parcels
! unknown parkgis field 'area' (expected id, name, official_km2, layout, provenance, four_to or error_m)
? 2

$ d=$(mktemp -d) && printf 'id=编号\nofficial_km2=面积:acre\n' > $d/m && parkgis --fields $d/m parcels; rc=$?; rm -rf $d; exit $rc
! m:2: --field official_km2=面积:acre: unknown unit
? 3

# QGIS saves official_km2 to a Shapefile as official_k (10 characters): read back, not blank
$ d=$(mktemp -d) && ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 $d/moved.shp layer/square-4549.geojson 2>/dev/null && ogrinfo -so $d/moved.shp moved | grep -o 'official_k:' && parkgis --data $d/moved.shp parcels --format csv; rc=$?; rm -rf $d; exit $rc
| official_k:
| id,name,official_km2,layout
| sq,一平方公里,1.00,core

# Shapefile records must agree (issue 12, item 2): a .dbf cut short (GDAL
# warned and read 5 of 10 parcels, exit 0) is refused naming the file
$ d=$(mktemp -d) && ogr2ogr -f "ESRI Shapefile" $d/p.shp export/parcels10.geojson 2>/dev/null && truncate -s 2000 $d/p.dbf && parkgis --data $d/p.shp area; rc=$?; rm -rf $d; exit $rc
! p.dbf: 2000 bytes, but its header declares 10 records of 439 bytes after a 161-byte header (4551 bytes): the file is cut short
| 
? 3

# a .dbf whose header says 5 records beside 10 shapes: attributes would sit on the wrong shapes
$ d=$(mktemp -d) && ogr2ogr -f "ESRI Shapefile" $d/p.shp export/parcels10.geojson 2>/dev/null && printf '\005\000\000\000' | dd of=$d/p.dbf bs=1 seek=4 conv=notrunc 2>/dev/null && parkgis --data $d/p.shp validate; rc=$?; rm -rf $d; exit $rc
! p.dbf: 5 records but
! p.shp has 10 shapes (the attributes would sit on the wrong parcels
| 
? 3

# a .dbf of 8 records beside 10 shapes (the .dbf of another layer)
$ d=$(mktemp -d) && ogr2ogr -f "ESRI Shapefile" $d/p.shp export/parcels10.geojson 2>/dev/null && ogr2ogr -f "ESRI Shapefile" -limit 8 $d/q.shp export/parcels10.geojson 2>/dev/null && cp $d/q.dbf $d/p.dbf && parkgis --data $d/p.shp area; rc=$?; rm -rf $d; exit $rc
! p.dbf: 8 records but
| 
? 3

# a 0-byte .dbf (was: "lacks field 'id'")
$ d=$(mktemp -d) && ogr2ogr -f "ESRI Shapefile" $d/p.shp export/parcels10.geojson 2>/dev/null && : > $d/p.dbf && parkgis --data $d/p.shp area; rc=$?; rm -rf $d; exit $rc
! p.dbf: 0 bytes, not a dBASE table
| 
? 3

# a .shp cut short
$ d=$(mktemp -d) && ogr2ogr -f "ESRI Shapefile" $d/p.shp export/parcels10.geojson 2>/dev/null && truncate -s 1000 $d/p.shp && parkgis --data $d/p.shp area; rc=$?; rm -rf $d; exit $rc
! p.shp: shape 7 ends at byte 1052 but the file has 1000 (truncated .shp)
| 
? 3

# no .shx
$ d=$(mktemp -d) && ogr2ogr -f "ESRI Shapefile" $d/p.shp export/parcels10.geojson 2>/dev/null && rm $d/p.shx && parkgis --data $d/p.shp area; rc=$?; rm -rf $d; exit $rc
? 3

# a multi-layer GeoPackage with a bureau's layer: the mapping also picks the layer
$ d=$(mktemp -d) && ogr2ogr -f GPKG $d/b.gpkg layer/bureau.geojson -nln bureau 2>/dev/null && ogr2ogr -f GPKG -update $d/b.gpkg layer/square-4549.geojson -nln other -sql "SELECT name AS label FROM square4549" 2>/dev/null && parkgis --data $d/b.gpkg --field id=编号 --field name=名称 parcels --format csv; rc=$?; rm -rf $d; exit $rc
| id,name,official_km2,layout
| 7,一平方公里,,
