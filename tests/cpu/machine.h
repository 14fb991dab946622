/* A bare real-mode machine for CPU tests: 2 MiB of RAM, no devices, CS=0,
 * code at 0x1000, stack at 0000:8000, IVT at 0 with every vector pointing at a
 * HLT at 0x1800. Header-only: each test file includes it once. */
#ifndef JIT86_TESTS_CPU_MACHINE_H
#define JIT86_TESTS_CPU_MACHINE_H

#include "cpu/cpu.h"
#include "translator/translator.h"

#include <check.h>
#include <string.h>

#define TM_RAM     (2u << 20)
#define TM_CODE    0x1000u
#define TM_HANDLER 0x1800u
#define TM_STACK   0x8000u

struct tmachine {
    struct mmu_phys_space *space;
    struct mmu_io_space *io;
    struct x86_cpu *cpu;
    CPUX86State *env;
};

static inline void tm_poke(struct tmachine *m, uint32_t addr, const void *p, size_t n)
{
    mmu_phys_write(m->space, addr, p, n);
}

static inline void tm_poke16(struct tmachine *m, uint32_t addr, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    tm_poke(m, addr, b, 2);
}

static inline uint8_t tm_peek8(struct tmachine *m, uint32_t addr)
{
    uint8_t v = 0;
    mmu_phys_read(m->space, addr, &v, 1);
    return v;
}

static inline uint16_t tm_peek16(struct tmachine *m, uint32_t addr)
{
    return (uint16_t)(tm_peek8(m, addr) | (tm_peek8(m, addr + 1) << 8));
}

static inline void tm_init_chained(struct tmachine *m, bool chaining)
{
    m->space = mmu_phys_new(TM_RAM);
    m->io = mmu_io_new();
    ck_assert_ptr_nonnull(m->space);
    mmu_phys_map_ram(m->space, 0, TM_RAM, 0, 0);
    mmu_phys_set_a20(m->space, true);
    struct cpu_config cfg = {.space = m->space, .io = m->io, .no_chaining = !chaining};
    m->cpu = cpu_new(&cfg);
    ck_assert_ptr_nonnull(m->cpu);
    m->env = cpu_env(m->cpu);
    for (unsigned v = 0; v < 256; v++) {
        tm_poke16(m, v * 4, TM_HANDLER);
        tm_poke16(m, v * 4 + 2, 0);
    }
    uint8_t hlt = 0xf4;
    tm_poke(m, TM_HANDLER, &hlt, 1);
    for (unsigned s = 0; s < 6; s++)
        cpu_load_seg_real(m->env, s, 0);
    m->env->idt.base = 0;
    m->env->idt.limit = 0x3ff;
    m->env->eip = TM_CODE;
    m->env->regs[4] = TM_STACK;
}

static inline void tm_init(struct tmachine *m)
{
    tm_init_chained(m, false);
}

static inline void tm_code(struct tmachine *m, const uint8_t *code, size_t n)
{
    tm_poke(m, TM_CODE, code, n);
}

static inline enum cpu_exit_reason tm_run(struct tmachine *m)
{
    return cpu_exec(m->cpu, 1000);
}

static inline void tm_free(struct tmachine *m)
{
    cpu_free(m->cpu);
    mmu_io_free(m->io);
    mmu_phys_free(m->space);
}

/* Paging for tests: flat 32-bit code and data (GDT at 0x3000), an IDT at
 * 0x4000 whose #PF gate leads to 0008:5200 (a HLT unless the test puts a
 * handler there), page directory 0x10000 with one table at 0x11000: linear
 * 0x20000 -> physical 0x30000, 0x21000 not present, 0x22000 -> 0x40000, the
 * rest of the first 2 MiB identity. The code at TM_CODE enters protected
 * mode, loads DS/ES/SS, ESP 0x9000, the IDT, CR3 and sets CR0.PG, then runs
 * tail (copied after it at 0x1100+). */
