/* csv.h - streaming CSV reader and writer (RFC 4180), built for batch speed.
 *
 * Reader: records are parsed in place in one input buffer (read(2) in 64 KiB
 * blocks); fields come back as pointers into that buffer, NUL-terminated,
 * valid until the next park_csv_next(). No allocation per record: the buffer
 * grows only for a record longer than any seen before (up to
 * PARK_CSV_MAX_RECORD), the field table only for a record with more fields.
 *
 * Accepted syntax: fields separated by ','; a record ends at "\n", "\r\n", a
 * lone "\r" or the end of input; a field that starts with '"' is quoted: it may
 * hold , \r \n and "" (one quote) and ends at the next lone '"'. A UTF-8 BOM at
 * the very start is skipped. What is not RFC 4180 is reported per record (the
 * record's fields as far as they could be read are kept, so the caller can echo
 * them): text after a closing quote; an embedded NUL byte; a quoted field not
 * closed (at the end of input, or within PARK_CSV_MAX_QUOTED_LINES lines:
 * then reading resumes on the line after the one where the record began, so
 * one stray quote costs one row, not the rest of the file).
 *
 * Writer: an output buffer flushed with fwrite to a FILE (so the caller's
 * stdio stays usable); fields are quoted only when they need it; every write
 * is checked (park_csv_writer_error).
 *
 * Ownership: park_csv_reader_new / park_csv_writer_new return objects the
 * caller frees with the matching _free; neither owns the fd / FILE. */
#ifndef PARKGIS_CSV_H
#define PARKGIS_CSV_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A record longer than this is an error row (the reader skips to its end). */
#define PARK_CSV_MAX_RECORD (16u << 20)
/* A quoted field spanning more lines than this is taken as an unclosed quote. */
#define PARK_CSV_MAX_QUOTED_LINES 1000

typedef struct park_csv_reader park_csv_reader;

/* Reads from fd (not closed by the reader). NULL on out of memory. */
park_csv_reader *park_csv_reader_new(int fd);
/* The same reading at most `block` bytes at a time, from a buffer that starts
 * that small (tests and the fuzzer: every refill and growth path on small input). */
park_csv_reader *park_csv_reader_new_block(int fd, size_t block);
/* A reader that first reads the n bytes of `prefix` (copied) as if they came
 * from fd, then fd (fd < 0: nothing more); its first record is on line
 * first_line; bom: skip a UTF-8 BOM at the start (only for a whole input).
 * Used to hand a block of a file to a thread, or the rest of a file back. */
park_csv_reader *park_csv_reader_new_prefixed(int fd, const char *prefix, size_t n, long first_line, bool bom);
/* The bytes read but not yet parsed (borrowed, valid until the next call). */
void park_csv_buffered(const park_csv_reader *r, const char **p, size_t *n);
/* The line the next record begins on. */
long park_csv_next_line(const park_csv_reader *r);
void park_csv_reader_free(park_csv_reader *r);
/* Called before each read(2) that may block, e.g. to flush answered rows so a
 * slow pipe sees each answer as its row arrives. */
void park_csv_reader_on_read(park_csv_reader *r, void (*fn)(void *), void *ud);

typedef enum park_csv_result {
    PARK_CSV_EOF = 0,       /* no more records */
    PARK_CSV_RECORD = 1,    /* a well-formed record */
    PARK_CSV_BAD = -1,      /* a malformed record: fields kept, message from park_csv_error */
    PARK_CSV_IO_ERROR = -2, /* read(2) failed (errno in park_csv_errno): not the end of input */
} park_csv_result;

/* Reads the next record. After PARK_CSV_IO_ERROR or PARK_CSV_EOF it keeps returning that. */
park_csv_result park_csv_next(park_csv_reader *r);
/* The current record's fields: count, i-th ("" beyond the count), its length. */
size_t park_csv_nfields(const park_csv_reader *r);
const char *park_csv_value(const park_csv_reader *r, size_t i);
size_t park_csv_value_len(const park_csv_reader *r, size_t i);
/* true when no field of the current record was quoted (then none holds , " \r \n). */
bool park_csv_plain(const park_csv_reader *r);
/* true when the current record holds a NUL byte (it is then PARK_CSV_BAD). */
bool park_csv_has_nul(const park_csv_reader *r);
/* Physical line (1-based) where the current record begins. */
long park_csv_line(const park_csv_reader *r);
/* Why the last record was PARK_CSV_BAD (static text), or NULL. */
const char *park_csv_error(const park_csv_reader *r);
/* errno of the failed read after PARK_CSV_IO_ERROR. */
int park_csv_errno(const park_csv_reader *r);
/* Bad records so far whose quote was not closed (the reader resynchronised). */
long park_csv_unclosed(const park_csv_reader *r);

/* ---- writer */
typedef struct park_csv_writer park_csv_writer;
park_csv_writer *park_csv_writer_new(FILE *f);
/* Flushes (errors are kept for park_csv_writer_error) and frees. */
void park_csv_writer_free(park_csv_writer *w);
/* Writes bytes as they are (a field known not to need quotes, separators). */
void park_csv_put_raw(park_csv_writer *w, const char *s, size_t n);
static inline void park_csv_put_str(park_csv_writer *w, const char *s);
/* Writes one field, quoted when it holds , " \r or \n. NULL is "". */
void park_csv_put_field(park_csv_writer *w, const char *s);
void park_csv_put_fieldn(park_csv_writer *w, const char *s, size_t n);
/* The same, NUL bytes written as U+FFFD (echoing a bad record). */
void park_csv_put_fieldn_nul(park_csv_writer *w, const char *s, size_t n);
/* Writes v with `decimals` (0..9) digits after the point, the same text as
 * printf("%.*f") (falls back to it where a fast rounding could differ); NaN
 * and infinities write nothing (an empty field). */
void park_csv_put_fixed(park_csv_writer *w, double v, int decimals);
void park_csv_put_long(park_csv_writer *w, long v);
static inline void park_csv_sep(park_csv_writer *w);
static inline void park_csv_eol(park_csv_writer *w);
/* Hands the buffered bytes to the FILE and fflushes it. false on a write error. */
bool park_csv_flush(park_csv_writer *w);
/* 0, or the errno of the first failed write. */
int park_csv_writer_error(const park_csv_writer *w);

/* ---- numbers */
/* park_parse_number's syntax and result (the same double as strtod, the same
 * refusals and messages) on a field of known length, without strtod for the
 * common case of up to 19 significant digits and a small exponent (exact:
 * Clinger's fast path). */
int park_csv_parse_number(const char *s, size_t n, double *out, const char **why);

/* ---- inline helpers */
struct park_csv_writer {
    FILE *f;
    char *buf;
    size_t len, cap;
    int err;
};
static inline void park_csv_put_str(park_csv_writer *w, const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    park_csv_put_raw(w, s, n);
}
static inline void park_csv_putc(park_csv_writer *w, char c) {
    if (w->len == w->cap) park_csv_flush(w);
    w->buf[w->len++] = c;
}
static inline void park_csv_sep(park_csv_writer *w) { park_csv_putc(w, ','); }
static inline void park_csv_eol(park_csv_writer *w) { park_csv_putc(w, '\n'); }
#endif
