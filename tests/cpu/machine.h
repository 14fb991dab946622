/* A bare real-mode machine for CPU tests: 2 MiB of RAM, no devices, CS=0,
 * code at 0x1000, stack at 0000:8000, IVT at 0 with every vector pointing at a
 * HLT at 0x1800. Header-only: each test file includes it once. */
#ifndef JIT86_TESTS_CPU_MACHINE_H
#define JIT86_TESTS_CPU_MACHINE_H

#include "cpu/cpu.h"

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

#endif
