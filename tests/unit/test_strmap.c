/* test_strmap.c - the byte-string table of the resolver's memos (util/strmap.c):
 * every key put is found with its value, keys never put are not, NULL values and
 * keys holding NUL bytes count as keys, the bound refuses puts beyond it, a key put
 * twice keeps its first value, and growing keeps everything (checked against a
 * plain array). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/strmap.h"
#include "test.h"

static int freed;
static void count_free(void *v) { freed++, free(v); }

static void test_many(void) {
    park_strmap *m = park_strmap_new(0);
    CHECK(m != NULL);
    enum { N = 20000 };
    char key[32];
    int ok = 1;
    for (int i = 0; i < N; i++) {
        int *v = malloc(sizeof *v);
        *v = i;
        snprintf(key, sizeof key, "富联%d路", i);
        ok &= park_strmap_put(m, key, strlen(key), v) == 1;
    }
    CHECK(ok);
    CHECK(park_strmap_count(m) == N);
    int found = 0, right = 0;
    for (int i = 0; i < N; i++) {
        void *v = NULL;
        snprintf(key, sizeof key, "富联%d路", i);
        if (park_strmap_get(m, key, strlen(key), &v)) found++, right += *(int *)v == i;
        snprintf(key, sizeof key, "富联%d路x", i);
        found += park_strmap_get(m, key, strlen(key), NULL) ? 1000000 : 0; /* never put */
    }
    CHECK(found == N);
    CHECK(right == N);
    /* a key already in: refused, the first value stays */
    int *dup = malloc(sizeof *dup);
    *dup = -1;
    CHECK(park_strmap_put(m, "富联7路", strlen("富联7路"), dup) == 0);
    void *v = NULL;
    CHECK(park_strmap_get(m, "富联7路", strlen("富联7路"), &v) && *(int *)v == 7);
    free(dup);
    freed = 0;
    park_strmap_free(m, count_free);
    CHECK(freed == N);
}

static void test_bytes_and_bound(void) {
    park_strmap *m = park_strmap_new(3);
    /* NULL is a value (a remembered miss); the empty key and keys with NUL bytes are keys */
    CHECK(park_strmap_put(m, "a\0b", 3, NULL) == 1);
    CHECK(park_strmap_put(m, "a\0c", 3, (void *)m) == 1);
    CHECK(park_strmap_put(m, "", 0, NULL) == 1);
    CHECK(park_strmap_put(m, "d", 1, NULL) == 0); /* the bound */
    CHECK(park_strmap_count(m) == 3);
    void *v = (void *)1;
    CHECK(park_strmap_get(m, "a\0b", 3, &v) == 1 && v == NULL);
    CHECK(park_strmap_get(m, "a\0c", 3, &v) == 1 && v == (void *)m);
    CHECK(park_strmap_get(m, "a", 1, &v) == 0);
    CHECK(park_strmap_get(m, "", 0, NULL) == 1);
    CHECK(park_strmap_get(m, "d", 1, NULL) == 0);
    /* pointer pairs as keys (the crossing memo) */
    park_strmap *p = park_strmap_new(0);
    int a, b;
    const void *k1[2] = {&a, &b}, *k2[2] = {&b, &a};
    CHECK(park_strmap_put(p, k1, sizeof k1, (void *)1) == 1);
    CHECK(park_strmap_get(p, k2, sizeof k2, NULL) == 0);
    CHECK(park_strmap_get(p, k1, sizeof k1, &v) == 1 && v == (void *)1);
    park_strmap_free(p, NULL);
    park_strmap_free(m, NULL);
    CHECK(park_strmap_get(NULL, "a", 1, NULL) == 0);
    CHECK(park_strmap_put(NULL, "a", 1, NULL) == 0);
    park_strmap_free(NULL, NULL);
}

int main(void) {
    test_many();
    test_bytes_and_bound();
    return test_summary();
}
