/* export_shp.c - Shapefiles through shapelib, which (unlike OGR's writer) lets us
 * set the DBF code page ourselves: UTF-8 with a .cpg saying so, or CP936 (GBK)
 * with LDID 0x4D and a .cpg "936" for older ArcGIS. Per layer: .shp .shx .dbf,
 * .prj (ESRI WKT from PROJ), .cpg and a QGIS .qml.
 *
 * DBF limits shape the attributes: field names <= 10 ASCII characters (id,
 * name, group, official, area_km2, provenanc) and text <= 254 bytes, so a longer
 * provenance is cut at a character boundary with "…" and a note says so (the
 * GeoPackage / GeoJSON exports keep it whole). */
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <shapefil.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

#define DBF_TEXT_MAX 254
/* dBASE language driver id of code page 936 (Simplified Chinese GBK), the value
 * ArcGIS writes and GDAL maps back to CP936. */
#define LDID_CP936 0x4D

/* shapelib reports errors through a hook without user data: keep the last one. */
static _Thread_local char shp_err[512];
static void shp_error_hook(const char *msg) { snprintf(shp_err, sizeof shp_err, "%s", msg); }

static const char *shp_errmsg(void) { return shp_err[0] ? shp_err : strerror(errno); }

enum { F_ID, F_NAME, F_GROUP, F_LAYOUT, F_PROV, NTEXT };
static const char *const text_field[NTEXT] = {"id", "name", "group", "layout", "provenanc"};

/* CSV text field: quoted, quotes doubled (RFC 4180). */
static void csv_field(park_buf *b, const char *s) {
    park_buf_append(b, "\"");
    for (; s && *s; s++) {
        if (*s == '"') park_buf_append(b, "\"");
        park_buf_appendn(b, s, 1);
    }
    park_buf_append(b, "\"");
}

/* UTF-8 -> CP936 with iconv; NULL and *bad set when a character has no GBK form. */
static char *to_cp936(iconv_t cd, const char *s, int *bad) {
    size_t inlen = strlen(s), outcap = inlen * 2 + 4, outleft = outcap;
    char *out = malloc(outcap), *op = out;
    char *ip = (char *)s;
    *bad = 0;
    if (!out) return NULL;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &ip, &inlen, &op, &outleft) == (size_t)-1) {
        *bad = 1;
        free(out);
        return NULL;
    }
    *op = '\0';
    return out;
}

typedef struct shp_parts {
    int nparts, nverts, cap_parts, cap_verts;
    int *start;
    double *x, *y;
} shp_parts;

static int parts_add_seq(park_ctx *ctx, shp_parts *sp, const GEOSGeometry *g) {
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, g);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n)) return 0;
    if (sp->nparts == sp->cap_parts) {
        sp->cap_parts = sp->cap_parts ? sp->cap_parts * 2 : 8;
        int *ns = realloc(sp->start, (size_t)sp->cap_parts * sizeof *ns);
        if (!ns) return 0;
        sp->start = ns;
    }
    if (sp->nverts + (int)n > sp->cap_verts) {
        sp->cap_verts = (sp->nverts + (int)n) * 2;
        double *nx = realloc(sp->x, (size_t)sp->cap_verts * sizeof *nx);
        if (!nx) return 0;
        sp->x = nx;
        double *ny = realloc(sp->y, (size_t)sp->cap_verts * sizeof *ny);
        if (!ny) return 0;
        sp->y = ny;
    }
    sp->start[sp->nparts++] = sp->nverts;
    for (unsigned i = 0; i < n; i++) {
        GEOSCoordSeq_getXY_r(ctx->geos, cs, i, &sp->x[sp->nverts], &sp->y[sp->nverts]);
        sp->nverts++;
    }
    return 1;
}

/* Flattens a GEOS geometry into shapelib parts: every ring of every polygon, every
 * linestring, or the points. */
