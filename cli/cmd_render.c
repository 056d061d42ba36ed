/* cmd_render.c - `parkgis render` (issue 4). Placeholder until that issue lands. */
#include <stdio.h>

#include "cli.h"

int cmd_render(park_cli *cli, int argc, char **argv) {
    (void)argc, (void)argv;
    fprintf(stderr, "%s render: not implemented yet\n", cli->prog);
    return 70;
}
