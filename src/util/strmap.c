/* strmap.c - a table keyed by byte strings; see strmap.h. */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    char *key; /* NULL: empty */
    size_t n;
    size_t hash;
    void *value;
} slot;

struct park_strmap {
    slot *s;
    size_t cap, count, max; /* cap: a power of two, or 0 before the first put */
};

/* Eight bytes a step (the byte-at-a-time djb2 was 700 instructions a batch row's
 * lookups, issue 11), then a final mix so the low bits that pick the slot depend on
 * every byte. Nothing reads the table in slot order, so the hash is free to change. */
static size_t hash_of(const void *key, size_t n) {
    const unsigned char *p = key;
    uint64_t h = 0x9E3779B97F4A7C15u ^ (uint64_t)n;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDu;
        h ^= h >> 32;
    }
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++) t |= (uint64_t)p[i] << (8 * i);
    h = (h ^ t) * 0xC4CEB9FE1A85EC53u;
    h ^= h >> 29;
    h *= 0x9E3779B97F4A7C15u;
    h ^= h >> 32;
    return (size_t)h;
}

/* The slot holding key, else the empty slot where it would go. */
static size_t find(const slot *s, size_t cap, const void *key, size_t n, size_t h) {
    size_t i = h & (cap - 1);
    while (s[i].key && !(s[i].hash == h && s[i].n == n && !memcmp(s[i].key, key, n))) i = (i + 1) & (cap - 1);
    return i;
}

park_strmap *park_strmap_new(size_t max) {
    park_strmap *m = calloc(1, sizeof *m);
    if (m) m->max = max;
    return m;
}

void park_strmap_free(park_strmap *m, void (*free_value)(void *value)) {
    if (!m) return;
    for (size_t i = 0; i < m->cap; i++)
        if (m->s[i].key) {
            free(m->s[i].key);
            if (free_value) free_value(m->s[i].value);
        }
    free(m->s), free(m);
}

int park_strmap_get(const park_strmap *m, const void *key, size_t n, void **value) {
    if (!m || !m->cap) return 0;
    const slot *s = &m->s[find(m->s, m->cap, key, n, hash_of(key, n))];
    if (!s->key) return 0;
    if (value) *value = s->value;
    return 1;
}

int park_strmap_put(park_strmap *m, const void *key, size_t n, void *value) {
    if (!m || (m->max && m->count >= m->max)) return 0;
    size_t h = hash_of(key, n);
    if (2 * (m->count + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        slot *t = calloc(cap, sizeof *t);
        if (!t) return 0;
        for (size_t i = 0; i < m->cap; i++)
            if (m->s[i].key) t[find(t, cap, m->s[i].key, m->s[i].n, m->s[i].hash)] = m->s[i];
        free(m->s);
        m->s = t, m->cap = cap;
    }
    slot *s = &m->s[find(m->s, m->cap, key, n, h)];
    if (s->key) return 0;
    char *k = malloc(n ? n : 1);
    if (!k) return 0;
    memcpy(k, key, n);
    *s = (slot){k, n, h, value};
    m->count++;
    return 1;
}

size_t park_strmap_count(const park_strmap *m) { return m ? m->count : 0; }
