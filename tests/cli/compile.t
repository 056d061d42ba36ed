# compile the hand-made fixture (tests/data/compile) to standard output: GeoJSON, one feature per line
$ parkgis compile --gazetteer compile/gazetteer --fourto compile/fourto.tsv -o - 2>/dev/null | head -1
| {"type":"FeatureCollection","name":"parcels","features":[

# the table names every parcel with official and geodesic areas and the checks
$ parkgis compile --gazetteer compile/gazetteer --fourto compile/fourto.tsv -o - 2>&1 >/dev/null | grep -E '^(sq |sq-offset|checks)'
| sq           正方形                       1.00         1.001            0.1       50            25          25       14             5.5
| sq-offset    偏移                         1.20         1.201            0.1       45            27          27       17             6.2
| checks (measured, never forced):

# a gap between two features of a chain is bridged and reported
$ parkgis compile --gazetteer compile/gazetteer --fourto compile/fourto.tsv -o - >/dev/null
! warning: compile/fourto.tsv (sq-jog) block 1: '横路' (东) and '东河' (东) do not meet: 22 m gap bridged

# the bundled 四至: robot-park and biomed-south, whose bridged gaps cross, overlap by less than 1 %
# of the smaller parcel; the overlap goes to the side whose boundary there has the smaller
# length-weighted error_m (geodata/SOURCES.md, Compiling), and compile says so
$ parkgis compile -o - >/dev/null
! (robot-park): overlapped biomed-south by
! cut from robot-park, kept by biomed-south, whose boundary there

# both parcels' provenance (JSON) records it under `overlaps`, with the rule
$ parkgis compile -o - 2>/dev/null | python3 -c 'import json,sys; [print(f["properties"]["id"], o["neighbour"], o["action"], o["share_of_smaller"] <= 0.01, "smaller length-weighted error_m" in o["rule"]) for f in json.load(sys.stdin)["features"] for o in json.loads(f["properties"]["provenance"]).get("overlaps", [])]'
| robot-park biomed-south cut True True
| biomed-south robot-park kept True True

# features missing from the gazetteer: every one named with parcel, side and position
$ parkgis compile --gazetteer compile/gazetteer --fourto compile/fourto-unknown.tsv -o -
! (sq) 东至 #2: '无名路'
! 北至 #1: '不存在路'
? 3

# malformed 四至 text: file, line, parcel and character position
$ parkgis compile --gazetteer compile/gazetteer --fourto compile/fourto-bad.tsv -o -
! compile/fourto-bad.tsv:2 (sq) four_to: character 6 ('-'): expected a feature name after '-'
? 3

# --check passes on a fresh file and fails (exit 1) once the file is changed
$ f=/tmp/parkgis-compile-t.$$; parkgis compile --gazetteer compile/gazetteer --fourto compile/fourto.tsv -o $f >/dev/null && parkgis compile --gazetteer compile/gazetteer --fourto compile/fourto.tsv -o $f --check >/dev/null && echo same && sed -i 's/正方形/长方形/' $f && parkgis compile --gazetteer compile/gazetteer --fourto compile/fourto.tsv -o $f --check >/dev/null; rc=$?; rm -f $f; exit $rc
| same
! differs from a fresh compile (first difference on line 2)
? 1

# an existing output is not replaced without --overwrite
$ f=/tmp/parkgis-compile-t2.$$; echo x > $f; parkgis compile --gazetteer compile/gazetteer --fourto compile/fourto.tsv -o $f >/dev/null; rc=$?; cat $f; rm -f $f; exit $rc
| x
! already exists (use --overwrite to replace it)
? 4

# --strict fails when a check misses (the fixture's total is nowhere near 30.63 km²)
$ parkgis compile --gazetteer compile/gazetteer --fourto compile/fourto.tsv -o - --strict >/dev/null
! --strict: some checks missed
? 1

# a missing 四至 table
$ parkgis compile --fourto compile/none.tsv -o -
! compile/none.tsv: cannot open the 四至 table
? 3

# usage errors
$ parkgis compile --bogus
! bad option
? 2

# --parsed writes the parsed 四至 form, one record per line
$ f=/tmp/parkgis-parsed-t.$$; parkgis compile --gazetteer compile/gazetteer --fourto compile/fourto.tsv -o - --parsed $f >/dev/null 2>&1; sed -n 3p $f; rm -f $f
| {"id":"sq-offset","name":"偏移","blocks":[[{"side":"东","chain":[{"text":"东路东侧 200 米","feature":"东路","offset":{"dir":"东","m":200,"approx":false}}]},{"side":"南","chain":[{"text":"南路","feature":"南路"}]},{"side":"西","chain":[{"text":"西路","feature":"西路"}]},{"side":"北","chain":[{"text":"北路","feature":"北路"}]}]]},

# --format json: per parcel numbers and the checks as data
$ f=/tmp/parkgis-json-t.$$; parkgis compile --gazetteer compile/gazetteer --fourto compile/fourto.tsv -o $f --format json 2>/dev/null | grep -o '"checks".*'; rm -f $f
| "checks":{"valid":8,"max_overlap_pct":100,"within_10pct":8,"total_km2":8.406,"total_deviation_pct":-72.56,"osm_anchored_share":0.689,"all_pass":false}}
