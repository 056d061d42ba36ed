#!/usr/bin/env bash
# The shipped address additions (geodata/gazetteer-address/{admin,points,index}) must be
# exactly what tools/build_address_gazetteer makes from ../shared/data (every address
# row: the shipped index): rebuild twice into temp dirs, compare with each other
# (deterministic) and byte for byte with the shipped files; then the evaluation's build
# (--exclude-holdout) must omit exactly the held-back rows (the fresh rule of
# tools/address_holdout.h, recomputed here) and the shipped one must hold them.
# Skipped (exit 0, with a message) when the source data directory is absent.
set -euo pipefail
build=${1:?usage: address_index_rebuild.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${PARKGIS_SOURCE_DATA:-$root/../shared/data}
tool=$build/build_address_gazetteer
if [ ! -f "$data/address-points/baoshan-address-points.wgs84.tsv" ]; then
  echo "SKIPPED: source data not found at $data (set PARKGIS_SOURCE_DATA)"
  exit 0
fi
[ -x "$tool" ] || { echo "FAIL: $tool not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$tool" --data "$data" --gazetteer "$root/geodata/gazetteer" --out "$tmp/a" >"$tmp/a.log" 2>&1 || { cat "$tmp/a.log"; echo "FAIL: build_address_gazetteer exited"; exit 1; }
"$tool" --data "$data" --gazetteer "$root/geodata/gazetteer" --out "$tmp/b" >/dev/null 2>&1
diff -r "$tmp/a" "$tmp/b" >/dev/null || { echo "FAIL: two runs differ (not deterministic)"; exit 1; }
for d in admin points index roads-from-points.geojson; do
  if ! diff -r "$tmp/a/$d" "$root/geodata/gazetteer-address/$d" >"$tmp/diff"; then
    head -c 2000 "$tmp/diff"; echo
    echo "FAIL: geodata/gazetteer-address/$d differs from a fresh build; rebuild with:"
    echo "  $tool --data $data --out geodata/gazetteer-address"
    exit 1
  fi
done
# the evaluation's build: the same tool with --exclude-holdout. The tool's list of held-back
# rows is the documented rule, FNV-1a 32 of "parkgis address hold-out 2:" + the text (every
# address_key of the file is already in the parser's normal form) % 5 == 0; the excluded
# build's house numbers are the shipped ones minus exactly the held-back addresses.
"$tool" --data "$data" --gazetteer "$root/geodata/gazetteer" --out "$tmp/x" --exclude-holdout >"$tmp/x.log" 2>&1 \
  || { cat "$tmp/x.log"; echo "FAIL: build_address_gazetteer --exclude-holdout exited"; exit 1; }
[ -x "$build/eval_address" ] || { echo "FAIL: $build/eval_address not built"; exit 1; }
"$build/eval_address" --data "$data" --list-holdout >"$tmp/held.txt"
python3 - "$data/address-points/baoshan-address-points.wgs84.tsv" "$root/geodata/gazetteer-address/index/houses.geojson" "$tmp/held.txt" "$tmp/x/index/houses.geojson" "$root/geodata/gazetteer-address/roads-from-points.geojson" "$tmp/x/roads-from-points.geojson" <<'PY'
import sys, json
from collections import Counter
def fnv(s):
    h = 2166136261
    for b in s.encode():
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h
keys = [line.split('\t')[0] for i, line in enumerate(open(sys.argv[1], encoding='utf-8')) if i]
held = {k for k in keys if fnv('parkgis address hold-out 2:' + k) % 5 == 0}
listed = set(open(sys.argv[3], encoding='utf-8').read().splitlines())
if listed != held or not held:
    print('FAIL: eval_address --list-holdout is not the documented rule:', sorted(listed ^ held)[:5]); sys.exit(1)
def feats(p):
    return json.load(open(p, encoding='utf-8'))['features']
def addrs(fs):
    return Counter(f['properties']['address'] for f in fs)
fx = feats(sys.argv[4])
shipped, excluded = addrs(feats(sys.argv[2])), addrs(fx)
want = Counter({a: n for a, n in shipped.items() if a not in held})
# a weak row (geocoders 300..1000 m apart, error_m = that disagreement, trusted 0) is kept for a
# road with no other known number: in the excluded build also for a road whose other numbers are
# all held back (the build sees only the training rows); any other difference is a leak or a loss
weak = {f['properties']['address'] for f in fx if f['properties']['trusted'] == 0 and f['properties']['error_m'] > 300}
# a spike (an entry far off the line between its neighbours in number order, index/spikes.geojson)
# is judged among the rows each build sees: one build may leave out an entry the other keeps
spikes = {f['properties']['address'] for p in (sys.argv[2], sys.argv[4]) for f in feats(p.replace('houses.geojson', 'spikes.geojson'))}
extra, lost = excluded - want, want - excluded
if any(a not in spikes for a in lost) or any(a in held or (a not in weak and a not in spikes) for a in extra):
    print('FAIL: the --exclude-holdout build is not the shipped house numbers minus the held-back rows (weak rows and spikes aside):',
          sorted(lost + extra)[:5]); sys.exit(1)
in_shipped = sum(n for a, n in shipped.items() if a in held)
if not in_shipped:
    print('FAIL: no held-back row in the shipped index (it should use every row)'); sys.exit(1)
rs, rx = (json.load(open(p, encoding='utf-8'))['features'] for p in sys.argv[5:7])
if not rx or any('parkgis address hold-out 2:' not in f['properties']['method'] for f in rx):
    print('FAIL: a road of the excluded build does not state the fresh hold-out rule'); sys.exit(1)
if not rs or any('none: the shipped index uses every row' not in f['properties']['method'] for f in rs):
    print('FAIL: a road of the shipped roads-from-points.geojson does not say it uses every row'); sys.exit(1)
print('ok: shipped %d house numbers (%d of them held-back rows), %d road courses; excluded build %d house numbers, '
      'none of the %d held-back rows, %d road courses' % (sum(shipped.values()), in_shipped, len(rs), sum(excluded.values()), len(held), len(rx)))
PY
grep '^wrote' "$tmp/a.log" | sed 's|'"$tmp"'/a|geodata/gazetteer-address|'
