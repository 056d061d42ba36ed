# render draws a layout to PNG: the file starts with the PNG signature
$ d=$(mktemp -d) && parkgis --data square-1km.geojson render --layout parcels -o $d/m.png 2>/dev/null && head -c 4 $d/m.png | tail -c 3; echo; rm -rf $d
| PNG

# and to SVG, chosen by the extension
$ d=$(mktemp -d) && parkgis --data square-1km.geojson render --layout parcels -o $d/m.svg --width 800 2>/dev/null && grep -c '<svg' $d/m.svg; rm -rf $d
| 1

# an existing picture is kept unless --overwrite
$ d=$(mktemp -d) && echo keep > $d/m.png && parkgis --data square-1km.geojson render --layout parcels -o $d/m.png; rc=$?; cat $d/m.png; rm -rf $d; exit $rc
| keep
! already exists (use --overwrite to replace it)
? 4

# --overwrite replaces it
$ d=$(mktemp -d) && echo old > $d/m.png && parkgis --data square-1km.geojson render --layout parcels -o $d/m.png --overwrite 2>/dev/null && head -c 4 $d/m.png | tail -c 3; echo; rm -rf $d
| PNG

# the layout is required
$ parkgis --data square-1km.geojson render -o m.png
! --layout ID is required
? 2

# only .png and .svg
$ parkgis --data square-1km.geojson render --layout parcels -o m.jpg
! expected a file name ending in .png or .svg
? 2

# width in pixels, within bounds
$ parkgis --data square-1km.geojson render --layout parcels -o m.png --width 99
! --width '99': expected a whole number of pixels, 400..6000
? 2

# a geographic CRS cannot carry a scale bar in metres
$ parkgis --data square-1km.geojson render --layout parcels -o m.png --crs EPSG:4326
! 'EPSG:4326' is not a projected CRS
? 2

# unknown layout
$ parkgis --data square-1km.geojson render --layout no-such-layout -o m.png
! unknown layout 'no-such-layout'
? 5

# a basemap directory without the OSM files names the missing file
$ parkgis --data square-1km.geojson render --layout parcels -o m.png --basemap-dir /nonexistent
! /nonexistent/osm-shanghai-arterials.zip
? 3

# maps that say what they are (issue 13): SVG labels are <text> in the CJK font (editable),
# each element's computed area with its ± (boundary × error_m) beside the plan's figure,
# the notice that boundaries are derived, and no project jargon ("seed 001") on the map
$ d=$(mktemp -d); parkgis --data export/parcels10-error.geojson render --layout sanyuan -o $d/m.svg 2>/dev/null; grep -c 'font-family="Noto Sans CJK SC, sans-serif"' $d/m.svg | awk '{print ($1 > 20) ? "text elements" : "few text elements: " $1}'; grep -o '>宝山工业园区</text>' $d/m.svg | head -1; grep -o '计算 3.16 ±1.93 km² · 规划 14.34 km²' $d/m.svg; grep -o '示意，非测绘成果' $d/m.svg; grep -c 'seed' $d/m.svg; rm -rf $d
| text elements
| >宝山工业园区</text>
| 计算 3.16 ±1.93 km² · 规划 14.34 km²
| 示意，非测绘成果
| 0

# before/after map (issue 13): render --compare BASELINE; the NE corner moved 40 m east
# (tests/data/recompute/fixtures.sh) shows as 0.223 km² gained, nothing lost, baseline dashed
$ d=$(mktemp -d) && bash recompute/fixtures.sh $d 2>/dev/null && parkgis --data $d/moved.geojson render --layout sanyuan --compare $d/base.geojson -o $d/c.svg 2>/dev/null; grep -o '>基线边界（base.geojson）<\|>增加<\|>0.223 km²<\|>减少<\|>0.000 km²<' $d/c.svg; grep -c 'stroke-dasharray' $d/c.svg | awk '{print ($1 > 0) ? "dashed" : "no dash"}'; rm -rf $d
| >基线边界（base.geojson）<
| >增加<
| >0.223 km²<
| >减少<
| >0.000 km²<
| dashed

# --colour-by error: the compiled parcels' boundaries in the error-class colours (measured <= 50 m green,
# unverified purple-grey) over the fills, with a key; without it neither colour is stroked
$ d=$(mktemp -d) && parkgis render --layout parcels --colour-by error -o $d/e.svg --width 800 2>/dev/null && grep -c 'stroke:rgb(10%,60%,25%)' $d/e.svg | awk '{print ($1 > 0) ? "green" : "none"}' && grep -c 'stroke:rgb(55%,45%,65%)' $d/e.svg | awk '{print ($1 > 0) ? "unverified" : "none"}'; rm -rf $d
| green
| unverified

$ d=$(mktemp -d) && parkgis render --layout parcels -o $d/n.svg --width 800 2>/dev/null && grep -c 'stroke:rgb(10%,60%,25%)' $d/n.svg; rm -rf $d
| 0

$ parkgis render --layout parcels --colour-by area -o x.png
! --colour-by 'area': expected 'error'
? 2
