# Fixture adjacency.geojson (see adjacency.t): 1 km squares drawn in EPSG:4549,
# origin 633000 3476000 near 121.4E 31.4N. Independent check (cs2cs + geod on
# GRS80): map point 633100 3476500 is 99.978 m from a's west edge x = 633000.

# a projected point inside parcel a, 100 m (map) from its west edge
$ parkgis --data adjacency.geojson locate --crs EPSG:4549 633100 3476500
|         lon         lat  inside  parcel  name  distance_m  nearest  nearest_name  nearest_m  layout
| 121.3995110  31.4029709  yes     a       甲园       100.0  a        甲园                0.0  core;north-belt

# JSON: exactly the documented keys plus the layout elements
$ parkgis --data adjacency.geojson locate --crs EPSG:4549 633100 3476500 --format json
| {"wgs84":[121.399511,31.4029709],"inside":true,"parcel":{"id":"a","name":"甲园"},"distance_m":99.98,"nearest":{"id":"a","name":"甲园","distance_m":0},"layout":["core","north-belt"]}

# outside every parcel: the nearest one (f, 1000 m map east of it) and the distance
$ parkgis --data adjacency.geojson locate 121.4405076 31.4025167 --format json
| {"wgs84":[121.4405076,31.4025167],"inside":false,"parcel":null,"distance_m":999.76,"nearest":{"id":"f","name":"庚园","distance_m":999.76},"layout":[]}

# the same point given in UTM 51N
$ parkgis --data adjacency.geojson locate --crs EPSG:32651 350000 3475000 --format csv
| lon,lat,inside,parcel,name,distance_m,nearest,nearest_name,nearest_m,layout
| 121.4222297,31.3999137,no,,,198.66,h,己园,198.66,

# GCJ-02 coordinates of the first point (121.3995110 31.4029709 WGS84, forward
# formula checked against published vectors in test_datum.c) come back to it
$ parkgis --data adjacency.geojson locate 121.4041773 31.4011999 --datum gcj02 --format json
| {"wgs84":[121.3995109,31.402971],"inside":true,"parcel":{"id":"a","name":"甲园"},"distance_m":99.98,"nearest":{"id":"a","name":"甲园","distance_m":0},"layout":["core","north-belt"]}

# ... while read as WGS84 they are ~500 m off: a different distance
$ parkgis --data adjacency.geojson locate 121.4041773 31.4011999 --format json
| {"wgs84":[121.4041773,31.4011999],"inside":true,"parcel":{"id":"a","name":"甲园"},"distance_m":309.2,"nearest":{"id":"a","name":"甲园","distance_m":0},"layout":["core","north-belt"]}

# BD-09 (the datum name is case-insensitive)
$ parkgis --data adjacency.geojson locate 121.4106883 31.4070861 --datum BD09 --format json
| {"wgs84":[121.399511,31.402971],"inside":true,"parcel":{"id":"a","name":"甲园"},"distance_m":99.98,"nearest":{"id":"a","name":"甲园","distance_m":0},"layout":["core","north-belt"]}

# a point where two parcels overlap: the first in layer order, with a note
$ parkgis --data adjacency.geojson locate --crs=EPSG:4549 634950 3476750 --format json
| {"wgs84":[121.4189921,31.4050112],"inside":true,"parcel":{"id":"b","name":"乙园"},"distance_m":49.99,"nearest":{"id":"b","name":"乙园","distance_m":0},"layout":["core"]}
! lies in 2 overlapping parcels; 'b' (first in layer order) is reported

# negative coordinates are numbers, not options
$ parkgis --data adjacency.geojson locate -73.5 40.7 --format csv
~ -73.5000000,40.7000000,no,,,

# bad input: one clear message, exit 2, nothing on stdout
$ parkgis --data adjacency.geojson locate abc 31.4
! longitude 'abc' is not a number (expected decimal degrees, e.g. 121.4 31.4)
| 
? 2

$ parkgis --data adjacency.geojson locate 121.4 nan
! latitude 'nan' is not a finite number
? 2

$ parkgis --data adjacency.geojson locate 121.4 inf
! latitude 'inf' is not a finite number
? 2

