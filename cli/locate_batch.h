/* locate_batch.h - `parkgis locate --batch` (cmd_locate_batch.c), called by
 * cmd_locate_address.c once the options are parsed. */
#ifndef PARKGIS_CLI_LOCATE_BATCH_H
#define PARKGIS_CLI_LOCATE_BATCH_H
#include "cli.h"

typedef struct cli_batch_opts {
    const char *path;     /* FILE.csv or "-" */
    const char *addr_col; /* --address-column, or NULL */
    const char *lon_col;  /* --lon-column / --lat-column, or NULL */
    const char *lat_col;
    const char *columns;  /* --columns LIST, or NULL for the default set */
    const char *gazetteer; /* --gazetteer DIRS, or NULL for the bundled ones */
    park_datum datum;
    int threads;          /* --threads N (1 = none) */
} cli_batch_opts;

/* Runs the batch; returns the exit code. */
int cli_locate_batch(park_cli *cli, const cli_batch_opts *o);

/* The help text for --batch's options (column list included). */
extern const char CLI_BATCH_HELP[];
#endif