static int collect_parts(park_ctx *ctx, shp_parts *sp, const GEOSGeometry *g) {
    int t = GEOSGeomTypeId_r(ctx->geos, g);
    if (GEOSisEmpty_r(ctx->geos, g)) return 1;
    switch (t) {
    case GEOS_POLYGON: {
        if (!parts_add_seq(ctx, sp, GEOSGetExteriorRing_r(ctx->geos, g))) return 0;
        int nh = GEOSGetNumInteriorRings_r(ctx->geos, g);
        for (int h = 0; h < nh; h++)
            if (!parts_add_seq(ctx, sp, GEOSGetInteriorRingN_r(ctx->geos, g, h))) return 0;
        return 1;
    }
    case GEOS_LINESTRING:
    case GEOS_POINT: return parts_add_seq(ctx, sp, g);
    default: {
        int n = GEOSGetNumGeometries_r(ctx->geos, g);
        for (int i = 0; i < n; i++)
            if (!collect_parts(ctx, sp, GEOSGetGeometryN_r(ctx->geos, g, i))) return 0;
        return 1;
    }
    }
}

static park_status write_layer(exp_job *job, const char *dir, const exp_layer *l, iconv_t cd, const char *prj) {
    park_ctx *ctx = job->ctx;
    park_status st = PARK_OK;
    SAHooks hooks;
    SASetupDefaultHooks(&hooks);
    hooks.Error = shp_error_hook;
    shp_err[0] = '\0';

    char *base = park_asprintf("%s/%s", dir, l->name);
    char *dbfpath = park_asprintf("%s.dbf", base);
    int type = l->kind == EXP_POLYGON ? SHPT_POLYGON : l->kind == EXP_LINE ? SHPT_ARC : l->multi ? SHPT_MULTIPOINT : SHPT_POINT;
    SHPHandle shp = NULL;
    DBFHandle dbf = NULL;
    char *text[NTEXT];
    char **vals = calloc(l->n * NTEXT, sizeof *vals);
    int widths[NTEXT] = {1, 1, 1, 1, 1};
    size_t ncut = 0;
    park_buf cut_ids;
    park_buf_init(&cut_ids);
    shp_parts sp = {0};
    (void)text;
    if (!vals) {
        st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
        goto done;
    }

    /* Text values first: encoding and truncation decide the field widths. */
    for (size_t i = 0; i < l->n; i++) {
        const park_parcel *p = l->f[i].p;
        const char *src[NTEXT] = {p->id, p->name, p->layout, l->f[i].members ? l->f[i].members : "", p->provenance};
        for (int k = 0; k < NTEXT; k++) {
            int cut = 0;
            char *v = exp_utf8_truncate(src[k] ? src[k] : "", DBF_TEXT_MAX, &cut);
            if (!v) {
                st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
                goto done;
            }
            if (cut) {
                ncut++;
                park_buf_printf(&cut_ids, "%s%s.%s", cut_ids.len ? ", " : "", p->id, text_field[k]);
            }
            /* GBK needs at most as many bytes as UTF-8 for every character, so
             * truncating the UTF-8 text first keeps the GBK text within 254. */
            if (cd != (iconv_t)-1) {
                int bad;
                char *g = to_cp936(cd, v, &bad);
                free(v);
                if (!g) {
                    st = bad ? park_error(ctx, PARK_ERR_OUTPUT,
                                          "%s.dbf: feature '%s', field %s: text has characters CP936 cannot encode (use --encoding UTF-8)",
                                          base, p->id, text_field[k])
                             : park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
                    goto done;
                }
                v = g;
            }
            vals[i * NTEXT + k] = v;
            int w = (int)strlen(v);
            if (w > widths[k]) widths[k] = w;
        }
    }
    if (ncut)
        park_buf_printf(&job->notes, "%s.dbf: %zu text value%s longer than the DBF limit of 254 bytes cut with \"…\" (%s); whole in %s.provenance.csv (and in the GeoPackage/GeoJSON exports)\n",
                        l->name, ncut, ncut == 1 ? "" : "s", cut_ids.s, l->name);

    shp = SHPCreateLL(base, type, &hooks);
    if (!shp) {
        st = park_error(ctx, PARK_ERR_OUTPUT, "%s.shp: Failure writing .shp header: %s", base, shp_errmsg());
        goto done;
    }
    /* With "LDID/77" shapelib writes the language driver byte; with "UTF-8" it
     * writes a .cpg instead (there is no LDID for UTF-8). */
    char ldid[16];
    snprintf(ldid, sizeof ldid, "LDID/%d", LDID_CP936);
    dbf = DBFCreateLL(dbfpath, cd != (iconv_t)-1 ? ldid : "UTF-8", &hooks);
    if (!dbf) {
        st = park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure writing .dbf header: %s", dbfpath, shp_errmsg());
        goto done;
    }
    int fidx[NTEXT], fi_off = -1, fi_area = -1, fi_err = -1, fi_share = -1;
    for (int k = 0; k < NTEXT; k++) {
        fidx[k] = -1;
        if (k == F_LAYOUT && !l->has_members) continue;
        if (k == F_LAYOUT && l->kind == EXP_POLYGON) {
            /* numeric fields before layout and provenance, the order of the other formats */
            fi_off = DBFAddField(dbf, "official", FTDouble, 16, 6);
            fi_area = DBFAddField(dbf, "area_km2", FTDouble, 16, 6);
            fi_err = DBFAddField(dbf, "error_m", FTDouble, 10, 1);
            fi_share = DBFAddField(dbf, "src_share", FTDouble, 6, 3);
            if (fi_off < 0 || fi_area < 0 || fi_err < 0 || fi_share < 0) {
                st = park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure adding numeric fields: %s", dbfpath, shp_errmsg());
                goto done;
            }
        }
        if (k == F_PROV && l->kind == EXP_POLYGON && fi_off < 0) {
            fi_off = DBFAddField(dbf, "official", FTDouble, 16, 6);
            fi_area = DBFAddField(dbf, "area_km2", FTDouble, 16, 6);
            fi_err = DBFAddField(dbf, "error_m", FTDouble, 10, 1);
            fi_share = DBFAddField(dbf, "src_share", FTDouble, 6, 3);
            if (fi_off < 0 || fi_area < 0 || fi_err < 0 || fi_share < 0) {
                st = park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure adding numeric fields: %s", dbfpath, shp_errmsg());
                goto done;
            }
        }
        fidx[k] = DBFAddField(dbf, text_field[k], FTString, widths[k], 0);
        if (fidx[k] < 0) {
            st = park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure adding field %s: %s", dbfpath, text_field[k], shp_errmsg());
            goto done;
        }
    }

    for (size_t i = 0; i < l->n; i++) {
        const exp_feature *f = &l->f[i];
        sp.nparts = sp.nverts = 0;
        if (!collect_parts(ctx, &sp, f->g)) {
            st = park_error(ctx, PARK_ERR_INTERNAL, "%s.shp: feature '%s': cannot read geometry: %s", base, f->p->id, ctx->geos_msg);
            goto done;
        }
        SHPObject *obj = sp.nverts == 0 ? SHPCreateSimpleObject(SHPT_NULL, 0, NULL, NULL, NULL)
                         : type == SHPT_POINT ? SHPCreateSimpleObject(type, 1, sp.x, sp.y, NULL)
                         : type == SHPT_MULTIPOINT ? SHPCreateSimpleObject(type, sp.nverts, sp.x, sp.y, NULL)
                                                   : SHPCreateObject(type, -1, sp.nparts, sp.start, NULL, sp.nverts, sp.x, sp.y, NULL, NULL);
        if (!obj) {
            st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
            goto done;
        }
        /* ESRI wants outer rings clockwise and holes counter-clockwise. */
        if (type == SHPT_POLYGON) SHPRewindObject(shp, obj);
        int rec = SHPWriteObject(shp, -1, obj);
        SHPDestroyObject(obj);
        if (rec < 0) {
            st = park_error(ctx, PARK_ERR_OUTPUT, "%s.shp: Failure writing .shp record for feature '%s': %s", base, f->p->id, shp_errmsg());
            goto done;
        }
        int ok = 1;
        for (int k = 0; k < NTEXT; k++)
            if (fidx[k] >= 0) ok &= DBFWriteStringAttribute(dbf, rec, fidx[k], vals[i * NTEXT + k]);
        if (fi_off >= 0) {
            ok &= isfinite(f->p->official_km2) ? DBFWriteDoubleAttribute(dbf, rec, fi_off, f->p->official_km2)
                                                : DBFWriteNULLAttribute(dbf, rec, fi_off);
            ok &= DBFWriteDoubleAttribute(dbf, rec, fi_area, f->area_km2);
            ok &= isfinite(f->error_m) ? DBFWriteDoubleAttribute(dbf, rec, fi_err, f->error_m) : DBFWriteNULLAttribute(dbf, rec, fi_err);
            ok &= isfinite(f->src_share) ? DBFWriteDoubleAttribute(dbf, rec, fi_share, f->src_share)
                                         : DBFWriteNULLAttribute(dbf, rec, fi_share);
        }
        if (!ok) {
            st = park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure writing .dbf record for feature '%s': %s", dbfpath, f->p->id, shp_errmsg());
            goto done;
        }
    }
    SHPClose(shp), shp = NULL;
    DBFClose(dbf), dbf = NULL;
    if (shp_err[0]) {
        st = park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure closing the shapefile: %s", base, shp_err);
        goto done;
    }

    /* .cpg for CP936 (shapelib wrote the UTF-8 one), .prj, .qml */
    char *path = park_asprintf("%s.cpg", base);
    if (cd != (iconv_t)-1) st = exp_write_text(ctx, path, "936");
    free(path);
    if (st) goto done;
    path = park_asprintf("%s.prj", base);
    st = exp_write_text(ctx, path, prj);
    free(path);
    if (st) goto done;
    if (ncut) {
        /* the DBF holds 254 bytes: every provenance whole in a sidecar QGIS can
         * open and join on id, and parkgis reads back (store/layer.c) */
        park_buf csv;
        park_buf_init(&csv);
        park_buf_append(&csv, "id,provenance\r\n");
        for (size_t i = 0; i < l->n; i++) {
            csv_field(&csv, l->f[i].p->id);
            park_buf_append(&csv, ",");
            csv_field(&csv, l->f[i].p->provenance);
            park_buf_append(&csv, "\r\n");
        }
        path = park_asprintf("%s.provenance.csv", base);
        st = exp_write_text(ctx, path, csv.s);
        free(path);
        park_buf_free(&csv);
        if (st) goto done;
    }
    char *qml = exp_qml(job, l);
    path = park_asprintf("%s.qml", base);
    st = exp_write_text(ctx, path, qml);
    free(path), free(qml);
    if (st) goto done;
    char *fname = park_asprintf("%s.shp", l->name);
    exp_report_add(job, l, fname);
    free(fname);

done:
    if (shp) SHPClose(shp);
    if (dbf) DBFClose(dbf);
    if (vals)
        for (size_t i = 0; i < l->n * NTEXT; i++) free(vals[i]);
    free(vals);
    free(sp.start), free(sp.x), free(sp.y);
    park_buf_free(&cut_ids);
    free(base), free(dbfpath);
    return st;
}

park_status exp_write_shp(exp_job *job, const char *dir) {
    park_ctx *ctx = job->ctx;
    PJ *crs = proj_create(ctx->proj, job->t_srs);
    const char *wkt = crs ? proj_as_wkt(ctx->proj, crs, PJ_WKT1_ESRI, NULL) : NULL;
    if (!wkt) {
        if (crs) proj_destroy(crs);
        return park_error(ctx, PARK_ERR_USAGE, "%s: PROJ has no ESRI WKT for this CRS, so no .prj can be written", job->t_srs);
    }
    char *prj = park_strdup(wkt);
    proj_destroy(crs);
    iconv_t cd = (iconv_t)-1;
    if (job->cp936) {
        cd = iconv_open("CP936", "UTF-8");
        if (cd == (iconv_t)-1) {
            free(prj);
            return park_error(ctx, PARK_ERR_INTERNAL, "iconv cannot convert UTF-8 to CP936 on this system: %s", strerror(errno));
        }
    }
    park_status st = PARK_OK;
    for (size_t i = 0; i < job->nlayers && !st; i++) st = write_layer(job, dir, &job->layers[i], cd, prj);
    if (cd != (iconv_t)-1) iconv_close(cd);
    free(prj);
    return st;
}
