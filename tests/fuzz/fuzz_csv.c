/* fuzz_csv.c - the batch CSV reader and writer (src/util/csv.c, issue 11).
 *
 * Built with the other targets by tests/fuzz/run.sh (-DPARKGIS_FUZZ=ON, clang);
 * by hand:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *       tests/fuzz/fuzz_csv.c src/util/csv.c src/util/str.c -o fuzz_csv && ./fuzz_csv tests/fuzz/corpus/csv
 * (str.c brings park_parse_number and park_buf; nothing else of the library is needed.)
 *
 * The input is read twice through a pipe: once in one go, once a few bytes per
 * read(2) (the first byte picks 1..16), so every refill, move and growth of the
 * reader's buffer is exercised. Checked, besides ASan/UBSan:
 *   - both readings give the same records, fields, results and line numbers;
 *   - a field's length is its strlen unless the record is flagged for a NUL;
 *   - a "plain" record has no field holding , " CR or LF;
 *   - line numbers never go back, and every record has at least one field;
 *   - round trip: a well-formed record written with park_csv_put_fieldn and read
 *     back is the same fields;
 *   - park_csv_parse_number agrees with park_parse_number on every field. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parkgis.h"
#include "util/csv.h"

typedef struct rec {
    int res;
    long line;
    size_t nf;
    char *text; /* the fields, each with its length before it */
    size_t len, cap;
} rec;

static park_csv_reader *open_pipe(const uint8_t *d, size_t n, size_t block, int *fd) {
    int p[2];
    if (pipe(p)) abort();
    /* inputs are small (libFuzzer's -max_len): the pipe holds them */
    size_t off = 0;
    while (off < n) {
        ssize_t k = write(p[1], d + off, n - off > 65536 ? 65536 : n - off);
        if (k <= 0) abort();
        off += (size_t)k;
    }
    close(p[1]);
    *fd = p[0];
    return block ? park_csv_reader_new_block(p[0], block) : park_csv_reader_new(p[0]);
}

static rec *read_all(const uint8_t *d, size_t n, size_t block, size_t *count) {
    int fd;
    park_csv_reader *r = open_pipe(d, n, block, &fd);
    if (!r) abort();
    rec *v = NULL;
    size_t k = 0, vcap = 0;
    long last = 0;
    for (;;) {
        int res = park_csv_next(r);
        /* geometric growth: a realloc per record (and per field below) made an input of
         * 2,500 short records take 0.5 s under ASan, and one starved run a 13 s timeout */
        if (k == vcap && !(v = realloc(v, (vcap = vcap ? 2 * vcap : 16) * sizeof *v))) abort();
        rec *e = &v[k++];
        memset(e, 0, sizeof *e);
        e->res = res, e->line = park_csv_line(r), e->nf = park_csv_nfields(r);
        if (res == PARK_CSV_EOF || res == PARK_CSV_IO_ERROR) break;
        if (e->nf < 1) abort();
        if (e->line < last) abort();
        last = e->line;
        bool plain = park_csv_plain(r), nul = park_csv_has_nul(r);
        if (nul && res != PARK_CSV_BAD) abort();
        for (size_t i = 0; i < e->nf; i++) {
            const char *f = park_csv_value(r, i);
            size_t fl = park_csv_value_len(r, i);
            if (!nul && strlen(f) != fl) abort();
            if (plain)
                for (size_t j = 0; j < fl; j++)
                    if (f[j] == ',' || f[j] == '"' || f[j] == '\r' || f[j] == '\n') abort();
            double a = 0, b = 0;
            const char *wa = NULL, *wb = NULL;
            if (!nul) {
                int ka = park_csv_parse_number(f, fl, &a, &wa), kb = park_parse_number(f, &b, &wb);
                if (ka != kb || (ka && memcmp(&a, &b, sizeof a)) || (!ka && (!wa || !wb || strcmp(wa, wb)))) abort();
            }
            if (e->len + sizeof fl + fl > e->cap) {
                e->cap = 2 * (e->len + sizeof fl + fl);
                if (!(e->text = realloc(e->text, e->cap))) abort();
            }
            memcpy(e->text + e->len, &fl, sizeof fl);
            memcpy(e->text + e->len + sizeof fl, f, fl);
            e->len += sizeof fl + fl;
        }
    }
    park_csv_reader_free(r);
    close(fd);
    *count = k;
    return v;
}

static void free_all(rec *v, size_t n) {
    for (size_t i = 0; i < n; i++) free(v[i].text);
    free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    size_t block = 1 + data[0] % 16;
    data++, size--;
    size_t na, nb;
    rec *a = read_all(data, size, 0, &na), *b = read_all(data, size, block, &nb);
    if (na != nb) abort();
    for (size_t i = 0; i < na; i++)
        if (a[i].res != b[i].res || a[i].line != b[i].line || a[i].nf != b[i].nf || a[i].len != b[i].len ||
            (a[i].len && memcmp(a[i].text, b[i].text, a[i].len)))
            abort();
    /* round trip of the well-formed records */
    char *out = NULL;
    size_t outlen = 0;
    FILE *m = open_memstream(&out, &outlen);
    park_csv_writer *w = park_csv_writer_new(m);
    size_t nrec = 0;
    for (size_t i = 0; i < na; i++) {
        if (a[i].res != PARK_CSV_RECORD) continue;
        size_t off = 0;
        for (size_t f = 0; f < a[i].nf; f++) {
            size_t fl;
            memcpy(&fl, a[i].text + off, sizeof fl);
            if (f) park_csv_sep(w);
            park_csv_put_fieldn(w, a[i].text + off + sizeof fl, fl);
            off += sizeof fl + fl;
        }
        park_csv_eol(w);
        nrec++;
    }
    park_csv_writer_free(w);
    fclose(m);
    /* a lone empty field is written as an empty line, which reads back as one
     * record of one empty field: the same */
    size_t nc;
    rec *c = read_all((const uint8_t *)out, outlen, 0, &nc);
    size_t j = 0;
    for (size_t i = 0; i < na; i++) {
        if (a[i].res != PARK_CSV_RECORD) continue;
        /* a leading BOM-looking first field is eaten once more on the way back in */
        if (j == 0 && a[i].len >= sizeof(size_t) + 3 && !memcmp(a[i].text + sizeof(size_t), "\xEF\xBB\xBF", 3)) {
            j++;
            continue;
        }
        if (j >= nc || c[j].res != PARK_CSV_RECORD || c[j].nf != a[i].nf || c[j].len != a[i].len ||
            (a[i].len && memcmp(c[j].text, a[i].text, a[i].len)))
            abort();
        j++;
    }
    free_all(a, na), free_all(b, nb), free_all(c, nc);
    free(out);
    return 0;
}
