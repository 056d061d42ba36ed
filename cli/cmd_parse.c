/* cmd_parse.c - `parkgis parse` (issue 5). Placeholder until that issue lands. */
#include <stdio.h>

#include "cli.h"

int cmd_parse(park_cli *cli, int argc, char **argv) {
    (void)argc, (void)argv;
    fprintf(stderr, "%s parse: not implemented yet\n", cli->prog);
    return 70;
}
