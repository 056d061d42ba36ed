# area of a 1 km x 1 km square drawn in EPSG:4549: planar exactly 1 km², geodesic 0.9996 (GK scale)
$ parkgis --data square-1km.geojson area --format json
| {"parcels":[{"id":"sq","name":"一平方公里","official_km2":1,"geodesic_km2":0.99956,"planar_km2":1,"planar_crs":"EPSG:4549","deviation_pct":-0.04}],"total":{"stated_km2":30.63,"table_sum_km2":1,"geodesic_km2":0.99956,"planar_km2":1,"deviation_pct":-96.74}}

# the planar CRS is named in the output and can be changed
$ parkgis --data square-1km.geojson area --crs EPSG:32651 --format csv
~ planar_km2(EPSG:32651)
~ sq,一平方公里,1.00,1.000,

# a geographic CRS cannot give a planar area
$ parkgis --data square-1km.geojson area --crs EPSG:4326
! EPSG:4326 is a geographic CRS
? 2

# unknown CRS
$ parkgis --data square-1km.geojson area --crs EPSG:999999
! EPSG:999999
? 2

# a file that does not exist names the file
$ parkgis --data no-such-file.geojson area
! no-such-file.geojson: cannot open as a vector layer
? 3

# unknown format
$ parkgis --format xml parcels
! unknown --format 'xml'
? 2

# a bare name is not taken as a CRS (PROJ would match 'FOO' to Amersfoort)
$ parkgis --data square-1km.geojson area --crs FOO
! unknown CRS 'FOO' (expected AUTH:CODE such as EPSG:4549
| 
? 2

# Coordinates planners have (issue 13). A CRS that is not equal-area: the planar column
# is far from the geodesic one, and a warning says so (measured, not assumed from the name)
$ parkgis --data square-1km.geojson area --crs EPSG:3857 --format csv
! warning: EPSG:3857 is not equal-area here: its planar areas are 1.3
~ geodesic_km2

# a true-to-scale CRS: no warning
$ parkgis --data square-1km.geojson area --crs EPSG:4549 --format csv 2>&1 >/dev/null | grep -c 'not equal-area'; true
| 0

# an easting with its zone prefix (40634476) under EPSG:4549: the zone-prefixed CRS is named
$ parkgis locate --crs EPSG:4549 40634476 3476171
! easting 40634476 carries its zone number (40) in front, which EPSG:4549 does not (its eastings are about 500000): give --crs EPSG:4528
? 2

# a layer whose .prj says EPSG:4549 but whose eastings carry the prefix
$ d=$(mktemp -d); sed -E 's/\[([0-9]{6}\.[0-9]+), /[40\1, /g' layer/square-4549.geojson > $d/z.geojson; parkgis --data $d/z.geojson area; rc=$?; rm -rf $d; exit $rc
! eastings such as 40633151 carry the zone number (40) in front, which EPSG:4549 (the .prj) does not: the layer is in EPSG:4528
? 3
