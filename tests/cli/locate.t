# Fixture adjacency.geojson (see adjacency.t): 1 km squares drawn in EPSG:4549,
# origin 633000 3476000 near 121.4E 31.4N. Independent check (cs2cs + geod on
# GRS80): map point 633100 3476500 is 99.978 m from a's west edge x = 633000.
# probability / candidates (issue 10, src/query/certainty.c): Phi(d / sqrt(s^2 + e^2))
# on each side of the nearest edge, d the distance to it, s the point's error, e the
# parcel's error_m. adjacency.geojson states no error_m: e = 30 m (unverified). Hand
# values: Phi(100/30) = 0.99957 -> 1.00; Phi(-198.66/30) ~ 0 -> outside 1.00.

# a projected point inside parcel a, 100 m (map) from its west edge
$ parkgis --data adjacency.geojson locate --crs EPSG:4549 633100 3476500
|         lon         lat  inside  parcel  name  distance_m  nearest  nearest_name  nearest_m  layout           probability  candidates
| 121.3995110  31.4029709  yes     a       甲园       100.0  a        甲园                0.0  core;north-belt         1.00  a:1.00

# JSON: exactly the documented keys plus the layout elements
$ parkgis --data adjacency.geojson locate --crs EPSG:4549 633100 3476500 --format json
| {"wgs84":[121.399511,31.4029709],"inside":true,"parcel":{"id":"a","name":"甲园"},"distance_m":99.98,"nearest":{"id":"a","name":"甲园","distance_m":0},"layout":["core","north-belt"],"error_m":0,"probability":1,"candidates":[{"id":"a","name":"甲园","probability":1}]}

# outside every parcel: the nearest one (f, 1000 m map east of it) and the distance
$ parkgis --data adjacency.geojson locate 121.4405076 31.4025167 --format json
| {"wgs84":[121.4405076,31.4025167],"inside":false,"parcel":null,"distance_m":999.76,"nearest":{"id":"f","name":"庚园","distance_m":999.76},"layout":[],"error_m":0,"probability":1,"candidates":[{"id":null,"name":"outside every parcel","probability":1}]}

# the same point given in UTM 51N
$ parkgis --data adjacency.geojson locate --crs EPSG:32651 350000 3475000 --format csv
| lon,lat,inside,parcel,name,distance_m,nearest,nearest_name,nearest_m,layout,probability,candidates
| 121.4222297,31.3999137,no,,,198.66,h,己园,198.66,,1.00,outside:1.00

# GCJ-02 coordinates of the first point (121.3995110 31.4029709 WGS84, forward
# formula checked against published vectors in test_datum.c) come back to it; the
# conversion adds 17/1.1774 = 14.4 m (README: measured bound), so Phi(100/hypot(14.4, 30))
# = Phi(3.00) = 0.9987 -> 0.999
$ parkgis --data adjacency.geojson locate 121.4041773 31.4011999 --datum gcj02 --format json
| {"wgs84":[121.3995109,31.402971],"inside":true,"parcel":{"id":"a","name":"甲园"},"distance_m":99.98,"nearest":{"id":"a","name":"甲园","distance_m":0},"layout":["core","north-belt"],"error_m":14.4,"probability":0.999,"candidates":[{"id":"a","name":"甲园","probability":0.999}]}

# ... while read as WGS84 they are ~500 m off: a different distance
$ parkgis --data adjacency.geojson locate 121.4041773 31.4011999 --format json
| {"wgs84":[121.4041773,31.4011999],"inside":true,"parcel":{"id":"a","name":"甲园"},"distance_m":309.2,"nearest":{"id":"a","name":"甲园","distance_m":0},"layout":["core","north-belt"],"error_m":0,"probability":1,"candidates":[{"id":"a","name":"甲园","probability":1}]}

# BD-09 (the datum name is case-insensitive)
$ parkgis --data adjacency.geojson locate 121.4106883 31.4070861 --datum BD09 --format json
| {"wgs84":[121.399511,31.402971],"inside":true,"parcel":{"id":"a","name":"甲园"},"distance_m":99.98,"nearest":{"id":"a","name":"甲园","distance_m":0},"layout":["core","north-belt"],"error_m":14.4,"probability":0.999,"candidates":[{"id":"a","name":"甲园","probability":0.999}]}

# a point where two parcels overlap: the first in layer order, with a note; 50 m inside
# both b (east edge) and d (west edge): Phi(50/30) = 0.952 each, scaled to add to 1: 0.5, 0.5
$ parkgis --data adjacency.geojson locate --crs=EPSG:4549 634950 3476750 --format json
| {"wgs84":[121.4189921,31.4050112],"inside":true,"parcel":{"id":"b","name":"乙园"},"distance_m":49.99,"nearest":{"id":"b","name":"乙园","distance_m":0},"layout":["core"],"error_m":0,"probability":0.5,"candidates":[{"id":"b","name":"乙园","probability":0.5},{"id":"d","name":"丁园","probability":0.5}]}
! lies in 2 overlapping parcels; 'b' (first in layer order) is reported

