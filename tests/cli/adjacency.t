# Fixture adjacency.geojson: 1 km squares drawn in EPSG:4549 near 121.4E 31.4N
# (origin 633000 3476000): b shares a's east edge, c touches a's NW corner, d
# overlaps b by 100 m x 500 m, e lies 10 m south of a (parallel edges), h is
# 10 m + 10 m off b's SE corner, f is far away. True lengths are the map lengths
# over the GK scale (k ~ 1.00022). Independent checks (cs2cs + geod on GRS80):
# a|b edge 999.779 m, a-e gap 9.998 m, b-h gap 14.139 m; b∩d geodesic area
# 49977.63 m² (SpatiaLite ST_Area(geom, 1)).

# every pair, default tolerance 25 m
$ parkgis --data adjacency.geojson adjacency
| a  b  relation          shared_m    gap_m  overlap_m2  de9im
| a  b  shares-edge          999.8     0.00         0.0  FF2F11212
| a  c  touches-at-point       0.0     0.00         0.0  FF2F01212
| a  d  disjoint               0.0   899.80         0.0  FF2FF1212
| a  e  shares-edge          999.8    10.00         0.0  FF2FF1212
| a  h  disjoint               0.0  1009.82         0.0  FF2FF1212
| a  f  disjoint               0.0  3999.09         0.0  FF2FF1212
| b  c  disjoint               0.0   999.78         0.0  FF2FF1212
| b  d  overlaps               0.0     0.00     49977.6  212101212
| b  e  near                   4.0    10.00         0.0  FF2FF1212
| b  h  near                   0.0    14.14         0.0  FF2FF1212
| b  f  disjoint               0.0  2999.31         0.0  FF2FF1212
| c  d  disjoint               0.0  1899.58         0.0  FF2FF1212
| c  e  disjoint               0.0  1009.78         0.0  FF2FF1212
| c  h  disjoint               0.0  2248.99         0.0  FF2FF1212
| c  f  disjoint               0.0  4998.87         0.0  FF2FF1212
| d  e  disjoint               0.0  1034.23         0.0  FF2FF1212
| d  h  disjoint               0.0   509.88         0.0  FF2FF1212
| d  f  disjoint               0.0  2099.51         0.0  FF2FF1212
| e  h  disjoint               0.0  1009.77         0.0  FF2FF1212
| e  f  disjoint               0.0  3999.10         0.0  FF2FF1212
| h  f  disjoint               0.0  1989.56         0.0  FF2FF1212
| 21 pairs of 7 parcels; tolerance 25 m

# JSON has exactly the documented keys (one pair per line here for reading)
$ parkgis --data adjacency.geojson adjacency --format json | sed 's/},{/},\n{/g' | head -n 4
| {"pairs":[{"a":"a","b":"b","relation":"shares-edge","shared_m":999.8,"gap_m":0,"overlap_m2":0,"de9im":"FF2F11212"},
| {"a":"a","b":"c","relation":"touches-at-point","shared_m":0,"gap_m":0,"overlap_m2":0,"de9im":"FF2F01212"},
| {"a":"a","b":"d","relation":"disjoint","shared_m":0,"gap_m":899.8,"overlap_m2":0,"de9im":"FF2FF1212"},
| {"a":"a","b":"e","relation":"shares-edge","shared_m":999.8,"gap_m":10,"overlap_m2":0,"de9im":"FF2FF1212"},

# n parcels give n(n-1)/2 pairs
$ parkgis --data adjacency.geojson adjacency --format json | grep -o '"relation"' | wc -l
| 21

# tolerance 5 m: the 10 m neighbours are neither sharing an edge nor near
$ parkgis --data adjacency.geojson adjacency --tolerance 5 --format csv | tail -n +2 | grep -E '^(a,b|a,e|b,h),'
| a,b,shares-edge,999.8,0.00,0.0,FF2F11212
| a,e,disjoint,0.0,10.00,0.0,FF2FF1212
| b,h,disjoint,0.0,14.14,0.0,FF2FF1212

# tolerance 0: exact topology; the overlap stays an overlap
$ parkgis --data adjacency.geojson adjacency --tolerance 0 --format csv | tail -n +2 | grep -E '^(a,b|a,c|b,d),'
| a,b,shares-edge,999.8,0.00,0.0,FF2F11212
| a,c,touches-at-point,0.0,0.00,0.0,FF2F01212
| b,d,overlaps,0.0,0.00,49977.6,212101212

# the tolerance must be a non-negative number
$ parkgis --data adjacency.geojson adjacency --tolerance -1
! --tolerance '-1' is not a non-negative number of metres
? 2

$ parkgis --data adjacency.geojson adjacency --tolerance 25m
! --tolerance '25m' is not a non-negative number of metres
? 2

$ parkgis --data adjacency.geojson adjacency --tolerance nan
! --tolerance 'nan'
? 2

# option values are plain decimal too (park_parse_number): strtod would take 0x10 as 16
$ parkgis --data adjacency.geojson adjacency --tolerance 0x10
! --tolerance '0x10' is not a non-negative number of metres
? 2

# an invalid parcel (bow-tie) does not stop adjacency: its repair is used
$ parkgis --data validate-bad.geojson adjacency --format csv | grep -c ,
| 11

# unreadable layer
$ parkgis --data no-such.geojson adjacency
! no-such.geojson: cannot open as a vector layer
? 3

# help names the relations
$ parkgis adjacency --help
~ touches-at-point
~ --tolerance  default 25 m
