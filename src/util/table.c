/* table.c - one row model printed as an aligned text table (CJK-aware widths)
 * or as RFC 4180 CSV. */
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

park_table *park_table_new(int ncols, const char *const *cols) {
    park_table *t = calloc(1, sizeof *t);
    t->ncols = ncols;
    t->cols = calloc((size_t)ncols, sizeof *t->cols);
    t->numeric = calloc((size_t)ncols, sizeof *t->numeric);
    for (int i = 0; i < ncols; i++) t->cols[i] = park_strdup(cols[i]);
    return t;
}

void park_table_numeric(park_table *t, int col) { t->numeric[col] = true; }

void park_table_add(park_table *t, const char *const *vals) {
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->rows = realloc(t->rows, t->cap * sizeof *t->rows);
    }
    char **row = calloc((size_t)t->ncols, sizeof *row);
    for (int i = 0; i < t->ncols; i++) row[i] = park_strdup(vals[i]);
    t->rows[t->nrows++] = row;
}

static void pad(FILE *f, int n) {
    while (n-- > 0) fputc(' ', f);
}

void park_table_print_text(const park_table *t, FILE *f) {
    int *w = calloc((size_t)t->ncols, sizeof *w);
    for (int c = 0; c < t->ncols; c++) {
        w[c] = park_utf8_width(t->cols[c]);
        for (size_t r = 0; r < t->nrows; r++) {
            int x = park_utf8_width(t->rows[r][c]);
            if (x > w[c]) w[c] = x;
        }
    }
    for (int c = 0; c < t->ncols; c++) {
        int x = park_utf8_width(t->cols[c]);
        if (t->numeric[c]) pad(f, w[c] - x);
        fputs(t->cols[c], f);
        if (c + 1 < t->ncols) pad(f, (t->numeric[c] ? 0 : w[c] - x) + 2);
    }
    fputc('\n', f);
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const char *v = t->rows[r][c];
            int x = park_utf8_width(v);
            if (t->numeric[c]) pad(f, w[c] - x);
            fputs(v, f);
            if (c + 1 < t->ncols) pad(f, (t->numeric[c] ? 0 : w[c] - x) + 2);
        }
        fputc('\n', f);
    }
    free(w);
}

void park_csv_field(FILE *f, const char *s) {
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void park_table_print_csv(const park_table *t, FILE *f) {
    for (int c = 0; c < t->ncols; c++) {
        if (c) fputc(',', f);
        park_csv_field(f, t->cols[c]);
    }
    fputc('\n', f);
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            if (c) fputc(',', f);
            park_csv_field(f, t->rows[r][c]);
        }
        fputc('\n', f);
    }
}

void park_table_free(park_table *t) {
    if (!t) return;
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) free(t->rows[r][c]);
        free(t->rows[r]);
    }
    for (int c = 0; c < t->ncols; c++) free(t->cols[c]);
    free(t->rows);
    free(t->cols);
    free(t->numeric);
    free(t);
}
