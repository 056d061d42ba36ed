/* empty.c - the start-up floors of bench/single.sh (issue 11).
 *
 * A program that does nothing, built three times (CMakeLists.txt, "benchmarks"):
 *   bench_floor_none    linked to libc alone
 *   bench_floor_noproj  linked to what `parkgis` needs at start-up less PROJ:
 *                       GEOS's C API, json-c, shapelib, libm
 *   bench_floor_libs    linked to all that `parkgis` needs at start-up: the above
 *                       and PROJ (the DT_NEEDED list `parkgis` keeps once GDAL,
 *                       cairo and fontconfig are dropped, src/util/lazylib.c)
 * each with --no-as-needed, so the dynamic loader maps and relocates every one of
 * them and their own dependencies as it does for `parkgis`. The time from start to
 * exit of these is what a single lookup cannot go below while it links them. */
int main(void) { return 0; }
