/* Translation speed on real guest code: the blocks a Linux boot translated
 * (a -perfmap file's guest PCs), lifted from the kernel's own ELF image,
 * optimized and emitted again and again; microseconds per block by stage.
 * Run by benchmarks/xlate/run.sh; figures only, never a pass/fail test. */
#include "benchmarks/bench-file.h"
#include "cpu/cpu.h"
#include "frontend/lift.h"
#include "translator/translator.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The kernel's image as it sits in guest virtual memory (the PT_LOAD
 * segments), and the block start addresses inside it. */
struct corpus {
    uint8_t *mem;
    uint32_t base, size;
    uint32_t *pc;
    unsigned npc;
};

/* CPU time of this thread: what translating costs, less disturbed by the
 * other processes of a shared machine than wall time. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall time for the per-pass breakdown: the CPU clock is a system call,
 * slower than a pass. */
static double now_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool load_elf(struct corpus *c, const uint8_t *file, size_t size)
{
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)file;
    if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS32 ||
        eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf32_Phdr) > size)
        return false;
    const Elf32_Phdr *ph = (const Elf32_Phdr *)(file + eh->e_phoff);
    uint32_t lo = UINT32_MAX, hi = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        lo = ph[i].p_vaddr < lo ? ph[i].p_vaddr : lo;
        hi = ph[i].p_vaddr + ph[i].p_memsz > hi ? ph[i].p_vaddr + ph[i].p_memsz : hi;
    }
    if (lo >= hi)
        return false;
    c->base = lo;
    c->size = hi - lo;
    c->mem = calloc(1, c->size);
    for (unsigned i = 0; c->mem && i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_offset + (size_t)ph[i].p_filesz <= size)
            memcpy(c->mem + (ph[i].p_vaddr - lo), file + ph[i].p_offset, ph[i].p_filesz);
    return c->mem != NULL;
}

/* "HOST SIZE guest_PC" lines; keeps each PC inside the image once. */
static bool load_pcs(struct corpus *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    uint8_t *seen = calloc(c->size, 1);
    unsigned cap = 0;
    char line[256];
    while (seen && fgets(line, sizeof(line), f)) {
        char *g = strstr(line, "guest_");
        if (!g)
            continue;
        uint32_t pc = (uint32_t)strtoul(g + 6, NULL, 16);
        if (pc < c->base || pc - c->base >= c->size || seen[pc - c->base])
            continue;
        seen[pc - c->base] = 1;
        if (c->npc == cap) {
            cap = cap ? 2 * cap : 4096;
            c->pc = realloc(c->pc, cap * sizeof(*c->pc));
        }
        c->pc[c->npc++] = pc;
    }
    free(seen);
    fclose(f);
    return c->npc > 0;
}

/* Code fetch as the CPU's: at most up to the end of the page. */
static int fetch(void *opaque, uint64_t addr, uint8_t *buf, unsigned max)
{
    const struct corpus *c = opaque;
    addr &= 0xffffffffu;
    if (addr < c->base || addr - c->base >= c->size)
        return -1;
    unsigned room = 4096 - (unsigned)(addr & 4095);
    unsigned n = max < room ? max : room;
    if (n > c->base + c->size - addr)
        n = (unsigned)(c->base + c->size - addr);
    memcpy(buf, c->mem + (addr - c->base), n);
    return (int)n;
}

/* Kernel code: 32-bit flat protected mode with paging, CPL 0, as Linux runs. */
#define KERNEL_HFLAGS                                                                              \
    (X86_HF_CS32 | X86_HF_SS32 | X86_HF_PE | X86_HF_PG | X86_HF_FLAT32 | X86_HF_OSFXSR)

enum stage { LIFT, LIFT_OPT, FULL, PASSES, NSTAGES };
static const char *const stage_names[NSTAGES] = {"lift", "lift+opt", "full", "passes"};
#define MAX_PASSES 16

/* Seconds per optimizer pass in the last PASSES round (wall clock read
 * between passes: a breakdown, not part of the stage totals). */
struct pass_times {
    double t[MAX_PASSES];
};

static void timed_passes(struct ir_block *b, struct pass_times *pt)
{
    unsigned n;
    const struct translator_pass *p = translator_passes(&n);
    double t0 = now_wall();
    for (unsigned k = 0; k < n && k < MAX_PASSES; k++) {
        p[k].run(b);
        double t1 = now_wall();
        pt->t[k] += t1 - t0;
        t0 = t1;
    }
}

struct totals {
    uint64_t ops_in, ops_out, code_bytes, blocks;
    uint64_t ir_hash; /* of every optimized op, field by field (FNV-1a) */
};

static uint64_t fnv(uint64_t h, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++, v >>= 8)
        h = (h ^ (v & 0xff)) * 0x100000001b3ull;
    return h;
}

static uint64_t hash_block(uint64_t h, const struct ir_block *b)
{
    for (unsigned i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        h = fnv(h, (uint64_t)op->opc << 24 | (uint64_t)op->type << 16 | op->nout << 8 | op->nin);
        for (unsigned k = 0; k < ir_op_ntemps(op); k++)
            h = fnv(h, op->args[k]);
        h = fnv(fnv(fnv(h, op->life), op->cargs[0]), op->cargs[1]);
    }
    return h;
}

