/* cmd_export.c - `parkgis export` (issue 4). Placeholder until that issue lands. */
#include <stdio.h>

#include "cli.h"

int cmd_export(park_cli *cli, int argc, char **argv) {
    (void)argc, (void)argv;
    fprintf(stderr, "%s export: not implemented yet\n", cli->prog);
    return 70;
}
