#!/usr/bin/env bash
# export-readback.sh BUILD_DIR - every layout (parcels, 三园三线两区, 一核两极三带) in
# every file format (Shapefile UTF-8 and CP936, GeoPackage, GeoJSON, KML), written
# by `parkgis export` and read back with GDAL's Python bindings:
#   - feature counts: 10 / 8 / 6 elements (the issue's numbers) and each companion
#     layer as many features as its definition's GeoJSON;
#   - CRS as asked (EPSG:4490 default, EPSG:4549 with --t_srs; GeoJSON/KML WGS84);
#   - Chinese names byte for byte against the layout definition (elements), the
#     parcel file (parcels) and the companion GeoJSON; also from the CP936
#     Shapefile, which GDAL decodes through its .cpg;
#   - area_km2 against the geodesic area of the read-back geometry (reprojected by
#     OGR, measured ring by ring with pyproj's Geod on GRS80): within 1e-6
#     relative (GeoJSON's 7 decimals and the CP936/EPSG:4549 round trip included);
#   - the styles QGIS applies: a .qml beside every Shapefile, layer_styles rows in
#     the GeoPackage;
#   - every element's provenance (GeoPackage, whole) states an error estimate.
# The parcels are tests/data/export/parcels10.geojson (synthetic squares with the
# real ids; geodata/parcels.geojson is used instead when it exists).
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
parkgis="$build/parkgis"
PY=${PARKGIS_PYTHON:-/usr/bin/python3} # Debian's python3, where python3-gdal lives
"$PY" -c 'from osgeo import ogr; import pyproj' 2>/dev/null || { echo "export-readback: needs python3-gdal and python3-pyproj (tools/install-deps.sh)"; exit 1; }
parcels="$root/geodata/parcels.geojson"
[ -f "$parcels" ] || parcels="$root/tests/data/export/parcels10.geojson"
out=$(mktemp -d /tmp/parkgis-export-readback.XXXXXX)
trap 'rm -rf "$out"' EXIT

layouts=(parcels sanyuan-sanxian-liangqu yihe-liangji-sandai)
for lo in "${layouts[@]}"; do
    "$parkgis" --data "$parcels" export --layout "$lo" -f shp -o "$out/$lo-shp" 2>/dev/null >/dev/null
    "$parkgis" --data "$parcels" export --layout "$lo" -f shp -o "$out/$lo-shp936" --encoding CP936 --t_srs EPSG:4549 2>/dev/null >/dev/null
    "$parkgis" --data "$parcels" export --layout "$lo" -f gpkg -o "$out/$lo.gpkg" >/dev/null
    "$parkgis" --data "$parcels" export --layout "$lo" -f gpkg -o "$out/$lo-4549.gpkg" --t_srs EPSG:4549 >/dev/null
    "$parkgis" --data "$parcels" export --layout "$lo" -f geojson -o "$out/$lo-geojson" 2>/dev/null >/dev/null
    "$parkgis" --data "$parcels" export --layout "$lo" -f kml -o "$out/$lo.kml" 2>/dev/null >/dev/null
done
# refused overwrite: exit 4, the file untouched
before=$(md5sum "$out/parcels.gpkg")
set +e
"$parkgis" --data "$parcels" export --layout parcels -f gpkg -o "$out/parcels.gpkg" 2>"$out/err" >/dev/null
rc=$?
set -e
[ $rc = 4 ] || { echo "FAIL: refused overwrite exited $rc, expected 4"; exit 1; }
grep -q "already exists (use --overwrite" "$out/err" || { echo "FAIL: message: $(cat "$out/err")"; exit 1; }
[ "$before" = "$(md5sum "$out/parcels.gpkg")" ] || { echo "FAIL: refused export changed the file"; exit 1; }
rm -f "$out/err"
ls "$out" | grep -q '\.tmp\.' && { echo "FAIL: temporary output left behind"; ls "$out"; exit 1; }

"$PY" - "$root" "$parcels" "$out" <<'EOF'
import json, os, re, sys
from osgeo import gdal, ogr, osr
from pyproj import Geod
gdal.UseExceptions()
root, parcels, out = sys.argv[1:4]
fails = 0
checks = 0
worst = 0.0

