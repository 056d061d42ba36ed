#!/usr/bin/python3
"""osm_reach.py [--data ../shared/data] [--geodata geodata]

How far could the gazetteer's `osm` share go with the source data we have?

For every gazetteer feature that is not already `osm`, samples it every 50 m and
asks whether an OSM arterial (trunk/primary/secondary/motorway, links excluded)
runs within 150 / 300 / 500 m of the sample in a direction within 35 degrees of
the feature's (the same test build_gazetteer's snapping uses, with wider
corridors). A feature with no such arterial cannot be snapped onto OSM whatever
its sketch: its road, river or wall is simply not in the extract.

Then, over the pieces of the shipped parcel boundaries (geodata/parcels.geojson
`provenance.pieces`), it prints the upper bound of the osm+anchored share: the
current osm/anchored length plus every approximate sample that HAS a parallel
arterial within 300 m (an optimistic bound: some of those arterials are another
road beside the feature, e.g. 潘泾路 beside 潘泾河).

Analysis only (Debian's python3-gdal and numpy); it writes nothing.
"""
import argparse, glob, json, os, re, sys
import numpy as np
from osgeo import ogr, osr

ap = argparse.ArgumentParser()
ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../shared/data"))
ap.add_argument("--geodata", default=os.path.join(os.path.dirname(__file__), "../geodata"))
a = ap.parse_args()

wgs = osr.SpatialReference(); wgs.ImportFromEPSG(4326)
gk = osr.SpatialReference(); gk.ImportFromEPSG(4549)
for s in (wgs, gk):
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
ct = osr.CoordinateTransformation(wgs, gk)
def proj(pts):
    return np.array([ct.TransformPoint(x, y)[:2] for x, y, *_ in pts])

zip_path = os.path.join(a.data, "osm-shanghai-arterials.zip")
ds = ogr.Open("/vsizip/" + os.path.abspath(zip_path) + "/test_shanghai_allroads/test_shanghai_allroads.shp")
if ds is None:
    sys.exit(f"osm_reach: {zip_path}: cannot open the OSM arterial extract")
lyr = ds.GetLayer()
lyr.SetSpatialFilterRect(121.25, 31.25, 121.56, 31.52)  # 宝山区 and a margin
A, B = [], []
for f in lyr:
    if f.GetField("highway").endswith("_link"):
        continue
    p = proj(f.GetGeometryRef().GetPoints())
    A.extend(p[:-1]); B.extend(p[1:])
A, B = np.array(A), np.array(B)
D = B - A; SL = np.hypot(D[:, 0], D[:, 1]) + 1e-9; U = D / SL[:, None]
COS35 = np.cos(np.radians(35))

def distances(pts):
    """distance from each 50 m sample to the nearest parallel arterial segment"""
    out = []
    for p, q in zip(pts[:-1], pts[1:]):
        l = np.hypot(*(q - p))
        if l < 1:
            continue
        u = (q - p) / l
        par = np.abs(U @ u) > COS35
        for t in np.arange(0, l, 50):
            s = p + u * t
            tt = np.clip(((s - A) * U).sum(1), 0, SL)
            d = np.hypot(*(s - (A + U * tt[:, None])).T)
            out.append(np.where(par, d, np.inf).min())
    return np.array(out)

reach = {}
print(f"{'feature':<16} {'kind':<9} {'provenance':<12} {'km':>5} {'<150m':>6} {'<300m':>6} {'<500m':>6}")
for fn in sorted(glob.glob(os.path.join(a.geodata, "gazetteer", "*.geojson"))):
    for f in json.load(open(fn, encoding="utf-8"))["features"]:
        pr = f["properties"]
        if pr["provenance"] == "osm":
            continue
        g = f["geometry"]
        parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
        d = np.concatenate([distances(proj(p)) for p in parts])
        if len(d) == 0:
            continue
        r = (np.mean(d < 150), np.mean(d < 300), np.mean(d < 500))
        reach[pr["name"]] = r
        print(f"{pr['name']:<16} {pr['kind']:<9} {pr['provenance']:<12} {len(d)*0.05:5.1f} {r[0]:6.2f} {r[1]:6.2f} {r[2]:6.2f}")

total = on = cand = none = 0.0
for f in json.load(open(os.path.join(a.geodata, "parcels.geojson"), encoding="utf-8"))["features"]:
    p = f["properties"]["provenance"]
    p = json.loads(p) if isinstance(p, str) else p
    for side, item, prov, m in p["pieces"]:
        total += m
        if prov in ("osm", "anchored"):
            on += m; continue
        base = re.sub(r"(东|西|南|北)(侧)?约?\s*\d+\s*米$", "", item).strip()
        r = reach.get(item) or reach.get(base)
        share = r[1] if r else 0.0  # bridged gaps and unknown pieces: no arterial
        cand += m * share; none += m * (1 - share)
print(f"\nparcel boundary {total/1000:.1f} km: osm/anchored {on/total:.1%}, "
      f"approximate with a parallel arterial within 300 m {cand/total:.1%}, approximate with none {none/total:.1%}")
print(f"upper bound of the osm+anchored share with this source data: {(on+cand)/total:.1%}")
