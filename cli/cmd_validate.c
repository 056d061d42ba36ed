/* cmd_validate.c - `parkgis validate` (issue 2). Placeholder until that issue lands. */
#include <stdio.h>

#include "cli.h"

int cmd_validate(park_cli *cli, int argc, char **argv) {
    (void)argc, (void)argv;
    fprintf(stderr, "%s validate: not implemented yet\n", cli->prog);
    return 70;
}