# Fixture locate-error.geojson: one 4 km square sq (EPSG:4549, 633000..637000 x
# 3476000..3480000) with error_m 315. Deep inside (2000 m from every edge):
# Phi(2000/315) = Phi(6.35) -> 1.00
$ parkgis --data locate-error.geojson locate --crs EPSG:4549 635000 3478000 --format csv
| lon,lat,inside,parcel,name,distance_m,nearest,nearest_name,nearest_m,layout,probability,candidates
| 121.4196874,31.4162757,yes,sq,方园,1999.55,sq,方园,0.00,,1.00,sq:1.00

# 60 m inside the edge rated ±315 m: Phi(60/315) = Phi(0.190) = 0.5755, not 1.0; the rest outside
$ parkgis --data locate-error.geojson locate --crs EPSG:4549 633060 3478000 --format csv
| lon,lat,inside,parcel,name,distance_m,nearest,nearest_name,nearest_m,layout,probability,candidates
| 121.3992912,31.4165000,yes,sq,方园,59.98,sq,方园,0.00,,0.58,sq:0.58;outside:0.42
! note: probability 0.58 that the point is in sq: it is 60 m inside the edge of sq, whose position is uncertain by ±315 m

# 60 m outside it: outside 1 - Phi(-60/315) = 0.5755
$ parkgis --data locate-error.geojson locate --crs EPSG:4549 632940 3478000 --format json
| {"wgs84":[121.3980296,31.4165138],"inside":false,"parcel":null,"distance_m":59.99,"nearest":{"id":"sq","name":"方园","distance_m":59.99},"layout":[],"error_m":0,"probability":0.576,"candidates":[{"id":null,"name":"outside every parcel","probability":0.576},{"id":"sq","name":"方园","probability":0.424}]}

# a point known to ±100 m (--error-m): Phi(60/hypot(100, 315)) = Phi(0.1815) = 0.572
$ parkgis --data locate-error.geojson locate --crs EPSG:4549 633060 3478000 --error-m 100 --format json
~ "error_m":100,"probability":0.572,"candidates":[{"id":"sq","name":"方园","probability":0.572},{"id":null,"name":"outside every parcel","probability":0.428}]

# LON LAT with --error-m after them: still a point, not an address
$ parkgis --data locate-error.geojson locate 121.3992912 31.4165 --error-m 100 --format csv
~ ,sq,方园,

# the error of the edge the point is near (issue 10, src/query/edge_error.c), not one figure per
# parcel: 52.5 m inside 机器人产业园 where it follows 宝安公路 (OSM, ±22 m in its provenance
# pieces): Phi(52.54/22) = Phi(2.388) = 0.992; with the parcel's ±1032 m it was Phi(0.051) = 0.52
$ parkgis locate 121.41928 31.37201 --format json
| {"wgs84":[121.41928,31.37201],"inside":true,"parcel":{"id":"robot-park","name":"机器人产业园"},"distance_m":52.54,"nearest":{"id":"robot-park","name":"机器人产业园","distance_m":0},"layout":["sanyuan-robot"],"error_m":0,"probability":0.992,"candidates":[{"id":"robot-park","name":"机器人产业园","probability":0.992},{"id":null,"name":"outside every parcel","probability":0.008}]}

# and the other way: 135 m outside 文化产业示范基地 by a piece rated ±200 m, the parcel's own ±115 m:
# outside Phi(134.94/200) = Phi(0.675) = 0.750 (0.88 with ±115 m); the note names the piece's figure
$ parkgis locate 121.4057731 31.304311 --format json
| {"wgs84":[121.4057731,31.304311],"inside":false,"parcel":null,"distance_m":134.94,"nearest":{"id":"culture-industry","name":"文化产业示范基地","distance_m":134.94},"layout":[],"error_m":0,"probability":0.75,"candidates":[{"id":null,"name":"outside every parcel","probability":0.75},{"id":"culture-industry","name":"文化产业示范基地","probability":0.25}]}
! it is 135 m from the edge of culture-industry, whose position is uncertain by ±200 m

# 10 m inside b from the edge it shares with a (both e = 30 m, unverified): b Phi(10/30) = 0.631,
# a Phi(-10/30) = 0.369, adding to 1: nothing left for outside
$ parkgis --data adjacency.geojson locate --crs EPSG:4549 634010 3476500 --format csv
| lon,lat,inside,parcel,name,distance_m,nearest,nearest_name,nearest_m,layout,probability,candidates
| 121.4090769,31.4028661,yes,b,乙园,10.00,b,乙园,0.00,core,0.63,b:0.63;a:0.37
! (the parcel states no error_m: assumed, unverified)

$ parkgis --data locate-error.geojson locate --crs EPSG:4549 633060 3478000 --error-m -1
! --error-m '-1' is negative (expected metres >= 0)
? 2

$ parkgis --data locate-error.geojson locate 121.4 31.4 --error-m abc
! --error-m 'abc' is not a number
? 2

$ parkgis --data locate-error.geojson locate 121.4 31.4 --error-m
! --error-m needs a value
? 2

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
