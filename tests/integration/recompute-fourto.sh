#!/usr/bin/env bash
# recompute-fourto.sh BUILD_DIR - a revised 四至 text shows its area effect:
# copy geodata/fourto/parcels.tsv, change baoshan-industrial's second block from
# "北至潘川路" to "北至新川沙路" (issue 9: with the rebuilt gazetteer the former
# revision, 南至罗北路 -> 南至月罗公路, runs the block into 罗店工业园区, whose
# east side is still sketched, and recompute rightly refuses the overlap),
# compile both texts (`parkgis compile -o`) and
# `parkgis recompute` the revised layer against the original one. Only
# baoshan-industrial may change, and it must (the south side moved to another
# road). Skips (exit 0, "SKIP ...") while `parkgis compile` cannot compile the
# unrevised text yet (e.g. no gazetteer in geodata/).
set -uo pipefail
B=$(cd "$1" && pwd)
PG=$B/parkgis
here=$(cd "$(dirname "$0")/../.." && pwd)
src=$here/geodata/fourto/parcels.tsv
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

[ -f "$src" ] || { echo "SKIP: $src not there"; exit 0; }
sum_before=$(sha256sum <"$src")
cp "$src" "$T/orig.tsv"
# the second block of baoshan-industrial ends "北至潘川路" (the first block's north is 新川沙路)
sed '/^baoshan-industrial\t/s/北至潘川路$/北至新川沙路/' "$T/orig.tsv" >"$T/revised.tsv"
if cmp -s "$T/orig.tsv" "$T/revised.tsv"; then
    bad "the text '北至潘川路' no longer ends baoshan-industrial's row of $src: update this test"
    exit 1
fi

if ! "$PG" compile --fourto "$T/orig.tsv" -o "$T/orig.geojson" >"$T/c1.out" 2>"$T/c1.err"; then
    echo "SKIP: 'parkgis compile' cannot compile the unrevised 四至 text yet: $(head -c 300 "$T/c1.err")"
    exit 0
fi
if ! "$PG" compile --fourto "$T/revised.tsv" -o "$T/revised.geojson" >"$T/c2.out" 2>"$T/c2.err"; then
    bad "compiling the revised text (北至新川沙路) failed: $(head -c 400 "$T/c2.err")"
    exit 1
fi
"$PG" recompute --baseline "$T/orig.geojson" --from "$T/revised.geojson" --format csv >"$T/r.csv" 2>"$T/r.err"
rc=$?
if [ $rc != 0 ]; then
    bad "recompute exit $rc: $(head -5 "$T/r.err")"
else
    row=$(awk -F, '$1=="parcel" && $3=="baoshan-industrial"' "$T/r.csv")
    echo "baoshan-industrial (北至潘川路 -> 北至新川沙路): $row"
    echo "$row" | awk -F, '{exit !($5 ~ /^changed/ && ($14 + $15) > 0)}' || bad "baoshan-industrial did not change: $row"
    others=$(awk -F, '$1=="parcel" && $3!="baoshan-industrial" && $5!="unchanged"' "$T/r.csv")
    [ -z "$others" ] || bad "other parcels changed: $others"
    # the parcel's change is the whole park's change when no other parcel moved
    awk -F, '$1=="parcel" && $3=="baoshan-industrial"{p=$11} $1=="total"{t=$11} END{d=p-t; if(d<0)d=-d; exit !(d<1e-6)}' "$T/r.csv" ||
        bad "total change differs from baoshan-industrial's"
fi
[ "$(sha256sum <"$src")" = "$sum_before" ] || bad "$src was modified"
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, $fail failed"
[ $fail = 0 ]
