/* arena.h - a bump allocator for the strings of one short-lived object (issue 11:
 * the address parser's ~17 fields were a malloc and a free each, per batch row).
 *
 * An arena starts in a block the caller gives (usually inline in the object it
 * serves) and, when that is used up, takes further chunks from malloc, each at
 * least twice the last one and large enough for the request. Everything is freed
 * at once by park_arena_free (the caller's block is not: it is the caller's).
 * Allocations are byte-aligned: the arena is for strings. */
#ifndef PARKGIS_UTIL_ARENA_H
#define PARKGIS_UTIL_ARENA_H
#include <stddef.h>

typedef struct park_arena_chunk park_arena_chunk;
typedef struct park_arena {
    char *cur;                /* next free byte */
    size_t left;              /* bytes free at cur */
    size_t last;              /* size of the newest block (the first: the caller's) */
    park_arena_chunk *chunks; /* malloc'd chunks, newest first */
} park_arena;

/* An arena whose first block is buf[0..n) (buf may be NULL when n is 0). */
void park_arena_init(park_arena *a, void *buf, size_t n);
/* n bytes (n may be 0: a valid pointer), NULL when memory ran out or n exceeds
 * PTRDIFF_MAX / 2. Owned by the arena. */
char *park_arena_alloc(park_arena *a, size_t n);
/* A NUL-terminated copy of s[0..n) in the arena; NULL when memory ran out. */
char *park_arena_strndup(park_arena *a, const char *s, size_t n);
/* Frees every chunk taken from malloc; the arena is then as park_arena_init left it
 * with no block (init again to reuse it). */
void park_arena_free(park_arena *a);
#endif
