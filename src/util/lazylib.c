/* lazylib.c - GDAL, cairo and fontconfig are loaded when a command first needs
 * them (issue 11).
 *
 * Loading and relocating libgdal and the ~80 libraries it pulls in costs a
 * process some 36 ms of CPU before main (perf stat, task-clock), seven times
 * what a whole `parkgis locate LON LAT` needs once its parcel layer comes from
 * the snapshot cache (store/layer_cache.c). So the `parkgis` executable does
 * not list them as DT_NEEDED (cmake/elf_drop_needed.c removes the entries after
 * linking; the calls stay ordinary lazily bound PLT calls), and this file opens
 * them RTLD_GLOBAL before the first call: cli/main.c for every command but
 * `locate` (one lookup or a batch), and every GDAL reader on entry (GDALAllRegister is routed
 * here by internal.h; park_layer_read and park_resolver_new call
 * park_libs_require themselves). A program linked normally (unit tests,
 * tools) already has them loaded: dlopen then only finds them. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "../internal.h"
#undef GDALAllRegister
#undef CPLQuietErrorHandler
#include <cpl_error.h>
#include <gdal.h>

#ifndef PARKGIS_LAZY_SONAMES
#define PARKGIS_LAZY_SONAMES /* none: everything is linked normally */
#endif
static const char *const lazy_sonames[] = {PARKGIS_LAZY_SONAMES NULL};

static int libs_loaded;
static pthread_once_t libs_once = PTHREAD_ONCE_INIT;

static void libs_load(void) {
    for (size_t i = 0; lazy_sonames[i]; i++) {
        if (!dlopen(lazy_sonames[i], RTLD_NOW | RTLD_GLOBAL)) {
            /* nothing sensible can follow: the next GDAL call would die in the
             * dynamic linker with a less helpful message */
            const char *e = dlerror();
            fprintf(stderr, "parkgis: cannot load %s: %s\n", lazy_sonames[i], e ? e : "unknown error");
            exit(70);
        }
    }
    libs_loaded = 1;
}

void park_libs_require(void) { pthread_once(&libs_once, libs_load); }

int park_libs_loaded(void) { return libs_loaded || !lazy_sonames[0]; }

void park_gdal_all_register(void) {
    park_libs_require();
    GDALAllRegister();
}

/* A direct call, so the executable holds no address of a GDAL function (that
 * would need GDAL at start-up, see internal.h). */
void CPL_STDCALL park_cpl_quiet_handler(CPLErr cls, CPLErrorNum no, const char *msg) { CPLQuietErrorHandler(cls, no, msg); }
