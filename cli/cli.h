/* cli.h - what every `parkgis` command shares: the context, the global options,
 * the lazily loaded parcel layer and uniform error reporting.
 * Commands live one per file (cmd_<name>.c) and use only the public API. */
#ifndef PARKGIS_CLI_H
#define PARKGIS_CLI_H
#include <stdbool.h>
#include <stdio.h>

#include "parkgis.h"

typedef enum cli_format { CLI_TABLE, CLI_JSON, CLI_CSV } cli_format;

typedef struct park_cli {
    park_ctx *ctx;
    const char *data;     /* --data PATH, or NULL for the bundled parcel layer */
    cli_format format;    /* --format table|json|csv (global or per command) */
    park_layer *layer;    /* loaded on first use by cli_layer() */
    char *gazetteers;     /* --gazetteer DIR (repeatable): the bundled gazetteers plus these,
                             ':'-separated; NULL when none was given (the bundled ones) */
    const char *prog;     /* "parkgis" */
} park_cli;

/* The parcel layer (from --data or the bundled default); NULL after printing
 * an error, in which case *st holds the status. Owned by cli. */
park_layer *cli_layer(park_cli *cli, park_status *st);

/* The gazetteer directories to resolve addresses with: the bundled ones and
 * every --gazetteer given (global option), ':'-separated; NULL = bundled only. */
const char *cli_gazetteer_dirs(const park_cli *cli);

/* Prints "parkgis CMD: <ctx error>" to stderr and returns the exit code. */
int cli_fail(park_cli *cli, const char *cmd, park_status st);
/* Prints a usage message for a command and returns exit code 2. */
int cli_usage_error(park_cli *cli, const char *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Every command that writes calls this for each of its inputs: when writing
 * `out` would replace `input` (park_output_replaces) it prints "parkgis CMD:
 * OUT: would replace the WHAT INPUT ..." and returns exit code 4; else 0. */
int cli_refuse_input_as_output(park_cli *cli, const char *cmd, const char *out, const char *input, const char *what);

/* Parses "table|json|csv"; false when unknown. */
bool cli_parse_format(const char *s, cli_format *out);
/* Strict number parsing (park_parse_number: plain decimal, finite; no hex,
 * inf or nan). false otherwise. */
bool cli_parse_double(const char *s, double *out);

/* Command entry points: argv[0] is the command name; return the exit code. */
typedef int (*cli_cmd_fn)(park_cli *cli, int argc, char **argv);
typedef struct cli_command {
    const char *name;
    cli_cmd_fn fn;
    const char *summary;
} cli_command;

int cmd_parcels(park_cli *, int, char **);
int cmd_area(park_cli *, int, char **);
int cmd_adjacency(park_cli *, int, char **);
int cmd_locate(park_cli *, int, char **);
int cmd_validate(park_cli *, int, char **);
int cmd_compile(park_cli *, int, char **);
int cmd_export(park_cli *, int, char **);
int cmd_render(park_cli *, int, char **);
int cmd_parse(park_cli *, int, char **);
int cmd_recompute(park_cli *, int, char **);
int cmd_provenance(park_cli *, int, char **);
#endif
