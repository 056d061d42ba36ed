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
# PROJ version: apt-get source, with an apt list of its own in a scratch
# directory made from the system's Debian sources as deb-src (the system's apt
# configuration is not touched; apt checks the files against the archive's
# signed index), unpacked by dpkg-source (which checks them against the .dsc and
# applies Debian's patches, if any), built with Debian's compiler and
# preprocessor flags (dpkg-buildflags, less -g: _FORTIFY_SOURCE and the stack
# protector kept) and without curl and TIFF. It is installed as
# PREFIX/lib/libproj.a (default /opt/parkgis/proj-UPSTREAM_VERSION) beside
# PREFIX/parkgis-proj.stamp, which names the Debian version, options and flags.
# PREFIX is a symbolic link to PREFIX.d/<stamp hash>, swapped in one rename once
# the new tree is complete, under a lock: an interrupted or concurrent run never
# leaves PREFIX without a whole library. Headers and proj.db stay Debian's (the
# same version: CMakeLists.txt links the archive only when the stamp names the
# installed libproj-dev, Debian's shared libproj otherwise, or with
# -DPARKGIS_LEAN_PROJ=OFF).
#
# Idempotent: nothing is done when the stamp matches. About 2-5 min on 2 cores.
# Exit codes: 0 built or up to date, 1 failed (nothing installed or replaced).
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
st=$(dpkg-query -W -f '${db:Status-Status}' libproj25 2>/dev/null || true)
[ "$st" = installed ] || { echo "build-proj: Debian's libproj25 is not installed (status '${st:-none}')" >&2; exit 1; }
ver=$(dpkg-query -W -f '${source:Version}' libproj25)
up=${ver%%-*}; up=${up#*:}
prefix=${1:-/opt/parkgis/proj-$up}
nog() { sed -E 's/(^| )-g( |$)/\1/; s/-ffile-prefix-map=[^ ]* //'; }
cppflags=$(dpkg-buildflags --get CPPFLAGS)
cflags="$cppflags $(dpkg-buildflags --get CFLAGS | nog)"
cxxflags="$cppflags $(dpkg-buildflags --get CXXFLAGS | nog)"
opts="-DENABLE_CURL=OFF -DENABLE_TIFF=OFF -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON"
want="proj $ver static; $opts; CFLAGS=$cflags; CXXFLAGS=$cxxflags"
if [ -f "$prefix/lib/libproj.a" ] && [ "$(cat "$prefix/parkgis-proj.stamp" 2>/dev/null)" = "$want" ]; then
    echo "build-proj: $prefix is up to date (PROJ $ver)"
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/parkgis-proj.XXXXXX")
chmod 755 "$tmp" # apt drops to its _apt user to download
trap 'rm -rf "$tmp"' EXIT
a=$tmp/apt; mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/src" "$a/parts"
# the system's own Debian sources (its mirror), as deb-src; Debian's archive when it has none
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -q 'debian' "$f" && sed 's/^Types: deb$/Types: deb-src/' "$f" >"$a/parts/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && sed -n 's/^deb \(.*debian.*\)$/deb-src \1/p' "$f" >"$a/parts/src-$(basename "$f")"
done
if ! grep -qs -e '^Types: deb-src' -e '^deb-src ' "$a"/parts/*; then
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb-src\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >"$a/parts/debian-src.sources"
fi
o=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$a/parts" -o Dir::State::Lists="$a/lists" -o Dir::Cache="$a/cache")
apt-get "${o[@]}" update >"$tmp/apt.log" 2>&1 || { tail -5 "$tmp/apt.log" >&2; echo "build-proj: apt-get update (deb-src) failed" >&2; exit 1; }
(cd "$a/src" && apt-get "${o[@]}" source --download-only "proj=$ver") >>"$tmp/apt.log" 2>&1 ||
    { tail -5 "$tmp/apt.log" >&2; echo "build-proj: apt-get source proj=$ver failed" >&2; exit 1; }
dsc=$(ls "$a"/src/proj_*.dsc 2>/dev/null | head -1)
[ -n "$dsc" ] || { echo "build-proj: no .dsc for proj $ver was downloaded" >&2; exit 1; }
src=$tmp/proj-src
# checks every file against the .dsc's checksums and applies debian/patches; the
# signature warning (no Debian keyring for gpgv) is expected: apt checked the files
(cd "$a/src" && dpkg-source -x "$dsc" "$src") >"$tmp/unpack.log" 2>&1 ||
    { tail -5 "$tmp/unpack.log" >&2; echo "build-proj: dpkg-source -x $(basename "$dsc") failed" >&2; exit 1; }
[ -f "$src/CMakeLists.txt" ] || { echo "build-proj: $src/CMakeLists.txt missing after unpacking" >&2; exit 1; }
t0=$SECONDS
# CMAKE_INSTALL_PREFIX=/usr: the data directory compiled in is Debian's /usr/share/proj (proj.db;
# parkgis also sets it as its search path: src/util/ctx.c)
# shellcheck disable=SC2086
cmake -S "$src" -B "$tmp/build" -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS="$cflags" -DCMAKE_CXX_FLAGS="$cxxflags" \
    -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_APPS=OFF -DBUILD_TESTING=OFF $opts >"$tmp/cmake.log" 2>&1 ||
    { tail -20 "$tmp/cmake.log" >&2; echo "build-proj: configuring PROJ failed" >&2; exit 1; }
nice cmake --build "$tmp/build" --target proj -j"$(nproc)" >"$tmp/build.log" 2>&1 ||
    { tail -20 "$tmp/build.log" >&2; echo "build-proj: building libproj.a failed" >&2; exit 1; }
lib=$(find "$tmp/build" -name libproj.a | head -1)
[ -n "$lib" ] || { echo "build-proj: no libproj.a was built" >&2; exit 1; }
# install: a complete PREFIX.d/<hash>, then PREFIX (a symbolic link) swapped to it in one rename
hash=$(printf '%s' "$want" | sha256sum | cut -c1-16)
$SUDO mkdir -p "$prefix.d"
$SUDO touch "$prefix.d/.lock"
if command -v flock >/dev/null; then exec 9<"$prefix.d/.lock"; flock 9; fi
d=$prefix.d/$hash
$SUDO rm -rf "$d.new"
$SUDO mkdir -p "$d.new/lib"
$SUDO cp "$lib" "$d.new/lib/libproj.a"
printf '%s\n' "$want" | $SUDO tee "$d.new/parkgis-proj.stamp" >/dev/null
$SUDO rm -rf "$d"
$SUDO mv "$d.new" "$d"
[ -d "$prefix" ] && [ ! -L "$prefix" ] && $SUDO rm -rf "$prefix" # a plain directory of an older script
$SUDO ln -sfn "$d" "$prefix.tmp.$$"
$SUDO mv -T "$prefix.tmp.$$" "$prefix"
for old in "$prefix.d"/*; do [ "$old" = "$d" ] || $SUDO rm -rf "$old"; done
echo "build-proj: built PROJ $ver without curl and TIFF in $((SECONDS - t0)) s -> $prefix/lib/libproj.a"
