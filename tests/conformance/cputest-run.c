/* One MOO test on a fresh-state 16 MiB all-RAM machine (no devices: ports
 * read all-ones), run on cpu_exec until the HLT executes, then compared:
 * registers, FLAGS under the undefined-flags mask, FINA bytes, and no byte
 * written that the test does not list (shared/testdata/README.md). */
#include "cpu/cpu.h"
#include "tests/conformance/cputest.h"

#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (16u << 20)
/* Real-mode tests reach at most FFFF:FFFF; stray writes are looked for below this. */
#define SCAN_LIMIT 0x110000u
#define MAX_BLOCKS 64

struct cputest_machine {
    struct mmu_phys_space *space;
    struct mmu_io_space *io;
    struct x86_cpu *cpu;
    uint8_t *expect; /* per byte below SCAN_LIMIT: expected value */
    uint8_t *listed; /* per byte: listed by the test */
};

struct cputest_machine *cputest_machine_new(uint64_t features)
{
    struct cputest_machine *m = calloc(1, sizeof(*m));
    m->space = mmu_phys_new(RAM_SIZE);
    m->io = mmu_io_new();
    m->expect = calloc(1, SCAN_LIMIT);
    m->listed = calloc(1, SCAN_LIMIT);
    if (!m->space || !m->io || !m->expect || !m->listed)
        return NULL;
    mmu_phys_map_ram(m->space, 0, RAM_SIZE, 0, 0);
    mmu_phys_set_a20(m->space, true);
    /* The recording machine had no 80287: ESC instructions do nothing. */
    struct cpu_config cfg = {.space = m->space,
                             .io = m->io,
                             .no_chaining = true,
                             .features = features & ~X86_FEATURE_BIT(X86_FEAT_FPU)};
    m->cpu = cpu_new(&cfg);
    return m->cpu ? m : NULL;
}

void cputest_machine_free(struct cputest_machine *m)
{
    if (!m)
        return;
    cpu_free(m->cpu);
    mmu_io_free(m->io);
    mmu_phys_free(m->space);
    free(m->expect);
    free(m->listed);
    free(m);
}

/* Register order of MOO REGS chunks mapped onto the CPU. */
static const int8_t moo_gpr[MOO_NREGS] = {
    [MOO_AX] = X86_EAX, [MOO_BX] = X86_EBX, [MOO_CX] = X86_ECX, [MOO_DX] = X86_EDX,
    [MOO_SP] = X86_ESP, [MOO_BP] = X86_EBP, [MOO_SI] = X86_ESI, [MOO_DI] = X86_EDI,
    [MOO_CS] = -1,      [MOO_SS] = -1,      [MOO_DS] = -1,      [MOO_ES] = -1,
    [MOO_IP] = -1,      [MOO_FLAGS] = -1,
};
static const int8_t moo_seg[MOO_NREGS] = {
    [MOO_CS] = X86_SEG_CS, [MOO_SS] = X86_SEG_SS, [MOO_DS] = X86_SEG_DS, [MOO_ES] = X86_SEG_ES,
    [MOO_AX] = -1,         [MOO_BX] = -1,         [MOO_CX] = -1,         [MOO_DX] = -1,
    [MOO_SP] = -1,         [MOO_BP] = -1,         [MOO_SI] = -1,         [MOO_DI] = -1,
    [MOO_IP] = -1,         [MOO_FLAGS] = -1,
};
static const char *const moo_reg_name[MOO_NREGS] = {"ax", "bx", "cx", "dx", "cs", "ss", "ds",
                                                    "es", "sp", "bp", "si", "di", "ip", "flags"};

/* Initial FLAGS: bits 12-15 cannot be set in 286 real mode; bit 1 always set. */
static uint16_t init_flags(const struct moo_test *t)
{
    return (uint16_t)((t->init.regs[MOO_FLAGS] & 0x0fff) | 2);
}

static void load_state(struct cputest_machine *m, const struct moo_test *t)
{
    CPUX86State *env = cpu_env(m->cpu);
    cpu_reset(m->cpu);
    for (unsigned r = 0; r < MOO_NREGS; r++) {
        if (moo_gpr[r] >= 0)
            env->regs[moo_gpr[r]] = t->init.regs[r];
        else if (moo_seg[r] >= 0)
            cpu_load_seg_real(env, (unsigned)moo_seg[r], t->init.regs[r]);
    }
    env->eip = t->init.regs[MOO_IP];
    cpu_load_eflags(env, init_flags(t), 0xffffu);
    for (uint32_t i = 0; i < t->init.nram; i++) {
        uint32_t a = t->init.ram[i].addr;
        mmu_phys_write(m->space, a, &t->init.ram[i].val, 1);
        if (a < SCAN_LIMIT) {
            m->expect[a] = t->init.ram[i].val;
            m->listed[a] = 1;
        }
    }
    for (uint32_t i = 0; i < t->final.nram; i++) {
        uint32_t a = t->final.ram[i].addr;
        if (a < SCAN_LIMIT) {
            m->expect[a] = t->final.ram[i].val;
            m->listed[a] = 2; /* compared by compare_ram */
        }
    }
}

