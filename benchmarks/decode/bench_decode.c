/* Decoder throughput: instructions decoded per second by frontend/decode and
 * by Capstone (cs_disasm_iter, detail off) over the same code stream, a linear
 * sweep of the .text section of a 32-bit ELF (or a raw image), same run. */
#include "benchmarks/bench-file.h"
#include "frontend/decode.h"

#include <capstone/capstone.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct stream {
    uint8_t *code;
    size_t size;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The executable sections of an ELF32 x86 file, concatenated. */
static bool elf32_text(const uint8_t *file, size_t size, struct stream *s)
{
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)file;
    if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_machine != EM_386 ||
        eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf32_Shdr) > size) {
        return false;
    }
    const Elf32_Shdr *sh = (const Elf32_Shdr *)(file + eh->e_shoff);
    s->code = malloc(size);
    s->size = 0;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type == SHT_PROGBITS && (sh[i].sh_flags & SHF_EXECINSTR) &&
            sh[i].sh_offset + (size_t)sh[i].sh_size <= size) {
            memcpy(s->code + s->size, file + sh[i].sh_offset, sh[i].sh_size);
            s->size += sh[i].sh_size;
        }
    }
    return s->size > 0;
}

static int fetch(void *opaque, uint64_t addr, uint8_t *buf, unsigned max)
{
    const struct stream *s = opaque;
    if (addr >= s->size) {
        return -1;
    }
    size_t n = s->size - addr;
    n = n < max ? n : max;
    memcpy(buf, s->code + addr, n);
    return (int)n;
}

static unsigned long sweep_jit86(const struct stream *s, int code_size, unsigned long *bad)
{
    struct x86_decode_ctx ctx = {fetch, (void *)s, (uint8_t)code_size, X86_FEATURES_ALL};
    unsigned long n = 0;
    for (uint64_t pc = 0; pc < s->size;) {
        struct x86_instr in;
        if (x86_decode(&in, &ctx, pc) == X86_DECODE_OK) {
            pc += in.len;
            n++;
        } else {
            pc++;
            (*bad)++;
        }
    }
    return n;
}

static unsigned long sweep_capstone(csh cs, cs_insn *ci, const struct stream *s, unsigned long *bad)
{
    unsigned long n = 0;
    const uint8_t *code = s->code;
    size_t left = s->size;
    uint64_t addr = 0;
    while (left) {
        if (cs_disasm_iter(cs, &code, &left, &addr, ci)) {
            n++;
        } else {
            code++, left--, addr++;
            (*bad)++;
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [--raw16|--raw32] [seconds]\n", argv[0]);
        return 2;
    }
    size_t fsize;
    uint8_t *file = bench_read_file(argv[1], &fsize);
    if (!file) {
        fprintf(stderr, "bench_decode: cannot read %s\n", argv[1]);
        return 1;
    }
    int code_size = 4;
    struct stream s = {file, fsize};
    bool raw = argc > 2 && strncmp(argv[2], "--raw", 5) == 0;
    if (raw) {
        code_size = strcmp(argv[2], "--raw16") == 0 ? 2 : 4;
    } else if (!elf32_text(file, fsize, &s)) {
        fprintf(stderr, "bench_decode: %s is not an i386 ELF with code\n", argv[1]);
        return 1;
    }
    double budget = argc > 3 ? atof(argv[3]) : 2.0;

    csh cs;
    if (cs_open(CS_ARCH_X86, code_size == 2 ? CS_MODE_16 : CS_MODE_32, &cs) != CS_ERR_OK) {
        fprintf(stderr, "bench_decode: cs_open failed\n");
        return 1;
    }
    cs_option(cs, CS_OPT_DETAIL, CS_OPT_OFF);
    cs_insn *ci = cs_malloc(cs);

    unsigned long ours = 0, theirs = 0, bad_ours = 0, bad_theirs = 0, passes = 0;
    double t_ours = 0, t_theirs = 0;
    /* interleave passes so both see the same machine load */
    while (t_ours + t_theirs < budget || passes < 2) {
        double t0 = now();
        ours += sweep_jit86(&s, code_size, &bad_ours);
        double t1 = now();
        theirs += sweep_capstone(cs, ci, &s, &bad_theirs);
        double t2 = now();
        t_ours += t1 - t0;
        t_theirs += t2 - t1;
        passes++;
    }
    double r_ours = (double)ours / t_ours, r_theirs = (double)theirs / t_theirs;
    printf("stream: %s, %zu code bytes, %d-bit, %lu passes\n", argv[1], s.size, code_size * 8,
           passes);
    printf("jit86    : %10.2f M insn/s (%lu insns/pass, %lu undecodable bytes/pass)\n",
           r_ours / 1e6, ours / passes, bad_ours / passes);
    printf("capstone : %10.2f M insn/s (%lu insns/pass, %lu undecodable bytes/pass)\n",
           r_theirs / 1e6, theirs / passes, bad_theirs / passes);
    printf("ratio    : %10.2f x\n", r_ours / r_theirs);
    cs_free(ci, 1);
    cs_close(&cs);
    return 0;
}
