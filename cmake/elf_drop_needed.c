/* elf_drop_needed.c - removes DT_NEEDED entries from a linked ELF64 executable
 * (build step of `parkgis`, issue 11; see src/util/lazylib.c for why).
 *
 *   elf_drop_needed FILE SONAME...
 *
 * The dynamic section keeps every other entry in order; the freed slots at its
 * end become DT_NULL. The symbols the executable imports from the dropped
 * libraries stay as lazily bound PLT calls, resolved by the dynamic linker
 * once the program has opened the library RTLD_GLOBAL. The file is rewritten
 * through a temporary beside it and renamed; anything unexpected (not ELF64
 * little-endian, no dynamic section, a write error) exits 1 and leaves FILE as
 * it was; a SONAME the file does not need is passed over. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *file, const char *why) {
    fprintf(stderr, "elf_drop_needed: %s: %s\n", file, why);
    return 1;
}

/* file offset of virtual address `va`, via the PT_LOAD segments; -1 if none */
static long va_to_off(const unsigned char *b, size_t n, const Elf64_Ehdr *eh, Elf64_Addr va) {
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(b + eh->e_phoff + (size_t)i * eh->e_phentsize);
        if (ph->p_type == PT_LOAD && va >= ph->p_vaddr && va < ph->p_vaddr + ph->p_filesz && ph->p_offset + (va - ph->p_vaddr) < n)
            return (long)(ph->p_offset + (va - ph->p_vaddr));
    }
    return -1;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: elf_drop_needed FILE SONAME...\n");
        return 2;
    }
    const char *file = argv[1];
    FILE *f = fopen(file, "rb");
    if (!f) return fail(file, "cannot open");
    struct stat sb;
    if (fstat(fileno(f), &sb) || sb.st_size < (off_t)sizeof(Elf64_Ehdr)) return fclose(f), fail(file, "too small to be ELF");
    size_t n = (size_t)sb.st_size;
    unsigned char *b = malloc(n);
    if (!b || fread(b, 1, n, f) != n) return fclose(f), fail(file, "cannot read");
    fclose(f);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)b;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(file, "not a little-endian ELF64 file");
    if (eh->e_phoff + (size_t)eh->e_phnum * eh->e_phentsize > n || eh->e_phentsize < sizeof(Elf64_Phdr))
        return fail(file, "program headers out of the file");
    Elf64_Dyn *dyn = NULL;
    size_t ndyn = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(b + eh->e_phoff + (size_t)i * eh->e_phentsize);
        if (ph->p_type == PT_DYNAMIC && ph->p_offset + ph->p_filesz <= n)
            dyn = (Elf64_Dyn *)(b + ph->p_offset), ndyn = ph->p_filesz / sizeof *dyn;
    }
    if (!dyn) return fail(file, "no dynamic section");
    long stroff = -1;
    Elf64_Xword strsz = 0;
    for (size_t i = 0; i < ndyn && dyn[i].d_tag != DT_NULL; i++) {
        if (dyn[i].d_tag == DT_STRTAB) stroff = va_to_off(b, n, eh, dyn[i].d_un.d_ptr);
        if (dyn[i].d_tag == DT_STRSZ) strsz = dyn[i].d_un.d_val;
    }
    if (stroff < 0 || (size_t)stroff + strsz > n) return fail(file, "no dynamic string table");
    const char *strtab = (const char *)b + stroff;
    for (int a = 2; a < argc; a++) {
        size_t i, found = 0;
        for (i = 0; i < ndyn && dyn[i].d_tag != DT_NULL; i++) {
            if (dyn[i].d_tag == DT_NEEDED && dyn[i].d_un.d_val < strsz && !strcmp(strtab + dyn[i].d_un.d_val, argv[a])) {
                memmove(&dyn[i], &dyn[i + 1], (ndyn - i - 1) * sizeof *dyn);
                memset(&dyn[ndyn - 1], 0, sizeof *dyn); /* DT_NULL */
                found = 1;
                break;
            }
        }
        (void)found; /* not needed by this link (e.g. --as-needed dropped it): nothing to do */
    }
    size_t tl = strlen(file) + 16;
    char *tmp = malloc(tl);
    snprintf(tmp, tl, "%s.tmp.%ld", file, (long)getpid());
    FILE *o = fopen(tmp, "wb");
    if (!o) return fail(tmp, "cannot create");
    int bad = fwrite(b, 1, n, o) != n;
    bad |= fflush(o) != 0;
    bad |= fsync(fileno(o)) != 0;
    bad |= fclose(o) != 0;
    if (bad || chmod(tmp, sb.st_mode & 07777) || rename(tmp, file)) {
        unlink(tmp);
        return fail(file, "cannot write the result");
    }
    free(tmp), free(b);
    return 0;
}