/* One pass over every block; returns the seconds it took. */
static double round_once(struct translator *tr, const struct corpus *c, enum stage s,
                         struct totals *tot, struct pass_times *pt)
{
    *pt = (struct pass_times){{0}};
    translator_flush(tr);
    const struct translator_stats *st = translator_stats(tr);
    uint64_t in0 = st->ir_ops_in, out0 = st->ir_ops_out, code0 = st->code_bytes;
    uint64_t lifted = 0, ir_hash = 0xcbf29ce484222325ull;
    double t0 = now();
    for (unsigned i = 0; i < c->npc; i++) {
        struct x86_lift_config lc = {
            .fetch = fetch,
            .opaque = (void *)c,
            .features = CPU_FEATURES_IMPLEMENTED,
            .eip = c->pc[i],
            .hflags = KERNEL_HFLAGS,
            .mmu_idx = MMU_IDX_KERNEL,
            .fpu = true,
        };
        struct x86_lift_result res;
        struct ir_block *b = translator_block(tr);
        x86_lift_block(b, &lc, &res);
        lifted += b->nops;
        if (s == LIFT_OPT)
            translator_optimize(b);
        if (s == PASSES) {
            timed_passes(b, pt);
            ir_hash = hash_block(ir_hash, b);
        }
        if (s != FULL)
            continue;
        uint64_t phys = c->pc[i] - 0xc0000000u, page2 = TB_NO_PAGE;
        if ((res.last_byte >> 12) != (c->pc[i] >> 12))
            page2 = (res.last_byte - 0xc0000000u) & ~4095ull;
        struct tb_key key = {phys, 0, KERNEL_HFLAGS};
        translator_commit(tr, phys, &key, res.size, page2);
    }
    double dt = now() - t0;
    *tot = (struct totals){s == FULL ? st->ir_ops_in - in0 : lifted, st->ir_ops_out - out0,
                           st->code_bytes - code0, c->npc, ir_hash};
    return dt;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_xlate VMLINUX PERFMAP [ROUNDS [BACKEND]]\n");
        return 2;
    }
    unsigned rounds = argc > 3 ? (unsigned)atoi(argv[3]) : 5;
    const char *backend = argc > 4 ? argv[4] : "x86_64";
    struct corpus c = {0};
    size_t size;
    uint8_t *file = bench_read_file(argv[1], &size);
    if (!file || !load_elf(&c, file, size) || !load_pcs(&c, argv[2])) {
        fprintf(stderr, "bench_xlate: no 32-bit ELF image in %s or no block in %s\n", argv[1],
                argv[2]);
        return 1;
    }
    free(file);
    struct mmu_phys_space *space = mmu_phys_new(1u << 20);
    struct cpu_config cfg = {
        .space = space, .backend = translator_backend_by_name(backend), .code_size = 256u << 20};
    struct x86_cpu *cpu = space && cfg.backend ? cpu_new(&cfg) : NULL;
    if (!cpu) {
        fprintf(stderr, "bench_xlate: cannot create a CPU with backend %s\n", backend);
        return 1;
    }
    struct translator *tr = cpu_translator(cpu);
    double best[NSTAGES];
    struct totals tot[NSTAGES];
    struct pass_times pt, best_pt = {{0}};
    for (unsigned s = 0; s < NSTAGES; s++)
        best[s] = 1e30;
    /* Stages interleaved, best of the rounds: the machine is shared. */
    for (unsigned r = 0; r < rounds; r++)
        for (unsigned s = 0; s < NSTAGES; s++) {
            double dt = round_once(tr, &c, (enum stage)s, &tot[s], &pt);
            if (s == PASSES && dt < best[s])
                best_pt = pt;
            best[s] = dt < best[s] ? dt : best[s];
        }
    double us[NSTAGES];
    for (unsigned s = 0; s < NSTAGES; s++)
        us[s] = best[s] * 1e6 / c.npc;
    printf("%u blocks, backend %s, best of %u rounds, us/block:\n", c.npc, backend, rounds);
    for (unsigned s = 0; s < PASSES; s++)
        printf("  %-9s %7.2f\n", stage_names[s], us[s]);
    printf("  = lift %.2f, optimize %.2f, emit+register %.2f\n", us[LIFT], us[LIFT_OPT] - us[LIFT],
           us[FULL] - us[LIFT_OPT]);
    unsigned npasses;
    const struct translator_pass *p = translator_passes(&npasses);
    printf("  optimizer passes (timed one by one):");
    for (unsigned k = 0; k < npasses && k < MAX_PASSES; k++)
        printf(" %s %.2f", p[k].name, best_pt.t[k] * 1e6 / c.npc);
    printf("\n");
    /* What the translation produced: equal between two builds when the
     * optimizer's output and the emitted code did not change. */
    printf("output: ir ops %" PRIu64 " -> %" PRIu64 ", code bytes %" PRIu64
           ", optimized IR hash %016" PRIx64 "\n",
           tot[FULL].ops_in, tot[FULL].ops_out, tot[FULL].code_bytes, tot[PASSES].ir_hash);
    cpu_free(cpu);
    mmu_phys_free(space);
    free(c.mem);
    free(c.pc);
    return 0;
}
