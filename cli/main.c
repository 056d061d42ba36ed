/* main.c - the `parkgis` command: global options, then one subcommand.
 * Exit codes (also in README): 0 ok, 1 a check failed, 2 usage, 3 bad input,
 * 4 cannot write output, 5 not found, 70 internal error. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "cli.h"

static const cli_command commands[] = {
    {"parcels", cmd_parcels, "list the parcels: id, name, official area, layouts"},
    {"area", cmd_area, "official, geodesic and planar area per parcel, with totals"},
    {"adjacency", cmd_adjacency, "relation, shared edge, gap/overlap and DE-9IM for every pair"},
    {"locate", cmd_locate, "which parcel contains a point or an address (also --batch)"},
    {"parse", cmd_parse, "show how an address is understood"},
    {"validate", cmd_validate, "check polygon validity, overlaps and gaps of a layer"},
    {"compile", cmd_compile, "compile the 四至 texts into the parcel layer"},
    {"export", cmd_export, "export a layout to Shapefile, GeoPackage, GeoJSON, KML or PostGIS"},
    {"render", cmd_render, "draw a layout to PNG or SVG"},
    {"recompute", cmd_recompute, "validate an edited layer, recompute areas, report what changed"},
    {"provenance", cmd_provenance, "each boundary edge: feature, source, evidence count, error"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
    fprintf(f, "usage: parkgis [GLOBAL OPTIONS] COMMAND [ARGS]   (global options may also follow COMMAND)\n"
               "       parkgis --version | --help | COMMAND --help\n"
               "  --data PATH        parcel layer to work on (default: the bundled one); one layer of a\n"
               "                     multi-layer file as 'PATH|layername=NAME' (quoted), as QGIS writes it\n"
               "  --format FMT       what the command prints: table (default), json or csv\n"
               "                     (export's file format is -f/--driver, render's follows -o)\n"
               "  --field CANON=SRC  read parkgis field CANON from field SRC of every layer read, e.g.\n"
               "                     --field id=编号 --field name=名称 --field official_km2=面积[:ha|:m2|:mu]\n"
               "  --fields FILE      the same from a saved mapping file (one CANON=SRC per line, # comments)\n"
               "  --gazetteer DIR    an extra gazetteer directory for address lookups, added to the bundled\n"
               "                     ones (repeatable)\n"
               "\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nenvironment: PARKGIS_CACHE=off  do not read or write the snapshot cache of parcel layers\n"
               "             ($XDG_CACHE_HOME/parkgis, else ~/.cache/parkgis; README \"Performance\")\n");
    fprintf(f, "\nexit codes: 0 ok, 1 check failed, 2 usage error, 3 bad input, 4 cannot write output,\n"
               "            5 not found, 70 internal error\n");
}

const char *cli_gazetteer_dirs(const park_cli *cli) { return cli->gazetteers; }

park_layer *cli_layer(park_cli *cli, park_status *st) {
    *st = PARK_OK;
    if (cli->layer) return cli->layer;
    const char *path = cli->data ? cli->data : park_default_parcels_path();
    *st = park_layer_read(cli->ctx, path, NULL, NULL, &cli->layer);
    if (*st) return NULL;
    const char *notes = park_layer_notes(cli->layer);
    if (*notes) fprintf(stderr, "parkgis: warning: %s", notes);
    return cli->layer;
}

int cli_fail(park_cli *cli, const char *cmd, park_status st) {
    fprintf(stderr, "%s %s: %s\n", cli->prog, cmd, park_ctx_errmsg(cli->ctx));
    return park_status_exit_code(st);
}

int cli_usage_error(park_cli *cli, const char *cmd, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "%s %s: ", cli->prog, cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see '%s %s --help')\n", cli->prog, cmd);
    return park_status_exit_code(PARK_ERR_USAGE);
}

int cli_refuse_input_as_output(park_cli *cli, const char *cmd, const char *out, const char *input, const char *what) {
    if (!park_output_replaces(out, input)) return 0;
    fprintf(stderr, "%s %s: %s: would replace the %s %s; the inputs are never replaced, --overwrite or not (choose another output)\n",
            cli->prog, cmd, out, what, input);
    return park_status_exit_code(PARK_ERR_OUTPUT);
}

bool cli_parse_format(const char *s, cli_format *out) {
    if (!strcmp(s, "table")) *out = CLI_TABLE;
    else if (!strcmp(s, "json")) *out = CLI_JSON;
    else if (!strcmp(s, "csv")) *out = CLI_CSV;
    else return false;
    return true;
}

bool cli_parse_double(const char *s, double *out) { return park_parse_number(s, out, NULL) != 0; }

/* Global options, accepted before or after the command name: --data, --format,
 * --field, --fields, --gazetteer, as "--opt VALUE" or "--opt=VALUE". Returns the
 * number of argv entries used (0: not a global option, -1: error printed). */