#define TM_PG_PD 0x10000u
#define TM_PG_PT 0x11000u

static inline void tm_poke32(struct tmachine *m, uint32_t a, uint32_t v)
{
    tm_poke16(m, a, (uint16_t)v);
    tm_poke16(m, a + 2, (uint16_t)(v >> 16));
}

static inline void tm_paged_setup(struct tmachine *m, const uint8_t *tail, size_t n)
{
    tm_poke32(m, 0x3008, 0x0000ffffu);
    tm_poke32(m, 0x300c, 0x00cf9a00u);
    tm_poke32(m, 0x3010, 0x0000ffffu);
    tm_poke32(m, 0x3014, 0x00cf9200u);
    tm_poke16(m, 0x3100, 23);
    tm_poke32(m, 0x3102, 0x3000);
    tm_poke16(m, 0x3108, 0x7ff);
    tm_poke32(m, 0x310a, 0x4000);
    tm_poke32(m, 0x4000 + 14 * 8, 0x00085200u); /* #PF: 32-bit interrupt gate */
    tm_poke32(m, 0x4000 + 14 * 8 + 4, 0x00008e00u);
    static const uint8_t hlt = 0xf4;
    tm_poke(m, 0x5200, &hlt, 1);
    tm_poke32(m, TM_PG_PD, TM_PG_PT | 3);
    for (uint32_t i = 0; i < 0x200; i++) {
        uint32_t frame = i == 0x20 ? 0x30000 : i == 0x22 ? 0x40000 : i << 12;
        tm_poke32(m, TM_PG_PT + 4 * i, i == 0x21 ? 0 : frame | 3);
    }
    /* lgdt [0x3100]; mov eax,cr0; or al,1; mov cr0,eax; jmp dword 0008:00001100 */
    static const uint8_t real[] = {0x0f, 0x01, 0x16, 0x00, 0x31, 0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f,
                                   0x22, 0xc0, 0x66, 0xea, 0x00, 0x11, 0x00, 0x00, 0x08, 0x00};
    tm_code(m, real, sizeof(real));
    /* mov ax,0x10; mov ds/es/ss,ax; mov esp,0x9000; lidt [0x3108];
     * mov eax,0x10000; mov cr3,eax; mov eax,cr0; or eax,0x80000000; mov cr0,eax */
    static const uint8_t pm[] = {0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xd0,
                                 0xbc, 0x00, 0x90, 0x00, 0x00, 0x0f, 0x01, 0x1d, 0x08, 0x31,
                                 0x00, 0x00, 0xb8, 0x00, 0x00, 0x01, 0x00, 0x0f, 0x22, 0xd8,
                                 0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22,
                                 0xc0};
    tm_poke(m, 0x1100, pm, sizeof(pm));
    tm_poke(m, 0x1100 + sizeof(pm), tail, n);
}

/* One real-mode machine (as tm_init, chaining on) per backend this host
 * runs, interpreter first, into ms[0..max); returns how many. */
static inline unsigned tm_init_backends(struct tmachine *ms, unsigned max)
{
    static const char *const names[] = {"interp", "x86_64", "aarch64"};
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]) && n < max; i++) {
        const struct tb_backend *be = translator_backend_by_name(names[i]);
        if (!be)
            continue;
        struct tmachine *m = &ms[n++];
        tm_init_chained(m, true);
        cpu_free(m->cpu);
        struct cpu_config cfg = {.space = m->space, .io = m->io, .backend = be};
        m->cpu = cpu_new(&cfg);
        ck_assert_ptr_nonnull(m->cpu);
        m->env = cpu_env(m->cpu);
        for (unsigned seg = 0; seg < 6; seg++)
            cpu_load_seg_real(m->env, seg, 0);
        m->env->idt.base = 0;
        m->env->idt.limit = 0x3ff;
    }
    return n;
}

#endif
