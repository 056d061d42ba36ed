#!/usr/bin/env bash
# locate_cache.sh BUILD_DIR - the snapshot cache (src/store/layer_cache.c) and
# GDAL opened on first use (src/util/lazylib.c) change no answer (issue 11).
#
#  1. The golden files tests/cli/locate.t and address.t pass with the cache
#     off, cold (a new cache directory: each case's first read writes it) and
#     warm (the same directory again).
#  2. Every command of those files prints the same stdout, stderr and exit
#     code with the cache off and warm (byte for byte, not only what the
#     golden lines check; the batch summary's elapsed seconds aside).
#  3. A warm `locate LON LAT` does not load libgdal (LD_DEBUG=files); a cold
#     one writes a snapshot.
#  4. A truncated, bit-flipped, empty or foreign snapshot is not used: the
#     answers stay the same and the snapshot is rewritten as it was.
#  5. An input edited in place with its size and mtime kept (only the content
#     hash sees it) is read again, not answered from the old snapshot.
set -uo pipefail
b=$(cd "$1" && pwd); here=$(cd "$(dirname "$0")/.." && pwd)
bin=$b/parkgis
[ -x "$bin" ] || { echo "no $bin"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# ---- 1. golden files in the three modes
export XDG_CACHE_HOME=$tmp/cache
for t in locate address; do
    PARKGIS_CACHE=off bash "$here/cli/run-golden.sh" "$bin" "$here/cli/$t.t" >"$tmp/g.off" 2>&1 || { bad "$t.t with the cache off"; cat "$tmp/g.off"; }
done
rm -rf "$XDG_CACHE_HOME"
for mode in cold warm; do
    for t in locate address; do
        bash "$here/cli/run-golden.sh" "$bin" "$here/cli/$t.t" >"$tmp/g.$mode" 2>&1 || { bad "$t.t with the cache $mode"; cat "$tmp/g.$mode"; }
    done
    [ "$mode" = cold ] && { ls "$XDG_CACHE_HOME"/parkgis/layer-*.snap >/dev/null 2>&1 || bad "a cold run wrote no snapshot"; }
done

# ---- 2. every command: the same output off and warm
cmds=$tmp/cmds
grep -h '^\$ ' "$here/cli/locate.t" "$here/cli/address.t" | sed 's/^\$ //' >"$cmds"
run_all() { # MODE-LABEL -> $tmp/out.LABEL (stdout, stderr, exit code of every command)
    local out=$tmp/out.$1
    : >"$out"
    while IFS= read -r c; do
        (cd "$here/data" && PARKGIS="$bin" bash -c "${c//parkgis /\"\$PARKGIS\" }" >"$tmp/o" 2>"$tmp/e" </dev/null)
        local rc=$?
        { printf '$ %s\n' "$c"; cat "$tmp/o"; printf -- '--- stderr\n'; sed -E 's/\([0-9.]+ s\)$/(elapsed)/' "$tmp/e"; printf -- '--- exit %s\n' "$rc"; } >>"$out"
    done <"$cmds"
}
PARKGIS_CACHE=off run_all off
run_all warm
run_all warm2
cmp -s "$tmp/out.off" "$tmp/out.warm" || { bad "outputs differ with the cache warm"; diff "$tmp/out.off" "$tmp/out.warm" | head -20; }
cmp -s "$tmp/out.off" "$tmp/out.warm2" || bad "outputs differ on a second warm run"
echo "$(wc -l <"$cmds") commands compared, cache off vs warm"

# ---- 3. a warm point lookup opens no GDAL; the bundled layer's snapshot
rm -rf "$XDG_CACHE_HOME"
"$bin" locate 121.37 31.35 >"$tmp/p.cold" 2>&1 || bad "locate 121.37 31.35 (cold) failed"
snap=$(ls "$XDG_CACHE_HOME"/parkgis/layer-*.snap 2>/dev/null | head -1)
[ -n "$snap" ] && [ -s "$snap" ] || bad "no snapshot after a cold lookup"
LD_DEBUG=files "$bin" locate 121.37 31.35 >"$tmp/p.warm" 2>"$tmp/ld.warm" || bad "warm lookup failed"
grep -q 'libgdal' "$tmp/ld.warm" && bad "a warm locate LON LAT loaded libgdal"
grep -q 'libgeos_c' "$tmp/ld.warm" || bad "LD_DEBUG=files printed nothing (the check above proves nothing)"
LD_DEBUG=files PARKGIS_CACHE=off "$bin" locate 121.37 31.35 >/dev/null 2>"$tmp/ld.off"
grep -q 'libgdal' "$tmp/ld.off" || bad "with the cache off GDAL was not loaded (the check above proves nothing)"
cmp -s "$tmp/p.cold" "$tmp/p.warm" || bad "cold and warm answers differ"

# ---- 4. damaged snapshots are rebuilt, never trusted
[ -n "$snap" ] && {
    cp "$snap" "$tmp/good.snap"
    size=$(stat -c %s "$snap")
    damage() { # NAME COMMAND...: damage the snapshot, answer, compare, check it was rewritten
        local name=$1; shift
        "$@"
        "$bin" locate 121.37 31.35 >"$tmp/p.d" 2>&1 || bad "$name: lookup failed"
        cmp -s "$tmp/p.cold" "$tmp/p.d" || { bad "$name: the answer changed"; diff "$tmp/p.cold" "$tmp/p.d" | head; }
        cmp -s "$snap" "$tmp/good.snap" || bad "$name: the snapshot was not rewritten as it was"
    }
    damage truncated truncate -s $((size / 2)) "$snap"
    damage "cut by one byte" truncate -s $((size - 1)) "$snap"
    damage "bit flipped" bash -c "printf '\\x55' | dd of='$snap' bs=1 seek=$((size / 3)) conv=notrunc status=none"
    damage "flipped checksum" bash -c "printf '\\x00\\x00' | dd of='$snap' bs=1 seek=$((size - 3)) conv=notrunc status=none"
    damage empty truncate -s 0 "$snap"
    damage garbage bash -c "head -c 4096 /dev/urandom >'$snap'"
    # a sound snapshot of another input under this input's name
    (cd "$here/data" && "$bin" --data adjacency.geojson locate 121.40 31.40 >/dev/null 2>&1)
    other=$(ls "$XDG_CACHE_HOME"/parkgis/layer-*.snap | grep -v "$(basename "$snap")" | head -1)
    [ -n "$other" ] && damage "another input's snapshot" cp "$other" "$snap"
    # an unwritable cache directory: answers as before, no error
    chmod 0500 "$XDG_CACHE_HOME/parkgis"; rm -f "$snap" 2>/dev/null
    if [ -w "$XDG_CACHE_HOME/parkgis" ]; then :; else
        "$bin" locate 121.37 31.35 >"$tmp/p.ro" 2>&1 || bad "lookup with a read-only cache failed"
        cmp -s "$tmp/p.cold" "$tmp/p.ro" || bad "a read-only cache changed the answer"
    fi
    chmod 0700 "$XDG_CACHE_HOME/parkgis"
}

# ---- 5. an edit that keeps size and mtime
cp "$here/data/adjacency.geojson" "$tmp/adj.geojson"
touch -r "$here/data/adjacency.geojson" "$tmp/adj.geojson"
"$bin" --data "$tmp/adj.geojson" locate 121.3995110 31.4029709 --format csv >"$tmp/e1" 2>&1 || bad "edit test: first lookup"
grep -q '甲园' "$tmp/e1" || bad "edit test: expected 甲园 in $(cat "$tmp/e1")"
sed -i 's/甲园/丙园/' "$tmp/adj.geojson"        # same length in UTF-8
touch -r "$here/data/adjacency.geojson" "$tmp/adj.geojson"
"$bin" --data "$tmp/adj.geojson" locate 121.3995110 31.4029709 --format csv >"$tmp/e2" 2>&1 || bad "edit test: second lookup"
grep -q '丙园' "$tmp/e2" || bad "an edit with size and mtime kept was answered from the old snapshot: $(cat "$tmp/e2")"

[ $fail = 0 ] && echo "locate cache: all checks passed"
exit $fail
