/* sources.h - internal to src/sources (and tools built on it). */
#ifndef PARKGIS_SOURCES_INTERNAL_H
#define PARKGIS_SOURCES_INTERNAL_H

/* An OSM extract already open as `ds` (any driver; layers named as the OSM
 * driver's, "lines", "multipolygons", ..., or Geofabrik's gis_osm_*): its
 * features read by the same loop as park_osm_open + load (osm.c's
 * read_dataset), inside aoi = lon0, lat0, lon1, lat1. `name` is what messages
 * call it. The caller keeps ds. For the feature-level fuzzer
 * (tests/fuzz/fuzz_osm_features.c). */
#ifdef GDAL_H_INCLUDED /* gdal.h comes before internal.h, which fences GDALAllRegister */
park_status park_osm_from_dataset(park_ctx *ctx, GDALDatasetH ds, const char *name, const double aoi[4], park_osm **out);
#endif

/* The local metric CRS of the source layer: transverse Mercator on Baoshan, GRS80. */
#define PARK_LOCAL_CRS "+proj=tmerc +lat_0=31.35 +lon_0=121.45 +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs"

/* park_chain_lines: how the first line is turned when it runs the wrong way, and
 * how ends are measured. */
typedef enum park_chain_mode {
    /* metric coordinates, planar distances; the first line is turned whenever its
     * start is nearer the second line than its end is */
    PARK_CHAIN_METRIC_TURN_NEARER,
    /* lon/lat coordinates, geodesic distances; the first line is turned only when
     * its end does not join the second line and its start does */
    PARK_CHAIN_LONLAT_TURN_TO_JOIN
} park_chain_mode;

/* Chains `lines` (LineStrings given in order along one feature) into as few
 * LineStrings as possible: each next line is turned to start at the end nearer
 * the chain's current end and appended when that gap is at most `join_m` metres
 * (the joint becomes a straight link); otherwise a new LineString starts.
 * Repeated vertices are dropped. Returns a new LineString, or a MultiLineString
 * (empty when no line has two points). Used by osm_feature.c and
 * tools/build_gazetteer.c. */
GEOSGeometry *park_chain_lines(park_ctx *ctx, GEOSGeometry *const *lines, size_t n, double join_m, park_chain_mode mode);
#endif