# only plain decimal: strtod would read 0x79 as 121 and answer it
$ parkgis --data adjacency.geojson locate 0x79 31.4
! parkgis locate: longitude '0x79' is hexadecimal (expected decimal degrees, e.g. 121.4 31.4)
| 
? 2

$ parkgis --data adjacency.geojson locate 121.4 31.4abc
! latitude '31.4abc' is not a number (expected decimal degrees, e.g. 121.4 31.4)
? 2

$ parkgis --data adjacency.geojson locate 121.4 ''
! latitude '' is empty (expected decimal degrees, e.g. 121.4 31.4)
? 2

$ parkgis --data adjacency.geojson locate 121.4 1e999
! latitude '1e999' is not a finite number
? 2

$ parkgis --data adjacency.geojson locate 121.4 31,4
! latitude '31,4' is not a number
? 2

$ parkgis --data adjacency.geojson locate --crs EPSG:4549 0x9A8C4 3476500
! X '0x9A8C4' is hexadecimal (expected a decimal number in the CRS's units, e.g. 633000)
? 2

# an exponent is plain decimal too
$ parkgis --data adjacency.geojson locate --crs EPSG:4549 6.331e5 +3476500 --format csv
~ 121.3995110,31.4029709,yes,a,

# projected X and Y swapped: still answered (exit 0), with a warning naming the order expected
$ parkgis --data adjacency.geojson locate --crs EPSG:4549 3476500 633100 --format csv
! parkgis locate: warning: X Y 3476500 633100 (EPSG:4549) is 3869 km from the nearest parcel (f); the order expected is X (easting) first, then Y (northing); swapped (633100 3476500) the point is in parcel 'a'
~ 145.9231269,5.1485226,no,,,

$ parkgis --data adjacency.geojson locate --crs EPSG:32651 3475000 350000 --format csv
! swapped (350000 3475000) it is 0.2 km from parcel 'h'

# in the right order: no warning
$ parkgis --data adjacency.geojson locate --crs EPSG:32651 350000 3475000 --format csv 2>&1 >/dev/null | wc -c
| 0

$ parkgis --data adjacency.geojson locate 121.4 95
! latitude 95 out of range (expected -90..90 degrees; order is LON LAT)
? 2

$ parkgis --data adjacency.geojson locate 31.4 121.4
! latitude 121.4 out of range (expected -90..90 degrees; order is LON LAT)
? 2

$ parkgis --data adjacency.geojson locate 181 31
! longitude 181 out of range
? 2

$ parkgis --data adjacency.geojson locate 121.4 31.4 --datum mars
! unknown datum 'mars' (expected wgs84, cgcs2000, gcj02 or bd09)
? 2

$ parkgis --data adjacency.geojson locate --crs EPSG:999999 633100 3476500
! EPSG:999999
? 2

# a northing ten times the pole's: PROJ's inverse alone would wrap it onto the equator
$ parkgis --data adjacency.geojson locate --crs EPSG:4549 633100 99999999
! coordinate (633100, 99999999) lies outside the domain of EPSG:4549 (expected X Y within its zone
| 
? 2

$ parkgis --data adjacency.geojson locate --crs FOO 633100 3476500
! unknown CRS 'FOO'
| 
? 2

$ parkgis --data adjacency.geojson locate --crs EPSG:4549 633100
! expected two coordinates, X then Y, got 1 argument
? 2

$ parkgis --data adjacency.geojson locate 121.4 31.4 5
! expected two coordinates, LON then LAT, got 3 arguments
? 2

$ parkgis --data adjacency.geojson locate --crs EPSG:4549 633100 3476500 --datum gcj02
! --datum and --crs exclude each other
? 2

$ parkgis --data adjacency.geojson locate 121.4 31.4 --nearest
! unknown option '--nearest'
? 2

# input is checked before the layer is read
$ parkgis --data no-such.geojson locate 121.4 95
! latitude 95 out of range
? 2

$ parkgis --data no-such.geojson locate 121.4 31.4
! no-such.geojson: cannot open as a vector layer
? 3

$ parkgis locate --help
~ --datum  datum of LON LAT (default wgs84)
