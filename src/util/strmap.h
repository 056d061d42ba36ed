/* strmap.h - a table keyed by byte strings (issue 11): the resolver's memos (road
 * lookups and suggestions by name key, crossing points by road pair) in one place.
 *
 * Open addressing with linear probing, a multiply-xor hash over the key's bytes (8 a step), grown
 * to stay at most half full. Keys are copied (n bytes, any bytes); values are the
 * caller's pointers (NULL is a value: "looked up, nothing there"), freed by
 * park_strmap_free's free_value when given. `max` bounds the entries (0: no bound)
 * so a memo of ever new names keeps its memory bounded; a put beyond it is refused. */
#ifndef PARKGIS_UTIL_STRMAP_H
#define PARKGIS_UTIL_STRMAP_H
#include <stddef.h>

typedef struct park_strmap park_strmap;

park_strmap *park_strmap_new(size_t max);
void park_strmap_free(park_strmap *m, void (*free_value)(void *value));
/* 1 and *value (when value is not NULL) if the key is in m, else 0. m may be NULL. */
int park_strmap_get(const park_strmap *m, const void *key, size_t n, void **value);
/* 1 when stored; 0 when the key is already in m (its value stays), m is full
 * (max entries) or memory ran out: the caller keeps ownership of value then. */
int park_strmap_put(park_strmap *m, const void *key, size_t n, void *value);
size_t park_strmap_count(const park_strmap *m);
#endif
