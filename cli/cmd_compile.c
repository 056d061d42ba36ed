/* cmd_compile.c - `parkgis compile` (issue 3). Placeholder until that issue lands. */
#include <stdio.h>

#include "cli.h"

int cmd_compile(park_cli *cli, int argc, char **argv) {
    (void)argc, (void)argv;
    fprintf(stderr, "%s compile: not implemented yet\n", cli->prog);
    return 70;
}
