#!/usr/bin/env bash
# The shipped parcel layer (geodata/parcels.geojson) must equal a fresh compile of
# the 四至 texts (geodata/fourto/parcels.tsv) with the gazetteer (geodata/gazetteer),
# byte for byte. When the gazetteer or a text changes, regenerate it with
#   parkgis compile --overwrite
# (and geodata/fourto/parsed.json with --parsed geodata/fourto/parsed.json).
set -u
b=$1
unset PARKGIS_DATA
"$b/parkgis" compile --check 2>&1
