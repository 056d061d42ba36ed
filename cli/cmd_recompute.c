/* cmd_recompute.c - `parkgis recompute` (issue 6). Placeholder until that issue lands. */
#include <stdio.h>

#include "cli.h"

int cmd_recompute(park_cli *cli, int argc, char **argv) {
    (void)argc, (void)argv;
    fprintf(stderr, "%s recompute: not implemented yet\n", cli->prog);
    return 70;
}
