/* main.c - the `parkgis` command: global options, then one subcommand.
 * Exit codes (also in README): 0 ok, 1 a check failed, 2 usage, 3 bad input,
 * 4 cannot write output, 5 not found, 70 internal error. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
    fprintf(f, "usage: parkgis [--data PATH] [--format table|json|csv] COMMAND [ARGS]\n"
               "       parkgis --version | --help | COMMAND --help\n"
               "  --data PATH  parcel layer to work on (default: the bundled one); one layer of a\n"
               "               multi-layer file as 'PATH|layername=NAME' (quoted), as QGIS writes it\n"
               "\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nexit codes: 0 ok, 1 check failed, 2 usage error, 3 bad input, 4 cannot write output,\n"
               "            5 not found, 70 internal error\n");
}

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

int main(int argc, char **argv) {
    park_cli cli = {0};
    cli.prog = "parkgis";
    park_atomic_cleanup_on_signals();
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            char buf[512];
            park_versions(buf, sizeof buf);
            puts(buf);
            return 0;
        } else if (!strcmp(a, "--data") && i + 1 < argc) {
            cli.data = argv[++i];
        } else if (!strncmp(a, "--data=", 7)) {
            cli.data = a + 7;
        } else if ((!strcmp(a, "--format") && i + 1 < argc) || !strncmp(a, "--format=", 9)) {
            const char *v = a[8] == '=' ? a + 9 : argv[++i];
            if (!cli_parse_format(v, &cli.format)) {
                fprintf(stderr, "parkgis: unknown --format '%s' (expected table, json or csv)\n", v);
                return 2;
            }
        } else {
            fprintf(stderr, "parkgis: unknown or incomplete global option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const cli_command *cmd = NULL;
    for (size_t k = 0; k < NCOMMANDS; k++)
        if (!strcmp(argv[i], commands[k].name)) cmd = &commands[k];
    if (!cmd) {
        fprintf(stderr, "parkgis: unknown command '%s'\n", argv[i]);
        usage(stderr);
        return 2;
    }
    cli.ctx = park_ctx_new();
    if (!cli.ctx) {
        fprintf(stderr, "parkgis: out of memory\n");
        return 70;
    }
    int rc = cmd->fn(&cli, argc - i, argv + i);
    park_layer_free(cli.layer);
    park_ctx_free(cli.ctx);
    fflush(stdout);
    if (ferror(stdout)) {
        fprintf(stderr, "parkgis: error writing standard output\n");
        if (rc == 0) rc = 4;
    }
    return rc;
}
