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
