# recompute: help names the options
$ parkgis recompute --help
~ usage: parkgis recompute --from EDITED [--baseline PATH]
~ --diff-layer F

# --from is required
$ parkgis recompute
! --from EDITED is required
? 2

# bad --snap
$ parkgis recompute --from square-1km.geojson --snap -1
! --snap expects metres between 0 and 10, got '-1'
? 2

# a file that does not exist names the file
$ parkgis --data square-1km.geojson recompute --from no-such-layer.shp
! no-such-layer.shp: cannot open as a vector layer
? 3

# a layer compared with itself: nothing changed (baseline from --data); the stated 30.63 km² is the reference row
$ parkgis --data square-1km.geojson recompute --from square-1km.geojson --no-layouts --format csv
| scope,layout,id,name,status,plan_km2,before_km2,before_unc_km2,after_km2,after_unc_km2,change_km2,change_unc_km2,change_pct,gained_km2,lost_km2,redrawn_m
| parcel,,sq,一平方公里,unchanged,1.00,0.999560,,0.999560,,0.000000,,0.00,0.000000,0.000000,0
| total,,TOTAL,全园 (sum; gained/lost of the union; plan = the plan's stated total),unchanged,30.63,0.999560,,0.999560,,0.000000,,0.00,0.000000,0.000000,0

# synthetic baseline (tests/data/recompute/fixtures.sh), baoshan-industrial's NE corner moved 40 m east: +40 x 11140 / 2 m² in the GK plane
$ d=$(mktemp -d) && bash recompute/fixtures.sh $d 2>/dev/null && cd $d && parkgis recompute --baseline base.geojson --from moved.geojson --no-layouts --format csv; rc=$?; rm -rf $d; exit $rc
| scope,layout,id,name,status,plan_km2,before_km2,before_unc_km2,after_km2,after_unc_km2,change_km2,change_unc_km2,change_pct,gained_km2,lost_km2,redrawn_m
| parcel,,baoshan-industrial,宝山工业园区,changed,11.14,11.135109,,11.357810,,0.222701,,2.00,0.222701,0.000000,10898
| parcel,,luodian-industrial,罗店工业园区,unchanged,2.04,2.039084,,2.039084,,0.000000,,0.00,0.000000,0.000000,0
| parcel,,robot-park,机器人产业园,unchanged,2.45,2.448875,,2.448875,,0.000000,,0.00,0.000000,0.000000,0
| parcel,,urban-industrial,城市工业园区,unchanged,4.12,4.118066,,4.118066,,0.000000,,0.00,0.000000,0.000000,0
| parcel,,fudan-hitech,复旦高新技术产业基地,unchanged,5.60,5.597314,,5.597314,,0.000000,,0.00,0.000000,0.000000,0
| parcel,,culture-industry,文化产业示范基地,unchanged,2.37,2.368839,,2.368839,,0.000000,,0.00,0.000000,0.000000,0
| parcel,,ecommerce-north,电子商务示范基地(北块),unchanged,0.72,0.719640,,0.719640,,0.000000,,0.00,0.000000,0.000000,0
| parcel,,ecommerce-south,电子商务示范基地(南块),unchanged,0.38,0.379810,,0.379810,,0.000000,,0.00,0.000000,0.000000,0
| parcel,,nanda,南大地区,unchanged,0.64,0.639673,,0.639673,,0.000000,,0.00,0.000000,0.000000,0
| parcel,,biomed-south,北上海生物医药产业园(南区),unchanged,1.16,1.159395,,1.159395,,0.000000,,0.00,0.000000,0.000000,0
| total,,TOTAL,全园 (sum; gained/lost of the union; plan = the plan's stated total),changed,30.63,30.605803,,30.828504,,0.222701,,0.73,0.222701,0.000000,10898

# synthetic baseline, a new 300 m x 300 m parcel: a warning, an added row, the whole park gains it
$ d=$(mktemp -d) && bash recompute/fixtures.sh $d 2>/dev/null && cd $d && parkgis recompute --baseline base.geojson --from added.geojson --no-layouts | sed -E 's/file saved [0-9-]+ [0-9:]+ UTC/file saved TIME/'; rc=${PIPESTATUS[0]}; rm -rf $d; exit $rc
| recompute: added.geojson against baseline base.geojson
| validation: 0 errors, 1 warning
| level    kind   feature   where                 message
| warning  added  new-plot  121.547148,31.398118  parcel 'new-plot' (新增地块) is not in the baseline: added, 0.0900 km²
|
| parcels (km²; before/after: geodesic on the CGCS2000 ellipsoid; plan: the plan's figure):
| id                  name                             status      plan   before        ±    after           ±  change           ±  change_%  gained    lost  redrawn_m
| baoshan-industrial  宝山工业园区                     unchanged  11.14  11.1351  unknown  11.1351     unknown  0.0000     unknown      0.00  0.0000  0.0000          0
| luodian-industrial  罗店工业园区                     unchanged   2.04   2.0391  unknown   2.0391     unknown  0.0000     unknown      0.00  0.0000  0.0000          0
| robot-park          机器人产业园                     unchanged   2.45   2.4489  unknown   2.4489     unknown  0.0000     unknown      0.00  0.0000  0.0000          0
| urban-industrial    城市工业园区                     unchanged   4.12   4.1181  unknown   4.1181     unknown  0.0000     unknown      0.00  0.0000  0.0000          0
| fudan-hitech        复旦高新技术产业基地             unchanged   5.60   5.5973  unknown   5.5973     unknown  0.0000     unknown      0.00  0.0000  0.0000          0
| culture-industry    文化产业示范基地                 unchanged   2.37   2.3688  unknown   2.3688     unknown  0.0000     unknown      0.00  0.0000  0.0000          0
| ecommerce-north     电子商务示范基地(北块)           unchanged   0.72   0.7196  unknown   0.7196     unknown  0.0000     unknown      0.00  0.0000  0.0000          0
| ecommerce-south     电子商务示范基地(南块)           unchanged   0.38   0.3798  unknown   0.3798     unknown  0.0000     unknown      0.00  0.0000  0.0000          0
| nanda               南大地区                         unchanged   0.64   0.6397  unknown   0.6397     unknown  0.0000     unknown      0.00  0.0000  0.0000          0
| biomed-south        北上海生物医药产业园(南区)       unchanged   1.16   1.1594  unknown   1.1594     unknown  0.0000     unknown      0.00  0.0000  0.0000          0
| new-plot            新增地块                         added       0.09   0.0000   ±0.000   0.0900  unverified  0.0900  unverified            0.0900  0.0000       1200
| TOTAL               全园 (sum; plan = stated total)  changed    30.63  30.6058  unknown  30.6958   unknown *  0.0900   unknown *      0.29  0.0900  0.0000       1200
| the plan states 30.63 km² for the whole park; after the edit the parcels sum to 30.6958 km², 0.0658 km² (0.21 %) from it
| ±: Σ boundary length × the error_m its provenance states (a linear bound: one edge's error is one mapped
|    feature's offset along all of it); 'unknown' where the baseline states no error_m.
| *: plus the redrawn edges (redrawn_m): the editor's line, whose error nothing here measures (unverified).
|
| provenance of the edited parcels:
|   new-plot: edited: geometry from added.geojson (file saved TIME; who edited it is not recorded); a new parcel: its whole boundary (1200 m) is the editor's, error unverified

# synthetic baseline, a bow-tie: the GEOS reason and location, nothing recomputed, exit 1
$ d=$(mktemp -d) && bash recompute/fixtures.sh $d 2>/dev/null && cd $d && parkgis recompute --baseline base.geojson --from bowtie.geojson; rc=$?; rm -rf $d; exit $rc
| recompute: bowtie.geojson against baseline base.geojson
| validation: 1 error, 0 warnings
| level  kind     feature             where                 message
| error  invalid  baoshan-industrial  121.404398,31.448610  feature 0 (id 'baoshan-industrial') is not a valid polygon: Self-intersection at (121.4043976, 31.4486105)
! bowtie.geojson: 1 validation error: nothing recomputed
? 1

# synthetic baseline saved as GBK without .cpg (LDID 0): read as CP936 with a warning, names match the baseline
$ d=$(mktemp -d) && bash recompute/fixtures.sh $d 2>/dev/null && cd $d && parkgis recompute --baseline base.geojson --from gbk/edited.shp --no-layouts --format csv | grep -c ",unchanged,"; rm -rf $d
| 11
! no .cpg and no code page in the DBF header (LDID 0); its text is not UTF-8 but valid GBK, so it was read as CP936

# an encoding iconv does not know is a usage error, not a silent raw read
$ parkgis --data square-1km.geojson recompute --from square-1km.geojson --encoding NO-SUCH-CP
! unknown encoding 'NO-SUCH-CP'
? 2

# --encoding on a file that has no DBF code page: said, not silently dropped
$ parkgis --data square-1km.geojson recompute --from square-1km.geojson --encoding CP936 --no-layouts --format csv | grep -c ",unchanged,"
| 2
! --encoding CP936 ignored: only a Shapefile's DBF has a code page

# the diff layer is a GeoPackage and never one of the inputs
$ parkgis --data square-1km.geojson recompute --from square-1km.geojson --diff-layer out.shp
! expected a path ending in .gpkg, got 'out.shp'
? 2

# --diff-layer onto the edited GeoPackage, even with --overwrite: refused (exit 4), the input unchanged
$ d=$(mktemp -d) && ogr2ogr -f GPKG $d/e.gpkg square-1km.geojson && s=$(sha256sum <$d/e.gpkg) && parkgis --data square-1km.geojson recompute --from $d/e.gpkg --diff-layer $d/e.gpkg --overwrite; rc=$?; [ "$(sha256sum <$d/e.gpkg)" = "$s" ] && echo unchanged; rm -rf $d; exit $rc
| unchanged
! e.gpkg: is the edited (--from) layer; the inputs are never replaced
? 4

# multi-layer GeoPackages (tests/data/layer/multilayer.sh): --from and --baseline take PATH|layername=NAME
$ d=$(mktemp -d) && bash layer/multilayer.sh $d 2>/dev/null && cd $d && parkgis recompute --baseline 'two.gpkg|layername=parcels_2020' --from 'two.gpkg|layername=parcels_2020' --no-layouts --format csv; rc=$?; rm -rf $d; exit $rc
| scope,layout,id,name,status,plan_km2,before_km2,before_unc_km2,after_km2,after_unc_km2,change_km2,change_unc_km2,change_pct,gained_km2,lost_km2,redrawn_m
| parcel,,sq,一平方公里,unchanged,1.00,0.999560,,0.999560,,0.000000,,0.00,0.000000,0.000000,0
| total,,TOTAL,全园 (sum; gained/lost of the union; plan = the plan's stated total),unchanged,30.63,0.999560,,0.999560,,0.000000,,0.00,0.000000,0.000000,0

# --layer names the layer of --from
$ d=$(mktemp -d) && bash layer/multilayer.sh $d 2>/dev/null && cd $d && parkgis recompute --baseline 'two.gpkg|layername=parcels_2020' --from two.gpkg --layer parcels_2020 --no-layouts --format csv; rc=$?; rm -rf $d; exit $rc
~ parcel,,sq,一平方公里,unchanged,1.00,0.999560,,0.999560

# an unnamed baseline with two parcel layers: exit 3, and the message says it is the baseline
$ d=$(mktemp -d) && bash layer/multilayer.sh $d 2>/dev/null && cd $d && parkgis recompute --baseline two.gpkg --from one.gpkg; rc=$?; rm -rf $d; exit $rc
! parkgis recompute: baseline two.gpkg: 2 layers and none named, and more than one is a polygon layer with fields id and name
! choose one as 'two.gpkg|layername=NAME'
? 3

# two different names for one layer
$ d=$(mktemp -d) && bash layer/multilayer.sh $d 2>/dev/null && cd $d && parkgis recompute --baseline one.gpkg --from 'two.gpkg|layername=parcels' --layer parcels_2020; rc=$?; rm -rf $d; exit $rc
! two.gpkg: layer named twice, 'parcels' in the path and 'parcels_2020' given separately (--layer); give one
? 2

# the diff layer may not replace the file an input layer is in
$ d=$(mktemp -d) && bash layer/multilayer.sh $d 2>/dev/null && cd $d && parkgis recompute --baseline one.gpkg --from 'two.gpkg|layername=parcels_2020' --diff-layer two.gpkg --overwrite; rc=$?; ls; rm -rf $d; exit $rc
! two.gpkg: is the edited (--from) layer; the inputs are never replaced
| one.gpkg
| two.gpkg
? 4

# the diff layer goes through the same atomic writer: a signal before the
# rename leaves neither the GeoPackage nor its temporary (issue 12, item 9)
$ d=$(mktemp -d); PARKGIS_TEST_SIGNAL_BEFORE_COMMIT=TERM parkgis --data square-1km.geojson recompute --from square-1km.geojson --diff-layer $d/d.gpkg >/dev/null 2>&1; rc=$?; ls -A $d; rm -rf $d; exit $rc
| 
? 143
