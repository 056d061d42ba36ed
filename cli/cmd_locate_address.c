/* cmd_locate_address.c - part of `parkgis locate` (issue 5). Placeholder until that issue lands. */
#include <stdio.h>

#include "cli.h"

int cmd_locate_address(park_cli *cli, int argc, char **argv) {
    (void)argc, (void)argv;
    fprintf(stderr, "%s locate: not implemented yet\n", cli->prog);
    return 70;
}
