/* parkgis_recompute.h - boundary adjustments (issue 6): validate an edited parcel
 * layer against a baseline, recompute geodesic areas, report what changed.
 * Ownership and error rules: see parkgis.h.
 *
 * Typical use (what `parkgis recompute` does):
 *   park_layer_read(ctx, edited_path, NULL, encoding, &edited);
 *   park_layer_read(ctx, park_default_parcels_path(), NULL, NULL, &baseline);
 *   park_recompute(ctx, baseline, edited, &opts, &rep);
 *   if (rep->errors) -> print rep->issues, exit PARK_ERR_CHECK
 *   else print rep->parcels, rep->elements, rep->total; optionally
 *        park_recompute_write_diff(ctx, rep, "diff.gpkg", overwrite).
 */
#ifndef PARKGIS_RECOMPUTE_H
#define PARKGIS_RECOMPUTE_H
#include <stdbool.h>

#include "parkgis.h"
#include "parkgis_query.h"
#ifdef __cplusplus
extern "C" {
#endif

/* The plan's stated total for 宝山园 (its table's rows add up to 30.62). */
#define PARK_STATED_TOTAL_KM2 30.63

typedef struct park_recompute_opts {
    park_validate_opts validate; /* thresholds for park_validate on the edited layer */
    /* Edited vertices within this distance (metres) of a baseline vertex count as
     * unmoved when gained/lost pieces are computed. A round trip through QGIS or
     * another CRS moves untouched vertices by micrometres (reprojection) up to
     * ~1 cm (GeoJSON written with 7 decimals); without snapping, every parcel
     * would show hair-thin gained/lost slivers. Default 0.05 m. */
    double snap_m;
    /* Compare every known layout (park_layout_list) element by element; layouts
     * none of whose elements meets the parcels are left out. Default 1. */
    int layouts;
    double stated_km2; /* whole-park reference, default PARK_STATED_TOTAL_KM2 */
} park_recompute_opts;
void park_recompute_opts_default(park_recompute_opts *o);

typedef enum park_change_kind {
    PARK_CHANGE_UNCHANGED = 0, /* same id, no gained or lost area */
    PARK_CHANGE_CHANGED,       /* same id, geometry differs */
    PARK_CHANGE_ADDED,         /* id only in the edited layer */
    PARK_CHANGE_REMOVED        /* id only in the baseline */
} park_change_kind;
const char *park_change_kind_name(park_change_kind k); /* "unchanged", "changed", "added", "removed" */

/* The area effect on one parcel, one layout element, or the whole park. */
typedef struct park_area_change {
    char *layout;        /* "" for parcels and the total; the layout id for elements */
    char *id;            /* parcel or element id ("TOTAL" for the whole park) */
    char *name;          /* name in the edited layer (the baseline's when removed) */
    char *old_name;      /* name in the baseline ("" when added) */
    park_change_kind kind;
    int renamed;         /* 1 when old_name differs from name */
    double old_m2;       /* geodesic area of the baseline geometry (0 when added) */
    double new_m2;       /* geodesic area of the edited geometry as saved (0 when removed) */
    double gained_m2;    /* geodesic area of edited minus baseline */
    double lost_m2;      /* geodesic area of baseline minus edited */
    struct GEOSGeom_t *gained, *lost; /* the pieces (lon/lat EPSG:4490), NULL when empty. Owned by the report. */
    /* The plan's figure: official_km2 (edited layer's, else the baseline's; for
     * TOTAL the plan's stated total); NAN when the plan gives none. */
    double plan_km2;
    /* Uncertainty of each figure from the boundary's error along its length
     * (model: README "Uncertainty"): Σ boundary length × error_m, a linear sum
     * because the error of a compiled edge is one feature's offset, the same
     * along its whole length. old_unc_m2: baseline boundary × its error_m.
     * new_unc_m2: the part of the edited boundary still on the baseline's ×
     * that error_m; the redrawn part (edited_m metres) is the planner's line,
     * whose error nothing here measures: not in the figure, reported as
     * unverified. change_unc_m2: the replaced baseline edges × error_m (the
     * kept edges cancel in the difference). NAN when the baseline states no
     * error_m. */
    double old_unc_m2, new_unc_m2, change_unc_m2;
    double edited_m;     /* length of the edited boundary not on the baseline's (m) */
    double error_m;      /* the error_m the baseline states for this boundary; NAN unknown */
    /* Parcels: how the new geometry was made: the baseline's provenance when
     * unchanged; "edited: ..." naming the edited file and its modification time
     * when changed or added (who edited it is not recorded). "" for elements. */
    char *provenance;
} park_area_change;

typedef struct park_recompute_report {
    /* Validation of the edited layer (park_validate's issues, copied; an error
     * other than "invalid" that the baseline has too becomes a warning marked
     * "(already in the baseline)") plus what recompute adds: "added"
     * (naming the missing baseline parcel it covers >= 50% of, when there is
     * one: an id changed in QGIS), "removed", "renamed" (same id, another
     * name) (warnings), "encoding" (error: text not UTF-8),
     * "input" (reader notes such as a missing .prj, warnings), "baseline"
     * (invalid baseline polygons, made valid to compare; warnings), "layout"
     * (a layout that cannot be built over one of the layers; elements compared
     * without removed parcels; warnings). */
    park_issue *issues;
    size_t nissues, errors, warnings;
    /* Filled only when errors == 0 (validation errors stop the recompute). */
    park_area_change *parcels;  /* baseline order, then added parcels in edited order */
    size_t nparcels;
    park_area_change *elements; /* per layout element, layouts in park_layout_list order */
    size_t nelements;
    park_area_change total;     /* whole park: sums of areas; gained/lost of the union */
    double stated_km2;
    int computed;               /* 1 when the areas were computed (errors == 0) */
    park_ctx *ctx;              /* private: the context that made it (frees its geometries) */
} park_recompute_report;

/* Validates `edited`, then (when it has no errors) compares it parcel by parcel
 * (matched by id) and layout element by element with `baseline`. *out is a new
 * report. Returns PARK_OK even when the edited layer has errors: look at
 * out->errors. o may be NULL for defaults. */
park_status park_recompute(park_ctx *ctx, const park_layer *baseline, const park_layer *edited,
                           const park_recompute_opts *o, park_recompute_report **out);
void park_recompute_report_free(park_recompute_report *r);

/* Writes the gained and lost pieces of every parcel as one GeoPackage layer
 * "parcel_changes" (fields parcel_id, name, kind = gained|lost, area_m2,
 * width_m (mean width 2·area/perimeter), uncertain (1 when the piece is
 * narrower than the baseline boundary's error_m or that error is unknown: it
 * may be no real change), provenance; MultiPolygon, EPSG:4490) with its QGIS
 * style as the default row of layer_styles (gained green, lost red, hatched
 * where uncertain), atomically (temp file + rename). PARK_ERR_OUTPUT
 * when `path` exists and !overwrite, or it cannot be written. */
park_status park_recompute_write_diff(park_ctx *ctx, const park_recompute_report *r, const char *path,
                                      bool overwrite);

#ifdef __cplusplus
}
#endif
#endif
