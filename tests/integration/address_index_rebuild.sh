#!/usr/bin/env bash
# The shipped address additions (geodata/gazetteer-address/{admin,points,index}) must be
# exactly what tools/build_address_gazetteer makes from ../shared/data: rebuild twice
# into temp dirs, compare with each other (deterministic) and byte for byte with the
# shipped files; then the held-back rows must not be in the index.
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
for d in admin points index; do
  if ! diff -r "$tmp/a/$d" "$root/geodata/gazetteer-address/$d" >"$tmp/diff"; then
    head -c 2000 "$tmp/diff"; echo
    echo "FAIL: geodata/gazetteer-address/$d differs from a fresh build; rebuild with:"
    echo "  $tool --data $data --out geodata/gazetteer-address"
    exit 1
  fi
done
# a held-back address text never appears in the index (FNV-1a 32 % 5 == 0)
python3 - "$data/address-points/baoshan-address-points.wgs84.tsv" "$root/geodata/gazetteer-address/index/houses.geojson" <<'PY'
import sys, json
def fnv(s):
    h = 2166136261
    for b in s.encode():
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h
held = set()
for i, line in enumerate(open(sys.argv[1], encoding='utf-8')):
    if i and fnv(line.split('\t')[0]) % 5 == 0:
        held.add(line.split('\t')[0])
used = [f['properties']['address'] for f in json.load(open(sys.argv[2]))['features']]
bad = [a for a in used if a in held]
if bad or not held:
    print('FAIL: held-back rows in the index:', bad[:5]); sys.exit(1)
print('ok: %d house numbers, none of the %d held-back rows' % (len(used), len(held)))
PY
grep '^wrote' "$tmp/a.log" | sed 's|'"$tmp"'/a|geodata/gazetteer-address|'
