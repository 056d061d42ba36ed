/* arena.c - see arena.h. */
#include "arena.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct park_arena_chunk {
    park_arena_chunk *next;
};

void park_arena_init(park_arena *a, void *buf, size_t n) {
    a->cur = buf, a->left = buf ? n : 0, a->last = a->left, a->chunks = NULL;
}

char *park_arena_alloc(park_arena *a, size_t n) {
    if (n > a->left || !a->cur) {
        /* no object is larger than PTRDIFF_MAX: a request beyond half of it is refused
         * before any arithmetic can wrap */
        const size_t cap = (size_t)PTRDIFF_MAX / 2;
        if (n > cap) return NULL;
        size_t want = a->last > cap / 2 ? cap : 2 * a->last;
        if (want < 256) want = 256;
        if (want < n) want = n;
        park_arena_chunk *c = malloc(sizeof *c + want);
        if (!c) return NULL;
        c->next = a->chunks, a->chunks = c;
        a->cur = (char *)(c + 1), a->left = a->last = want;
    }
    char *p = a->cur;
    a->cur += n, a->left -= n;
    return p;
}

char *park_arena_strndup(park_arena *a, const char *s, size_t n) {
    if (n == SIZE_MAX) return NULL;
    char *p = park_arena_alloc(a, n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void park_arena_free(park_arena *a) {
    for (park_arena_chunk *c = a->chunks, *next; c; c = next) next = c->next, free(c);
    park_arena_init(a, NULL, 0);
}
