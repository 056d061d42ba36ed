#!/usr/bin/python3
"""qgis-check.py - opens parkgis exports in real QGIS (headless) and checks what a
planner would see. Driven by qgis-layouts.sh (which handles skipping when QGIS is
not installed); run by Debian's /usr/bin/python3 with python3-qgis.

  qgis-check.py PARKGIS OUTDIR [--data PARCELS] LAYOUT...

For each layout it exports with parkgis (GeoJSON as the independent reference,
read with Python's json module; Shapefile UTF-8 in EPSG:4490, Shapefile CP936 in
EPSG:4549, GeoPackage in EPSG:4490) and checks in QGIS, per layer:
  - the layer is valid and has the reference's feature count;
  - its CRS is the one written (authid);
  - the names read back are the reference's Chinese names, byte-exact;
  - the default style was applied: a categorizedSymbol renderer (from the .qml
    beside a Shapefile, from layer_styles in the GeoPackage), one category per
    feature on the primary layer, labels on `name`; and the Shapefile and the
    GeoPackage styles give each element the same colour;
then renders all layers of the GeoPackage with QgsMapRendererParallelJob into
OUTDIR/qgis-<layout>.png and requires that a fair share of the pixels are not
background. Prints one line per check; exits 1 on the first failed layout after
reporting everything, 0 when all passed.
"""
import json
import os
import subprocess
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

failures = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        print("FAIL  command failed (%d): %s\n%s" % (p.returncode, " ".join(cmd), p.stderr), flush=True)
        failures.append(" ".join(cmd))
        return None
    return p.stdout


def has_cjk(s):
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def export(parkgis, data, layout, fmt, dest, extra=()):
    cmd = [parkgis] + (["--data", data] if data else []) + ["--format", "json", "export", "--layout", layout,
                                                            "-f", fmt, "-o", dest] + list(extra)
    out = run(cmd)
    return json.loads(out) if out is not None else None


def reference(parkgis, data, layout, outdir):
    """Layer name -> (geometry, [names in feature order]) from the GeoJSON export."""
    rep = export(parkgis, data, layout, "geojson", os.path.join(outdir, layout + "-geojson"))
    if rep is None:
        return None
    ref = {}
    for item in rep["layers"]:
        with open(item["file"], encoding="utf-8") as f:
            fc = json.load(f)
        ref[item["layer"]] = (item["geometry"], [ft["properties"]["name"] for ft in fc["features"]])
    return ref


def style_colours(layer):
    r = layer.renderer()
    if r is None or r.type() != "categorizedSymbol":
        return {}
    return {str(c.value()): c.symbol().color().name() for c in r.categories()}


def check_layer(tag, layer, crs, geometry, names, primary):
    if not check(layer.isValid(), "%s: layer is valid in QGIS" % tag):
        return None
    check(layer.crs().authid() == crs, "%s: CRS %s (read back: %s)" % (tag, crs, layer.crs().authid() or layer.crs().toWkt()[:60]))
    got = [f["name"] for f in layer.getFeatures()]
    check(len(got) == len(names), "%s: %d features (reference %d)" % (tag, len(got), len(names)))
    check(sorted(got) == sorted(names), "%s: Chinese names byte-exact (%s)" % (tag, "、".join(got[:4]) + ("…" if len(got) > 4 else "")))
    if primary:
        check(all(has_cjk(n) for n in got), "%s: every name is Chinese" % tag)
    r = layer.renderer()
    rtype = r.type() if r else None
    check(rtype == "categorizedSymbol", "%s: default style applied (renderer %s)" % (tag, rtype))
    if primary and rtype == "categorizedSymbol":
        cats = r.categories()
        check(len(cats) == len(names), "%s: one category per element (%d)" % (tag, len(cats)))
        cols = {c.symbol().color().name() for c in cats}
        check(len(cols) == len(cats) or len(cats) > 12, "%s: distinct category colours (%d)" % (tag, len(cols)))
        lab = layer.labeling()
        field = lab.settings().fieldName if lab is not None and hasattr(lab, "settings") else None
        check(layer.labelsEnabled() and field == "name", "%s: labels on name (enabled=%s, field=%s)" % (tag, layer.labelsEnabled(), field))
    return layer


