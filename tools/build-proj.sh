#!/usr/bin/env bash
# tools/build-proj.sh [PREFIX] - the lean PROJ parkgis links (issue 11: one lookup <= 10 ms).
#
# Debian's libproj.so.25 links libcurl-gnutls and libtiff, and with them 38 more
# shared objects that every `parkgis locate` would map and bind before main
# (libproj is linked -z now): about three quarters of a single lookup, and
# nothing parkgis does uses them (its CRSs need no grid: CGCS2000 and WGS84 share
# an ellipsoid within a metre, the plane is tmerc on GRS80; no network grids).
#
# So this builds libproj.a from Debian's own source package of the installed
# PROJ version (apt-get source, with an apt list of its own in a scratch
# directory made from the system's Debian sources as deb-src: the system's apt
# configuration is not touched; apt checks the files
# against the archive's signed index; Debian applies no patches to 9.1.1-1), with
# Debian's compiler flags (dpkg-buildflags, less -g), without curl and TIFF, and
# installs it as PREFIX/lib/libproj.a (default /opt/parkgis/proj-UPSTREAM_VERSION)
# with PREFIX/parkgis-proj.stamp naming the Debian version, options and flags.
# Headers and proj.db stay Debian's (the same version: CMakeLists.txt checks it).
# CMakeLists.txt links it when the stamp matches the installed libproj-dev, and
# Debian's shared libproj otherwise (-DPARKGIS_LEAN_PROJ=OFF to choose that).
#
# Idempotent: nothing is done when the stamp matches. About 4-10 min on 2 cores.
# Exit codes: 0 built or up to date, 1 failed (nothing installed or replaced).
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
ver=$(dpkg-query -W -f '${source:Version}' libproj25 2>/dev/null) || { echo "build-proj: Debian's libproj25 is not installed" >&2; exit 1; }
up=${ver%%-*}; up=${up#*:}
prefix=${1:-/opt/parkgis/proj-$up}
cflags=$(dpkg-buildflags --get CFLAGS | sed -E 's/(^| )-g( |$)/\1/; s/-ffile-prefix-map=[^ ]* //')
cxxflags=$(dpkg-buildflags --get CXXFLAGS | sed -E 's/(^| )-g( |$)/\1/; s/-ffile-prefix-map=[^ ]* //')
opts="-DENABLE_CURL=OFF -DENABLE_TIFF=OFF -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON"
want="proj $ver static; $opts; CFLAGS=$cflags; CXXFLAGS=$cxxflags"
if [ -f "$prefix/lib/libproj.a" ] && [ "$(cat "$prefix/parkgis-proj.stamp" 2>/dev/null)" = "$want" ]; then
    echo "build-proj: $prefix is up to date (PROJ $ver)"
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/parkgis-proj.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
a=$tmp/apt; mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/src" "$a/parts"
# the system's own Debian sources (its mirror), as deb-src; Debian's archive when it has none
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -q 'debian' "$f" && sed 's/^Types: deb$/Types: deb-src/' "$f" >"$a/parts/$(basename "$f")"
done
[ -f /etc/apt/sources.list ] && sed -n 's/^deb \(.*debian.*\)$/deb-src \1/p' /etc/apt/sources.list >"$a/parts/system.list"
if ! grep -qs -e '^Types: deb-src' -e '^deb-src ' "$a"/parts/*; then
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb-src\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >"$a/parts/debian-src.sources"
fi
o=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$a/parts" -o Dir::State::Lists="$a/lists" -o Dir::Cache="$a/cache")
apt-get "${o[@]}" update >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; echo "build-proj: apt-get update (deb-src) failed" >&2; exit 1; }
(cd "$a/src" && apt-get "${o[@]}" source --download-only "proj=$ver") >>"$tmp/apt.log" 2>&1 ||
    { tail -5 "$tmp/apt.log" >&2; echo "build-proj: apt-get source proj=$ver failed" >&2; exit 1; }
tar xzf "$a"/src/proj_"$up".orig.tar.gz -C "$tmp"
src=$tmp/proj-$up
[ -f "$src/CMakeLists.txt" ] || { echo "build-proj: $src/CMakeLists.txt missing after unpacking" >&2; exit 1; }
if tar tJf "$a"/src/proj_"$ver".debian.tar.xz 2>/dev/null | grep -q '^debian/patches/series$'; then
    echo "build-proj: Debian's proj $ver carries patches; this script does not apply them yet" >&2
    exit 1
fi
t0=$SECONDS
# CMAKE_INSTALL_PREFIX=/usr: the data directory compiled in is Debian's /usr/share/proj (proj.db)
# shellcheck disable=SC2086
cmake -S "$src" -B "$tmp/build" -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS="$cflags" -DCMAKE_CXX_FLAGS="$cxxflags" \
    -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_APPS=OFF -DBUILD_TESTING=OFF $opts >"$tmp/cmake.log" 2>&1 ||
    { tail -20 "$tmp/cmake.log" >&2; echo "build-proj: configuring PROJ failed" >&2; exit 1; }
nice cmake --build "$tmp/build" --target proj -j"$(nproc)" >"$tmp/build.log" 2>&1 ||
    { tail -20 "$tmp/build.log" >&2; echo "build-proj: building libproj.a failed" >&2; exit 1; }
lib=$(find "$tmp/build" -name libproj.a | head -1)
[ -n "$lib" ] || { echo "build-proj: no libproj.a was built" >&2; exit 1; }
# install atomically: a complete PREFIX.new, then renamed over the old one
$SUDO mkdir -p "$(dirname "$prefix")"
$SUDO rm -rf "$prefix.new"
$SUDO mkdir -p "$prefix.new/lib"
$SUDO cp "$lib" "$prefix.new/lib/libproj.a"
printf '%s\n' "$want" | $SUDO tee "$prefix.new/parkgis-proj.stamp" >/dev/null
$SUDO rm -rf "$prefix.old"
[ ! -e "$prefix" ] || $SUDO mv "$prefix" "$prefix.old"
$SUDO mv "$prefix.new" "$prefix"
$SUDO rm -rf "$prefix.old"
echo "build-proj: built PROJ $ver without curl and TIFF in $((SECONDS - t0)) s -> $prefix/lib/libproj.a"
