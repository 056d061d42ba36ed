/* cmd_locate.c - `parkgis locate`: dispatches between a point (LON LAT, or
 * --crs EPSG:N X Y; cmd_locate_point.c, issue 2) and an address or a batch file
 * (cmd_locate_address.c, issue 5). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_locate_point(park_cli *cli, int argc, char **argv);
int cmd_locate_address(park_cli *cli, int argc, char **argv);

int cmd_locate(park_cli *cli, int argc, char **argv) {
    /* A point is two numeric positionals; anything else (one text argument,
     * --batch) is an address lookup. */
    int numeric = 0, positional = 0;
    /* `parkgis locate --help` alone: both halves' help, points then addresses */
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        int rc = cmd_locate_point(cli, argc, argv);
        putchar('\n');
        return rc ? rc : cmd_locate_address(cli, argc, argv);
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--batch")) return cmd_locate_address(cli, argc, argv);
        if (argv[i][0] == '-' && argv[i][1] && !(argv[i][1] >= '0' && argv[i][1] <= '9') && argv[i][1] != '.') {
            /* an option; skip its value when it takes one */
            if (strchr(argv[i], '=') == NULL && i + 1 < argc &&
                (!strcmp(argv[i], "--datum") || !strcmp(argv[i], "--crs") || !strcmp(argv[i], "--format") || !strcmp(argv[i], "--error-m") ||
                 !strcmp(argv[i], "-f")))
                i++;
            continue;
        }
        positional++;
        double v;
        if (cli_parse_double(argv[i], &v)) numeric++;
    }
    if (positional == 1 && numeric == 0) return cmd_locate_address(cli, argc, argv);
    return cmd_locate_point(cli, argc, argv);
}