def check(cond, msg):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", msg)

def epsg(lyr):
    srs = lyr.GetSpatialRef()
    if srs is None:
        return None
    srs = srs.Clone()
    srs.AutoIdentifyEPSG()
    code = srs.GetAuthorityCode(None)
    if code is None:
        m = srs.FindMatches()
        if m and m[0][1] >= 90:
            code = m[0][0].GetAuthorityCode(None)
    return int(code) if code else None

def rows(lyr, namefield="name"):
    lyr.ResetReading()
    return [(f.GetField("id") if f.GetFieldIndex("id") >= 0 else None, f.GetField(namefield), f) for f in lyr]

# expectations from the inputs, not from the exports
def src_names(path):
    ds = ogr.Open(path)
    return [(f.GetField("id"), f.GetField("name")) for f in ds.GetLayer(0)]

expect = {}
expect["parcels"] = {"primary": "parcels", "n": 10, "names": dict(src_names(parcels)), "companions": {}}
for lo in ("sanyuan-sanxian-liangqu", "yihe-liangji-sandai"):
    d = json.load(open(os.path.join(root, "geodata/layouts", lo + ".json")))
    comp = {}
    for c in d.get("companions", []):
        comp[c["name"]] = dict(src_names(os.path.join(root, "geodata/layouts", c["geometry"])))
    expect[lo] = {"primary": d["layer"], "n": {"sanyuan-sanxian-liangqu": 8, "yihe-liangji-sandai": 6}[lo],
                  "names": {e["id"]: e["name"] for e in d["elements"]}, "companions": comp}
    check(len(d["elements"]) == expect[lo]["n"], f"{lo}: definition has {len(d['elements'])} elements")

GEOD = Geod(ellps="GRS80")  # CGCS2000's ellipsoid
WGS = osr.SpatialReference(); WGS.ImportFromEPSG(4490)
WGS.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)

def geodesic_km2(geom, srs):
    # area of the read-back geometry: OGR reprojects to lon/lat, pyproj's Geod
    # (Karney) measures each ring; holes subtracted
    g = geom.Clone()
    if srs is not None and not srs.IsGeographic():
        s = srs.Clone(); s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        g.Transform(osr.CoordinateTransformation(s, WGS))
    polys = [g] if g.GetGeometryType() in (ogr.wkbPolygon, ogr.wkbPolygon25D) else [g.GetGeometryRef(i) for i in range(g.GetGeometryCount())]
    total = 0.0
    for p in polys:
        for k in range(p.GetGeometryCount()):
            r = p.GetGeometryRef(k)
            pts = r.GetPoints()
            a, _ = GEOD.polygon_area_perimeter([x[0] for x in pts], [x[1] for x in pts])
            total += abs(a) if k == 0 else -abs(a)
    return total / 1e6

def check_layer(what, lyr, names, n, want_epsg, primary, namefield="name"):
    global worst
    check(lyr is not None, f"{what}: layer missing")
    if lyr is None:
        return
    check(lyr.GetFeatureCount() == n, f"{what}: {lyr.GetFeatureCount()} features, expected {n}")
    check(epsg(lyr) == want_epsg, f"{what}: CRS EPSG:{epsg(lyr)}, expected EPSG:{want_epsg}")
    got = rows(lyr, namefield)
    for fid, name, f in got:
        if fid is None:   # KML keeps id in ExtendedData; match by name instead
            check(name in names.values(), f"{what}: unexpected name {name!r}")
            continue
        check(fid in names, f"{what}: unexpected id {fid}")
        check(name == names.get(fid), f"{what}: {fid}: name {name!r} != {names.get(fid)!r}")
    if primary:
        srs = lyr.GetSpatialRef()
        for fid, name, f in got:
            a = f.GetField("area_km2")
            ref = geodesic_km2(f.GetGeometryRef(), srs)
            check(a is not None and ref > 0, f"{what}: {fid}: no area")
            if a and ref > 0:
                rel = abs(a - ref) / ref
                worst = max(worst, rel)
                # 1e-6 relative, or the DBF's 6 decimals (0.5 m²) for small areas
                check(rel < 1e-6 or abs(a - ref) < 6e-7, f"{what}: {fid}: area_km2 {a} vs read-back geometry {ref} ({rel:.2e})")