def render_png(layers, path):
    """Renders layers to a PNG in EPSG:4549; returns the share of non-background pixels."""
    dst = QgsCoordinateReferenceSystem("EPSG:4549")
    extent = QgsRectangle()
    extent.setMinimal()
    for l in layers:
        xf = QgsCoordinateTransform(l.crs(), dst, QgsProject.instance())
        extent.combineExtentWith(xf.transformBoundingBox(l.extent()))
    extent.scale(1.1)
    ms = QgsMapSettings()
    ms.setLayers(layers)
    ms.setDestinationCrs(dst)
    ms.setExtent(extent)
    ms.setOutputSize(QSize(800, 800))
    bg = QColor(255, 255, 255)
    ms.setBackgroundColor(bg)
    job = QgsMapRendererParallelJob(ms)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    img.save(path, "PNG")
    bgp = bg.rgb()
    w, h = img.width(), img.height()
    painted = sum(1 for y in range(0, h, 4) for x in range(0, w, 4) if img.pixel(x, y) != bgp)
    return painted / float(((w + 3) // 4) * ((h + 3) // 4)), len(job.errors())


def check_layout(parkgis, data, layout, outdir):
    print("== %s" % layout, flush=True)
    ref = reference(parkgis, data, layout, outdir)
    if not ref:
        return
    primary = next(iter(ref))  # the primary layer comes first in every export
    exports = [
        ("shp UTF-8", "shp", os.path.join(outdir, layout + "-shp"), [], "EPSG:4490"),
        ("shp CP936", "shp", os.path.join(outdir, layout + "-shp936"), ["--encoding", "CP936", "--t_srs", "EPSG:4549"], "EPSG:4549"),
        ("gpkg", "gpkg", os.path.join(outdir, layout + ".gpkg"), [], "EPSG:4490"),
    ]
    colours = {}
    gpkg_layers = []
    for tag, fmt, dest, extra, crs in exports:
        rep = export(parkgis, data, layout, fmt, dest, extra)
        if rep is None:
            continue
        check(rep["crs"] == crs, "%s %s: export reports CRS %s" % (layout, tag, rep["crs"]))
        check(sorted(i["layer"] for i in rep["layers"]) == sorted(ref), "%s %s: same layers as the GeoJSON reference" % (layout, tag))
        for item in rep["layers"]:
            name = item["layer"]
            if name not in ref:
                continue
            uri = item["file"] if fmt == "shp" else "%s|layername=%s" % (item["file"], name)
            layer = QgsVectorLayer(uri, name, "ogr")
            geometry, names = ref[name]
            check_layer("%s %s %s" % (layout, tag, name), layer, crs, geometry, names, name == primary)
            if layer.isValid():
                colours.setdefault(name, {})[tag] = style_colours(layer)
                if fmt == "gpkg":
                    gpkg_layers.append(layer)
    for name, by_tag in colours.items():
        vals = [v for v in by_tag.values() if v]
        if len(vals) >= 2:
            check(all(v == vals[0] for v in vals), "%s %s: Shapefile and GeoPackage styles give the same colours" % (layout, name))
    if gpkg_layers:
        # primary polygons under the companion lines/points, as in a QGIS project
        order = [l for l in gpkg_layers if l.name() != primary] + [l for l in gpkg_layers if l.name() == primary]
        png = os.path.join(outdir, "qgis-%s.png" % layout)
        share, nerr = render_png(order, png)
        check(nerr == 0 and share > 0.02, "%s: QGIS rendered %s (%.1f%% non-background pixels, %d errors)" % (layout, png, 100 * share, nerr))


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        print(__doc__)
        return 2
    parkgis, outdir = args[0], args[1]
    rest = args[2:]
    data = None
    if rest[:1] == ["--data"]:
        data, rest = rest[1], rest[2:]
    QgsApplication.setPrefixPath("/usr", True)
    qgs = QgsApplication([], False)
    qgs.initQgis()
    print("QGIS %s" % __import__("qgis.core").core.Qgis.QGIS_VERSION, flush=True)
    for layout in rest:
        check_layout(parkgis, data, layout, outdir)
    qgs.exitQgis()
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all QGIS checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
