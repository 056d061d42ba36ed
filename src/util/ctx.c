/* ctx.c - the context: GEOS reentrant handle, PROJ context, one error slot. */
#include <gdal.h>
#include <pthread.h>
#include <shapefil.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

/* GEOS reports errors through a callback; keep the text so the caller's message
 * can quote it ("GEOS: Self-intersection at ..."). */
static void geos_error(const char *msg, void *userdata) {
    park_ctx *ctx = userdata;
    snprintf(ctx->geos_msg, sizeof ctx->geos_msg, "%s", msg);
}
static void geos_notice(const char *msg, void *userdata) {
    (void)msg;
    (void)userdata;
}

park_ctx *park_ctx_new(void) {
    park_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return NULL;
    ctx->geos = GEOS_init_r();
    if (!ctx->geos) {
        free(ctx);
        return NULL;
    }
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_error, ctx);
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_notice, ctx);
    ctx->proj = proj_context_create();
    /* PROJ prints to stderr by default; we report errors ourselves. */
    proj_log_level(ctx->proj, PJ_LOG_NONE);
#ifdef PARKGIS_PROJ_DATA_DIR
    /* The static PROJ (tools/build-proj.sh) would look for proj.db beside the
     * executable first (<bin>/../share/proj, which is another PROJ's under /usr/local)
     * and then where its build put it: it reads Debian's, the same version, unless
     * the user names one with PROJ_DATA (or the older PROJ_LIB). */
    if (ctx->proj && !getenv("PROJ_DATA") && !getenv("PROJ_LIB")) {
        const char *dir = PARKGIS_PROJ_DATA_DIR;
        proj_context_set_search_paths(ctx->proj, 1, &dir);
    }
#endif
    return ctx;
}

void park_ctx_free(park_ctx *ctx) {
    if (!ctx) return;
    for (int i = ctx->non_free; i-- > 0;) ctx->on_free[i](ctx);
    if (ctx->proj) proj_context_destroy(ctx->proj);
    GEOS_finish_r(ctx->geos);
    free(ctx);
}

void park_ctx_set_gdal_drivers(park_ctx *ctx, const char *const *drivers) { ctx->gdal_drivers = drivers; }

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;
static void gdal_register_all(void) { GDALAllRegister(); }
void park_gdal_register(void) {
    pthread_once(&gdal_once, gdal_register_all);
    if (GDALGetDriverCount() == 0) GDALAllRegister();
}

void park_ctx_on_free(park_ctx *ctx, void (*fn)(park_ctx *ctx)) {
    for (int i = 0; i < ctx->non_free; i++)
        if (ctx->on_free[i] == fn) return;
    if (ctx->non_free < (int)(sizeof ctx->on_free / sizeof ctx->on_free[0])) ctx->on_free[ctx->non_free++] = fn;
}

const char *park_ctx_errmsg(const park_ctx *ctx) { return ctx ? ctx->errmsg : ""; }

void park_ctx_clear_error(park_ctx *ctx) {
    ctx->errmsg[0] = 0;
    ctx->geos_msg[0] = 0;
}

park_status park_error(park_ctx *ctx, park_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

park_status park_geos_fail(park_ctx *ctx, const char *what) {
    return park_error(ctx, PARK_ERR_INTERNAL, "GEOS failed in %s: %s", what,
                      ctx->geos_msg[0] ? ctx->geos_msg : "(no message)");
}

GEOSContextHandle_t park_ctx_geos(park_ctx *ctx) { return ctx->geos; }
PJ_CONTEXT *park_ctx_proj(park_ctx *ctx) { return ctx->proj; }

int park_status_exit_code(park_status st) { return (int)st; }

const char *park_status_name(park_status st) {
    switch (st) {
    case PARK_OK: return "ok";
    case PARK_ERR_CHECK: return "check failed";
    case PARK_ERR_USAGE: return "usage error";
    case PARK_ERR_INPUT: return "input error";
    case PARK_ERR_OUTPUT: return "output error";
    case PARK_ERR_NOTFOUND: return "not found";
    case PARK_ERR_INTERNAL: return "internal error";
    }
    return "unknown";
}

/* shapelib offers no run-time version call, so its version is the one the build
 * found (pkg-config, see CMakeLists.txt); the others are asked at run time. */
#ifndef PARKGIS_SHAPELIB_VERSION
#define PARKGIS_SHAPELIB_VERSION "(version unknown: no shapelib.pc at build time)"
#endif

/* PROJ linked as tools/build-proj.sh's libproj.a (CMakeLists.txt) says so */
#ifdef PARKGIS_PROJ_LEAN
#define PARKGIS_PROJ_BUILD " (linked statically, built without network and TIFF grids)"
#else
#define PARKGIS_PROJ_BUILD ""
#endif

void park_versions(char *buf, size_t len) {
    PJ_INFO pi = proj_info();
    snprintf(buf, len, "parkgis %s\nGEOS %s\nPROJ %s%s\nGDAL %s\nshapelib %s (at build time)",
             PARKGIS_VERSION, GEOSversion(), pi.release ? pi.release : "?", PARKGIS_PROJ_BUILD,
             GDALVersionInfo("RELEASE_NAME"), PARKGIS_SHAPELIB_VERSION);
}

void park_free(void *p) { free(p); }

#ifndef PARKGIS_DATA_DIR
#define PARKGIS_DATA_DIR "geodata"
#endif

const char *park_default_data_dir(void) {
    const char *e = getenv("PARKGIS_DATA");
    if (e && *e) return e;
    return PARKGIS_DATA_DIR;
}

const char *park_default_parcels_path(void) {
    static char path[4096];
    snprintf(path, sizeof path, "%s/parcels.geojson", park_default_data_dir());
    return path;
}
