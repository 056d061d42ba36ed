/* test_arena.c - the bump allocator of the address parser's strings (util/arena.c):
 * allocations stay in the caller's block while they fit and are contiguous there,
 * overflow goes to malloc'd chunks (a request larger than any chunk so far gets one
 * of its own size), zero-byte requests give valid distinct-or-equal pointers,
 * strings copied keep their bytes after later allocations, an arena with no block
 * works from malloc alone, oversized requests fail cleanly, and free releases every
 * chunk (valgrind/ASan suites check nothing leaks). Plus the parser edge cases the
 * arena serves: an address at the 1024-byte limit whose fields outgrow the inline
 * block, and fields parsed one after another staying intact. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parkgis_address.h"
#include "util/arena.h"
#include "test.h"

static void test_inline_then_chunks(void) {
    char block[64];
    park_arena a;
    park_arena_init(&a, block, sizeof block);
    char *p = park_arena_alloc(&a, 10), *q = park_arena_alloc(&a, 54);
    CHECK(p == block && q == block + 10); /* in the caller's block, contiguous */
    CHECK(a.chunks == NULL && a.left == 0);
    char *z = park_arena_alloc(&a, 0); /* full block, zero bytes: still a pointer */
    CHECK(z != NULL);
    char *r = park_arena_alloc(&a, 1); /* the block is used up: a chunk */
    CHECK(r != NULL && (r < block || r >= block + sizeof block));
    CHECK(a.chunks != NULL);
    CHECK(a.left == 255); /* the first chunk: at least 256 bytes */
    char *big = park_arena_alloc(&a, 100000); /* larger than twice the last: its own size */
    CHECK(big != NULL && a.left == 0);
    memset(big, 'x', 100000);
    char *after = park_arena_alloc(&a, 1); /* next chunk: twice the last */
    CHECK(after != NULL && a.left == 2 * 100000 - 1);
    CHECK(park_arena_alloc(&a, SIZE_MAX) == NULL); /* cannot be had: NULL, arena unharmed */
    CHECK(park_arena_alloc(&a, SIZE_MAX - 8) == NULL);
    CHECK(park_arena_strndup(&a, "x", SIZE_MAX) == NULL);
    char *s = park_arena_strndup(&a, "富联一路", strlen("富联一路"));
    CHECK(s && !strcmp(s, "富联一路"));
    park_arena_free(&a);
    CHECK(a.chunks == NULL && a.left == 0);
    park_arena_free(&a); /* twice: nothing left to free */
}

static void test_no_block(void) {
    park_arena a;
    park_arena_init(&a, NULL, 0);
    char *z = park_arena_alloc(&a, 0);
    CHECK(z != NULL); /* a chunk is taken even for zero bytes: the pointer is valid */
    /* many strings across many chunks, every one intact at the end */
    char *keep[2000];
    char want[32];
    for (int i = 0; i < 2000; i++) {
        int n = snprintf(want, sizeof want, "%d号%d", i, i * 7);
        keep[i] = park_arena_strndup(&a, want, (size_t)n);
    }
    int ok = 1;
    for (int i = 0; i < 2000; i++) {
        snprintf(want, sizeof want, "%d号%d", i, i * 7);
        ok &= keep[i] && !strcmp(keep[i], want);
    }
    CHECK(ok);
    char *e = park_arena_strndup(&a, "", 0);
    CHECK(e && e[0] == 0);
    park_arena_free(&a);
}

/* The parser on the arena: the fields are what they were, also where they do not fit the
 * inline block (1024 bytes of text whose rest holds nearly all of it, each code point 4
 * bytes in the piece's reservation) */
static void test_parser_fields(void) {
    park_ctx *ctx = park_ctx_new();
    CHECK(ctx != NULL);
    park_address *a = NULL;
    CHECK(park_address_parse(ctx, "上海市宝山区顾村镇富联一路98弄3支弄6号(机器人产业园内)501室", &a) == PARK_OK);
    CHECK(a && !strcmp(a->province, "上海市") && !strcmp(a->district, "宝山区") && !strcmp(a->town, "顾村镇"));
    CHECK(a && !strcmp(a->road, "富联一路") && !strcmp(a->lane, "98") && !strcmp(a->sublane, "3") && !strcmp(a->number, "6"));
    CHECK(a && !strcmp(a->park, "机器人产业园") && !strcmp(a->rest, "(内)501室") && a->city[0] == 0 && a->road2[0] == 0);
    park_address_free(a);
    /* a long address: a road then 1,000 bytes of rest */
    char text[PARK_ADDRESS_MAX_BYTES + 1];
    size_t k = (size_t)snprintf(text, sizeof text, "富联一路6号");
    for (; k < PARK_ADDRESS_MAX_BYTES; k++) text[k] = (char)('a' + k % 26);
    text[k] = 0;
    a = NULL;
    CHECK(park_address_parse(ctx, text, &a) == PARK_OK);
    CHECK(a && !strcmp(a->road, "富联一路") && !strcmp(a->number, "6"));
    CHECK(a && strlen(a->rest) == k - strlen("富联一路6号") && !strcmp(a->input, text));
    park_address_free(a);
    /* the 1024-byte limit still holds: one more byte is refused */
    char over[PARK_ADDRESS_MAX_BYTES + 2];
    memset(over, 'a', sizeof over - 1), over[sizeof over - 1] = 0;
    a = NULL;
    CHECK(park_address_parse(ctx, over, &a) == PARK_ERR_USAGE && a == NULL);
    park_ctx_free(ctx);
}

int main(void) {
    test_inline_then_chunks();
    test_no_block();
    test_parser_fields();
    return test_summary();
}
