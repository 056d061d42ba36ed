/* render_style.c - colours shared by the map (render.c) and the QGIS styles the
 * exporters write, so an element has one colour wherever a planner sees it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

/* A qualitative palette (Tableau 10, reordered so that neighbours in a layout,
 * which are usually neighbours on the ground, differ in hue and lightness). Red,
 * yellow and orange come late because metro lines 1, 3 and 7 use them. */
static const unsigned char palette[][3] = {
    {0x4e, 0x79, 0xa7}, /* blue */
    {0x59, 0xa1, 0x4f}, /* green */
    {0xb0, 0x7a, 0xa1}, /* purple */
    {0x76, 0xb7, 0xb2}, /* teal */
    {0x9c, 0x75, 0x5f}, /* brown */
    {0xff, 0x9d, 0xa7}, /* pink */
    {0xe1, 0x57, 0x59}, /* red */
    {0xed, 0xc9, 0x48}, /* yellow */
    {0xf2, 0x8e, 0x2b}, /* orange */
    {0xba, 0xb0, 0xac}, /* grey */
    {0x2f, 0x4b, 0x7c}, /* dark blue */
    {0x8c, 0xd1, 0x7d}, /* light green */
};
#define NPALETTE (sizeof palette / sizeof palette[0])

static void put(const unsigned char c[3], unsigned char rgb[3], char hex[8]) {
    if (rgb) memcpy(rgb, c, 3);
    if (hex) snprintf(hex, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

void park_style_color(size_t i, unsigned char rgb[3], char hex[8]) {
    put(palette[i % NPALETTE], rgb, hex);
}

/* Official line colours of Shanghai Metro (lines 1-18), as on the operator's maps. */
static const struct {
    int line;
    unsigned char c[3];
} metro[] = {
    {1, {0xe3, 0x00, 0x2b}},  {2, {0x8c, 0xc2, 0x20}},  {3, {0xfc, 0xd6, 0x00}},  {4, {0x46, 0x1d, 0x84}},
    {5, {0x94, 0x4d, 0x9a}},  {6, {0xd4, 0x00, 0x68}},  {7, {0xed, 0x6f, 0x00}},  {8, {0x00, 0x94, 0xd8}},
    {9, {0x87, 0xca, 0xed}},  {10, {0xc7, 0xaf, 0xd3}}, {11, {0x87, 0x1c, 0x2b}}, {12, {0x00, 0x7a, 0x60}},
    {13, {0xe9, 0x99, 0xc0}}, {14, {0x61, 0x60, 0x20}}, {15, {0xb5, 0xa2, 0x65}}, {16, {0x77, 0xc8, 0xc7}},
    {17, {0xbc, 0x79, 0x6f}}, {18, {0xc4, 0x98, 0x4f}},
};

void park_metro_color(const char *s, unsigned char rgb[3], char hex[8]) {
    static const unsigned char grey[3] = {0x80, 0x80, 0x80};
    int line = 0;
    if (s) {
        /* The first run of digits is the line number ("上海地铁3/4号线" -> 3, the
         * shared 3/4 section is drawn in line 3's colour). */
        const char *p = s;
        while (*p && !isdigit((unsigned char)*p)) p++;
        if (*p) line = atoi(p);
    }
    for (size_t i = 0; i < sizeof metro / sizeof metro[0]; i++)
        if (metro[i].line == line) return put(metro[i].c, rgb, hex);
    put(grey, rgb, hex);
}

const char *park_shared_data_dir(void) {
    const char *e = getenv("PARKGIS_SHARED_DATA");
    if (e && *e) return e;
#ifdef PARKGIS_SHARED_DATA_DIR
    return PARKGIS_SHARED_DATA_DIR;
#else
    return "../shared/data";
#endif
}
