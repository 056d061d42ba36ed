#!/usr/bin/env bash
# bench/lean-proj.sh [--runs N] [--keep DIR]
#
# Evidence for a decision of issue 11 (one lookup in <= 10 ms), not part of the
# build: what a single lookup would take if parkgis loaded a PROJ built without
# network (curl) and TIFF-grid support. Debian's libproj.so.25 links libcurl-gnutls
# and libtiff, 38 more shared objects that every `parkgis locate` maps and binds at
# start-up (libproj is linked -z now) and that no lookup uses: parkgis's CRSs need
# no grid (CGCS2000 and WGS84 share GRS80/WGS84 ellipsoids within a metre, the
# plane is tmerc on GRS80).
#
# Fetches Debian's own source package of the installed PROJ (apt-get source with
# a deb-src list of its own under the scratch directory: the system's apt sources
# are not touched), builds libproj with -DENABLE_CURL=OFF -DENABLE_TIFF=OFF (about
# 4.5-12 min on 2 cores), then runs the floor and the two warm lookups of
# bench/single.sh, with Debian's libproj and with the lean one first on
# LD_LIBRARY_PATH (same SONAME, same version: GDAL, when a command loads it,
# binds to the one already loaded); checks the answers are the same; prints median / min wall ms and callgrind instructions of each.
# --keep DIR keeps (or reuses) the built library in DIR.
runs=50 pg=0 keep=""
. "$(dirname "$0")/common.sh"
bench_parse "bench/lean-proj.sh [--runs N] [--keep DIR]" "$@"
set -- ${rest[@]+"${rest[@]}"}
while [ $# -gt 0 ]; do
    case $1 in
    --keep) [ $# -ge 2 ] || bench_usage; keep=$2; shift ;;
    *) bench_usage ;;
    esac
    shift
done
bench_build parkgis bench_exec bench_floor_libs
bench_tmp parkgis-leanproj
export XDG_CACHE_HOME=$tmp/cache
ver=$(dpkg-query -W -f '${source:Version}' libproj25 2>/dev/null) || { echo "lean-proj: Debian's libproj25 is not installed" >&2; exit 77; }
lib=${keep:-$tmp/proj}/lib
if [ ! -e "$lib/libproj.so.25" ]; then
    a=$tmp/apt; mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/src" "$a/parts"
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >"$a/parts/debian-src.sources"
    o=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$a/parts" -o Dir::State::Lists="$a/lists" -o Dir::Cache="$a/cache")
    apt-get "${o[@]}" update >/dev/null
    (cd "$a/src" && apt-get "${o[@]}" source --download-only "proj=$ver" >/dev/null 2>&1) || { echo "lean-proj: apt-get source proj=$ver failed" >&2; exit 1; }
    tar xzf "$a"/src/proj_*.orig.tar.gz -C "$a/src"
    t0=$SECONDS
    cmake -S "$a"/src/proj-*/ -B "$a/build" -DCMAKE_BUILD_TYPE=Release -DENABLE_TIFF=OFF -DENABLE_CURL=OFF \
        -DBUILD_APPS=OFF -DBUILD_TESTING=OFF -DBUILD_SHARED_LIBS=ON >/dev/null
    cmake --build "$a/build" -j"$(nproc)" >/dev/null
    echo "== built PROJ $ver without curl and TIFF in $((SECONDS - t0)) s (load $(cut -d' ' -f1-3 /proc/loadavg))"
    mkdir -p "$lib" && cp -a "$a"/build/lib/libproj.so* "$lib/"
fi
P=$root/$b/parkgis X=$root/$b/bench_exec F=$root/$b/bench_floor_libs
LON=121.37 LAT=31.35 ADDR="上海市宝山区富联一路98弄6号"
"$P" locate "$LON" "$LAT" >/dev/null; "$P" locate "$ADDR" >/dev/null # warm the cache
for q in "$LON $LAT" "$ADDR"; do
    # shellcheck disable=SC2086
    if ! cmp -s <("$P" locate $q 2>&1) <(LD_LIBRARY_PATH=$lib "$P" locate $q 2>&1); then
        echo "lean-proj: the answers differ for $q" >&2; exit 1
    fi
done
echo "== $runs runs each; wall ms median / min; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-46s %10s %10s %8s %14s\n' "start to exit" "PROJ" "median" "min" "instructions"

for label in floor point address; do
    case $label in
    floor) cmd=("$F") ;;
    point) cmd=("$P" locate "$LON" "$LAT") ;;
    address) cmd=("$P" locate "$ADDR") ;;
    esac
    for v in debian lean; do
        e=(env); [ $v = lean ] && e=(env LD_LIBRARY_PATH="$lib")
        read -r med _ min <<<"$("$X" "$runs" -- "${e[@]}" "${cmd[@]}")"
        n=""; command -v valgrind >/dev/null && n=$("${e[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null "${cmd[@]}" 2>&1 >/dev/null | grep -o 'Collected : [0-9]*' | grep -o '[0-9]*$')
        printf '%-46s %10s %10s %8s %14s\n' "$label" "$v" "$med" "$min" "$n"
    done
done