static uint16_t want_reg(const struct moo_test *t, unsigned r)
{
    if (t->final.mask & (1u << r))
        return t->final.regs[r];
    return r == MOO_FLAGS ? init_flags(t) : t->init.regs[r];
}

static uint16_t got_reg(CPUX86State *env, unsigned r)
{
    if (moo_gpr[r] >= 0)
        return (uint16_t)env->regs[moo_gpr[r]];
    if (moo_seg[r] >= 0)
        return env->segs[moo_seg[r]].selector;
    if (r == MOO_IP)
        return (uint16_t)env->eip;
    return (uint16_t)cpu_compute_eflags(env);
}

static bool compare_regs(struct cputest_machine *m, const struct moo_test *t, uint16_t fmask,
                         char *diff, size_t len)
{
    CPUX86State *env = cpu_env(m->cpu);
    for (unsigned r = 0; r < MOO_NREGS; r++) {
        uint16_t got = got_reg(env, r), want = want_reg(t, r);
        uint16_t mask = r == MOO_FLAGS ? fmask : 0xffff;
        if ((got & mask) != (want & mask)) {
            snprintf(diff, len, "%s = %04x, want %04x (mask %04x)", moo_reg_name[r], got, want,
                     mask);
            return false;
        }
    }
    return true;
}

/* FINA bytes must match; the two bytes of a FLAGS image pushed by an exception
 * are compared under the flags mask. */
static bool compare_ram(struct cputest_machine *m, const struct moo_test *t, uint16_t fmask,
                        char *diff, size_t len)
{
    /* The EXCP chunk's flags_address is one below the image in this data;
     * the image is where delivery pushed it: the first word below SS:SP. */
    uint32_t img = ((uint32_t)t->init.regs[MOO_SS] << 4) + (uint16_t)(t->init.regs[MOO_SP] - 2);
    for (uint32_t i = 0; i < t->final.nram; i++) {
        uint32_t a = t->final.ram[i].addr;
        uint8_t got = 0, want = t->final.ram[i].val, mask = 0xff;
        mmu_phys_read(m->space, a, &got, 1);
        if (t->has_exception && a == img)
            mask = (uint8_t)fmask;
        else if (t->has_exception && a == img + 1)
            mask = (uint8_t)(fmask >> 8);
        if ((got & mask) != (want & mask)) {
            snprintf(diff, len, "ram[%06x] = %02x, want %02x", a, got, want);
            return false;
        }
    }
    return true;
}

/* Compares every byte below SCAN_LIMIT with what the test lists (unlisted:
 * zero), then clears the RAM for the next test. */
static bool check_and_clear(struct cputest_machine *m, char *diff, size_t len, bool report)
{
    uint8_t *ram = mmu_phys_ram(m->space);
    bool ok = true;
    for (uint32_t a = 0; a < SCAN_LIMIT; a += 8) {
        uint64_t w;
        memcpy(&w, ram + a, 8);
        if (w == 0)
            continue;
        for (uint32_t i = a; i < a + 8; i++) {
            if (ram[i] == 0)
                continue;
            bool stray = !m->listed[i] || (m->listed[i] == 1 && ram[i] != m->expect[i]);
            if (ok && report && stray) {
                snprintf(diff, len, "stray write: ram[%06x] = %02x", i, ram[i]);
                ok = false;
            }
            uint8_t z = 0;
            mmu_phys_write(m->space, i, &z, 1);
        }
    }
    memset(m->expect, 0, SCAN_LIMIT);
    memset(m->listed, 0, SCAN_LIMIT);
    return ok;
}

bool cputest_run(struct cputest_machine *m, const struct moo_test *t, uint16_t flags_mask,
                 char *diff, size_t difflen)
{
    CPUX86State *env = cpu_env(m->cpu);
    load_state(m, t);
    enum cpu_exit_reason why = cpu_exec(m->cpu, MAX_BLOCKS);
    bool ok = true;
    if (why != CPU_EXIT_HALTED) {
        snprintf(diff, difflen, "run ended without HLT (%s) at %04x:%04x",
                 why == CPU_EXIT_SHUTDOWN ? "shutdown" : "block limit",
                 env->segs[X86_SEG_CS].selector, (unsigned)env->eip);
        ok = false;
    }
    ok = ok && compare_regs(m, t, flags_mask, diff, difflen);
    ok = ok && compare_ram(m, t, flags_mask, diff, difflen);
    ok = check_and_clear(m, diff, difflen, ok) && ok;
    return ok;
}