static int global_option(park_cli *cli, const char *cmd, int argc, char **argv, int i, park_buf *gaz) {
    static const char *const names[] = {"--data", "--format", "--field", "--fields", "--gazetteer"};
    const char *a = argv[i], *v = NULL;
    int k = -1, used = 0;
    for (int n = 0; n < 5 && k < 0; n++) {
        size_t l = strlen(names[n]);
        if (!strcmp(a, names[n])) {
            if (i + 1 >= argc) {
                fprintf(stderr, "parkgis: %s needs a value\n", names[n]);
                return -1;
            }
            k = n, v = argv[i + 1], used = 2;
        } else if (!strncmp(a, names[n], l) && a[l] == '=') {
            k = n, v = a + l + 1, used = 1;
        }
    }
    if (k < 0) return 0;
    switch (k) {
    case 0: cli->data = v; break;
    case 1:
        if (!cli_parse_format(v, &cli->format)) {
            park_export_format ef;
            if (cmd && !strcmp(cmd, "export") && park_export_format_parse(cli->ctx, v, &ef) == PARK_OK)
                fprintf(stderr, "parkgis export: --format '%s': --format is what parkgis prints (table, json or csv); the file format is -f/--driver %s\n", v, v);
            else
                fprintf(stderr, "parkgis: unknown --format '%s' (expected table, json or csv)\n", v);
            return -1;
        }
        break;
    case 2:
        if (park_field_map_parse(cli->ctx, v)) {
            fprintf(stderr, "parkgis: %s\n", park_ctx_errmsg(cli->ctx));
            return -1;
        }
        break;
    case 3: {
        park_status st = park_field_map_load(cli->ctx, v);
        if (st) {
            fprintf(stderr, "parkgis: --fields: %s\n", park_ctx_errmsg(cli->ctx));
            return -st;
        }
        break;
    }
    case 4:
        if (!gaz->s) park_buf_printf(gaz, "%s/gazetteer:%s/gazetteer-address", park_default_data_dir(), park_default_data_dir());
        park_buf_printf(gaz, ":%s", v);
        break;
    }
    return used;
}

int main(int argc, char **argv) {
    park_cli cli = {0};
    cli.prog = "parkgis";
    cli.ctx = park_ctx_new();
    if (!cli.ctx) {
        fprintf(stderr, "parkgis: out of memory\n");
        return 70;
    }
    park_buf gaz;
    park_buf_init(&gaz);
    int rc = 2;
    park_atomic_cleanup_on_signals();
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            rc = 0;
            goto out;
        } else if (!strcmp(a, "--version")) {
            park_libs_require();
            char buf[512];
            park_versions(buf, sizeof buf);
            puts(buf);
            rc = 0;
            goto out;
        }
        int used = global_option(&cli, NULL, argc, argv, i, &gaz);
        if (used < 0) {
            rc = used == -1 ? 2 : -used;
            goto out;
        }
        if (used == 0) {
            fprintf(stderr, "parkgis: unknown or incomplete global option '%s'\n", a);
            usage(stderr);
            goto out;
        }
        i += used - 1;
    }
    if (i >= argc) {
        usage(stderr);
        goto out;
    }
    const cli_command *cmd = NULL;
    for (size_t k = 0; k < NCOMMANDS; k++)
        if (!strcmp(argv[i], commands[k].name)) cmd = &commands[k];
    if (!cmd) {
        fprintf(stderr, "parkgis: unknown command '%s'\n", argv[i]);
        usage(stderr);
        goto out;
    }
    /* the global options after the command name are taken out of its argv
     * (up to a "--"); compile keeps its own --gazetteer (the gazetteer it
     * compiles from, see compile --help) */
    int cargc = 0;
    char **cargv = calloc((size_t)(argc - i + 1), sizeof *cargv);
    if (!cargv) {
        fprintf(stderr, "parkgis: out of memory\n");
        rc = 70;
        goto out;
    }
    cargv[cargc++] = argv[i];
    bool dashdash = false;
    for (int k = i + 1; k < argc; k++) {
        if (!strcmp(argv[k], "--")) dashdash = true;
        int used = 0;
        bool compile_gaz = !strcmp(cmd->name, "compile") && !strncmp(argv[k], "--gazetteer", 11);
        if (!dashdash && !compile_gaz) used = global_option(&cli, cmd->name, argc, argv, k, &gaz);
        if (used < 0) {
            rc = used == -1 ? 2 : -used;
            free(cargv);
            goto out;
        }
        if (used) {
            k += used - 1;
            continue;
        }
        cargv[cargc++] = argv[k];
    }
    cli.gazetteers = gaz.s;
    /* GDAL and cairo are opened now, except for `locate` (one lookup or a batch): it
     * opens them only when its inputs are not in the snapshot cache (issue 11: a
     * two-row batch of addresses was 4x a single lookup, most of it loading GDAL). */
    if (strcmp(cmd->name, "locate")) park_libs_require();
    rc = cmd->fn(&cli, cargc, cargv);
    free(cargv);
out:
    park_buf_free(&gaz);
    park_layer_free(cli.layer);
    park_ctx_free(cli.ctx);
    fflush(stdout);
    if (ferror(stdout)) {
        fprintf(stderr, "parkgis: error writing standard output\n");
        if (rc == 0) rc = 4;
    }
    return rc;
}
