#!/usr/bin/python3
"""shapely_baseline.py PARCELS.geojson IN.csv OUT.csv - bench/batch.sh's shapely
baseline (issue 11): np.loadtxt, shapely.vectorized.contains per parcel in layer
order (the first parcel containing a point wins), the CSV written from Python.
Input id,lon,lat with a header; output id,lon,lat,parcel_id."""
import json
import sys

import numpy as np
from shapely.geometry import shape
from shapely import vectorized

parcels_path, in_path, out_path = sys.argv[1:4]
with open(parcels_path, encoding="utf-8") as f:
    feats = json.load(f)["features"]
ids = [str(ft["properties"]["id"]) for ft in feats]
geoms = [shape(ft["geometry"]) for ft in feats]
data = np.loadtxt(in_path, delimiter=",", skiprows=1, dtype=np.float64)
pid, lon, lat = data[:, 0].astype(np.int64), data[:, 1], data[:, 2]
which = np.full(len(lon), -1, dtype=np.int64)
for i, g in enumerate(geoms):
    free = which < 0
    hit = np.zeros(len(lon), dtype=bool)
    hit[free] = vectorized.contains(g, lon[free], lat[free])
    which[hit] = i
names = ids + [""]
with open(out_path, "w", encoding="utf-8") as out:
    out.write("id,lon,lat,parcel_id\n")
    out.writelines("%d,%.7f,%.7f,%s\n" % (a, x, y, names[w]) for a, x, y, w in zip(pid.tolist(), lon.tolist(), lat.tolist(), which.tolist()))
