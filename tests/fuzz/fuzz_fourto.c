/* fuzz_fourto.c - the 四至 parser (src/parse/fourto.c): the first byte picks
 * park_fourto_parse on the text, or the TSV reader park_fourto_read on the
 * input written as a file (header, comments, quoting, numbers, line errors). */
#include "fuzz_common.h"

static park_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    ctx = park_ctx_new();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    if (data[0] & 1) {
        char *s = fuzz_text(data + 1, size - 1);
        park_fourto *ft = NULL;
        if (park_fourto_parse(ctx, s, "fuzz", &ft) == PARK_OK) {
            for (size_t b = 0; b < ft->nblocks; b++)
                for (int d = 0; d < 4; d++) (void)park_fourto_side_get(&ft->blocks[b], (park_dir)d);
            park_fourto_free(ft);
        } else if (ft) abort();
        free(s);
    } else {
        char path[512];
        snprintf(path, sizeof path, "%s/ft.tsv", fuzz_dir());
        fuzz_write(path, data + 1, size - 1);
        park_fourto_set *set = NULL;
        if (park_fourto_read(ctx, path, &set) == PARK_OK) park_fourto_set_free(set);
        else if (set) abort();
    }
    return 0;
}
