/* json.c - a minimal streaming JSON writer. Output is always valid JSON:
 * strings are escaped, non-finite numbers become null. */
#include <math.h>
#include <string.h>

#include "../internal.h"

void park_json_init(park_json *j) {
    memset(j, 0, sizeof *j);
    park_buf_init(&j->out);
}

static void sep(park_json *j) {
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->need_comma[j->depth]) park_buf_append(&j->out, ",");
    j->need_comma[j->depth] = true;
}

void park_json_begin_obj(park_json *j) {
    sep(j);
    park_buf_append(&j->out, "{");
    j->need_comma[++j->depth] = false;
}
void park_json_end_obj(park_json *j) {
    j->depth--;
    park_buf_append(&j->out, "}");
}
void park_json_begin_arr(park_json *j) {
    sep(j);
    park_buf_append(&j->out, "[");
    j->need_comma[++j->depth] = false;
}
void park_json_end_arr(park_json *j) {
    j->depth--;
    park_buf_append(&j->out, "]");
}

void park_json_escape(park_buf *b, const char *s) {
    park_buf_append(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': park_buf_append(b, "\\\""); break;
        case '\\': park_buf_append(b, "\\\\"); break;
        case '\n': park_buf_append(b, "\\n"); break;
        case '\r': park_buf_append(b, "\\r"); break;
        case '\t': park_buf_append(b, "\\t"); break;
        default:
            if (*p < 0x20)
                park_buf_printf(b, "\\u%04x", *p);
            else
                park_buf_appendn(b, (const char *)p, 1);
        }
    }
    park_buf_append(b, "\"");
}

void park_json_key(park_json *j, const char *k) {
    sep(j);
    park_json_escape(&j->out, k);
    park_buf_append(&j->out, ":");
    j->after_key = true;
}
void park_json_raw(park_json *j, const char *json) {
    sep(j);
    park_buf_append(&j->out, json);
}
void park_json_str(park_json *j, const char *s) {
    if (!s) {
        park_json_null(j);
        return;
    }
    sep(j);
    park_json_escape(&j->out, s);
}
void park_json_num(park_json *j, double v, int decimals) {
    if (!isfinite(v)) {
        park_json_null(j);
        return;
    }
    sep(j);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    /* trim trailing zeros so 0.720000 prints as 0.72, but keep one digit */
    char *dot = strchr(tmp, '.');
    if (dot) {
        char *e = tmp + strlen(tmp) - 1;
        while (e > dot + 1 && *e == '0') *e-- = 0;
        if (e == dot + 1 && *e == '0') *dot = 0;
    }
    if (strcmp(tmp, "-0") == 0) strcpy(tmp, "0");
    park_buf_append(&j->out, tmp);
}
void park_json_int(park_json *j, long v) {
    sep(j);
    park_buf_printf(&j->out, "%ld", v);
}
void park_json_bool(park_json *j, bool v) {
    sep(j);
    park_buf_append(&j->out, v ? "true" : "false");
}
void park_json_null(park_json *j) {
    sep(j);
    park_buf_append(&j->out, "null");
}
char *park_json_take(park_json *j) {
    char *s = park_buf_take(&j->out);
    park_json_init(j);
    return s;
}
