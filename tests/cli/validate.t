# Fixtures drawn in EPSG:4549 (origin 633000 3476000, near 121.4E 31.4N).
# validate-clean.geojson: three parcels sharing edges; the smaller north parcel
#   leaves a concave corner in the union that must not be taken for a gap.
# validate-bad.geojson: a bow-tie crossing itself at map (633500, 3476500); a
#   parcel without id; two parcels with the same id overlapping by a 100 m x
#   1000 m map strip (independent check: 99952.4 m², the planar area of the
#   intersection in a Lambert equal-area projection via ogr2ogr + SQLite);
#   a parcel 10 m south of the one without id.

# a clean layer: exit 0
$ parkgis validate validate-clean.geojson
| validate-clean.geojson: 3 parcels, 0 errors, 0 warnings - valid

$ parkgis --data validate-clean.geojson validate --format json
| {"path":"validate-clean.geojson","parcels":3,"valid":true,"errors":0,"warnings":0,"issues":[]}

# the shipped layer (geodata/parcels.geojson) is valid: no overlap, exit 0
$ parkgis validate ../../geodata/parcels.geojson
~ ../../geodata/parcels.geojson: 10 parcels, 0 errors,

# every problem, with GEOS's reason and location; exit 1
$ parkgis validate validate-bad.geojson --format csv
~ error,invalid,bowtie,,121.4037158,31.4029246,"feature 0 (id 'bowtie') is not a valid polygon: Self-intersection at (121.4037158, 31.4029246)"
~ error,no-id,#1,,,,feature 1 has no id (expected an ASCII slug such as 'baoshan-industrial')
~ error,duplicate-id,twin#3,,,,feature 3 repeats id 'twin' of feature 2 (ids must be unique)
~ error,overlap,"twin#2,twin#3",99952.2,
~ warning,gap,"#1,gapped",10.0,
~ gap between '#1' and 'gapped': up to 10.0 m wide, 9995 m²
? 1

# the same as a table with a summary line
$ parkgis validate validate-bad.geojson | tail -n 1
| validate-bad.geojson: 5 parcels, 4 errors, 1 warning

# the bow-tie's crossing, converted back to EPSG:4549, is at map (633500, 3476500)
$ parkgis validate validate-bad.geojson --format json | grep -o '"lon":121.4037158,"lat":31.4029246' | head -n 1
| "lon":121.4037158,"lat":31.4029246

# thresholds: a larger --overlap-min hides the overlap, --gap-max 0 turns gaps off;
# the id and validity errors remain, so the exit code is still 1
$ set -o pipefail; parkgis validate validate-bad.geojson --overlap-min 200000 --gap-max 0 --format csv | cut -d, -f1,2
| level,kind
| error,invalid
| error,no-id
| error,duplicate-id
? 1

# gaps wider than --gap-max are not reported
$ out=$(parkgis validate validate-bad.geojson --gap-max 9 --format csv); echo "exit $?, gaps: $(grep -c gap <<<"$out")"
| exit 1, gaps: 0

# the adjacency fixture: b and d overlap, a and e are 10 m apart
$ set -o pipefail; parkgis --data adjacency.geojson validate --format csv | cut -d, -f1-5
| level,kind,feature,measure,lon
| error,overlap,"b,d",49977.6
| warning,gap,"a,e",10.0
? 1

# bad options and inputs
$ parkgis validate validate-clean.geojson --gap-max abc
! --gap-max 'abc' is not a non-negative number of metres
? 2

$ parkgis validate validate-clean.geojson --overlap-min -1
! --overlap-min '-1' is not a non-negative number of m²
? 2

$ parkgis validate a.geojson b.geojson
! unexpected argument 'b.geojson'
? 2

$ parkgis validate no-such.geojson
! no-such.geojson: cannot open as a vector layer
? 3

$ parkgis validate --help
~ Exit code 1 when there is any error
