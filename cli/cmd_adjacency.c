/* cmd_adjacency.c - `parkgis adjacency` (issue 2). Placeholder until that issue lands. */
#include <stdio.h>

#include "cli.h"

int cmd_adjacency(park_cli *cli, int argc, char **argv) {
    (void)argc, (void)argv;
    fprintf(stderr, "%s adjacency: not implemented yet\n", cli->prog);
    return 70;
}