for lo, e in expect.items():
    prim, n = e["primary"], e["n"]
    # Shapefile, UTF-8, EPSG:4490
    for sub, want in (("shp", 4490), ("shp936", 4549)):
        d = f"{out}/{lo}-{sub}"
        p = f"{d}/{prim}.shp"
        ds = ogr.Open(p)
        check(ds is not None, f"{p}: cannot open")
        if ds:
            check_layer(p, ds.GetLayer(0), e["names"], n, want, True)
        cpg = open(f"{d}/{prim}.cpg").read().strip()
        check(cpg == ("936" if sub == "shp936" else "UTF-8"), f"{p}: .cpg says {cpg!r}")
        for c, names in e["companions"].items():
            ds = ogr.Open(f"{d}/{c}.shp")
            check_layer(f"{d}/{c}.shp", ds.GetLayer(0) if ds else None, names, len(names), want, False)
            check(os.path.exists(f"{d}/{c}.qml"), f"{d}/{c}.qml missing")
        qml = open(f"{d}/{prim}.qml", encoding="utf-8").read()
        check('type="categorizedSymbol" attr="id"' in qml, f"{d}/{prim}.qml: not categorised on id")
        for fid, name in e["names"].items():
            check(f'value="{fid}"' in qml, f"{d}/{prim}.qml: no category for {fid}")
    # GeoPackage, both CRSs
    for suffix, want in (("", 4490), ("-4549", 4549)):
        p = f"{out}/{lo}{suffix}.gpkg"
        ds = ogr.Open(p)
        check_layer(f"{p}:{prim}", ds.GetLayerByName(prim), e["names"], n, want, True)
        # every element says how it was built and how far off it may be, as a
        # number ("error ~314 m", "error_m":249), or "error unknown" when its
        # parcels state none (the GeoPackage keeps provenance whole)
        for fid, _, f in rows(ds.GetLayerByName(prim)):
            pv = f.GetField("provenance") or ""
            check(re.search(r"error\D{0,12}\d|error unknown", pv) is not None,
                  f"{p}:{prim}: {fid}: provenance states no error estimate: {pv[:100]!r}")
        for c, names in e["companions"].items():
            check_layer(f"{p}:{c}", ds.GetLayerByName(c), names, len(names), want, False)
        st = ds.GetLayerByName("layer_styles")
        check(st is not None, f"{p}: no layer_styles")
        if st:
            styled = {f.GetField("f_table_name"): (f.GetField("useAsDefault"), f.GetField("styleQML")) for f in st}
            for t in [prim] + list(e["companions"]):
                check(t in styled and styled[t][0] == 1 and styled[t][1].startswith("<!DOCTYPE qgis"),
                      f"{p}: no default style for {t}")
    # GeoJSON: RFC 7946, WGS84
    d = f"{out}/{lo}-geojson"
    ds = ogr.Open(f"{d}/{prim}.geojson")
    check_layer(f"{d}/{prim}.geojson", ds.GetLayer(0), e["names"], n, 4326, True)
    check('"crs"' not in open(f"{d}/{prim}.geojson", encoding="utf-8").read(), f"{d}: RFC 7946 output has a crs member")
    for c, names in e["companions"].items():
        ds = ogr.Open(f"{d}/{c}.geojson")
        check_layer(f"{d}/{c}.geojson", ds.GetLayer(0), names, len(names), 4326, False)
    # KML: WGS84, one folder per layer (LIBKML names them by their Chinese titles)
    p = f"{out}/{lo}.kml"
    ds = ogr.Open(p)
    check(ds is not None and ds.GetLayerCount() == 1 + len(e["companions"]), f"{p}: layer count")
    if ds:
        lyr = ds.GetLayer(0)
        check_layer(f"{p}:0", lyr, e["names"], n, 4326, True, namefield="name" if lyr.GetLayerDefn().GetFieldIndex("name") >= 0 else "Name")

print(f"export-readback: {checks} checks, {fails} failed; worst area_km2 vs read-back geometry: {worst:.2e} relative")
sys.exit(1 if fails else 0)
EOF
