/* `info tb ADDR`: jit86-translate's view of live guest code. The block of the
 * translation cache covering a linear address (else code starting there) is
 * read through the guest's current page tables and translated again, in its
 * code mode, on a scratch machine, to show every stage. */
#include "translate.h"

#include "cpu/cpu.h"

#include <inttypes.h>
#include <stdlib.h>

#define XL_INFO_MAX (XL_MAX_INSNS * 15)

/* Up to len bytes at linear addr, stopping at the first unmapped page;
 * returns how many were read. */
static size_t read_linear(CPUX86State *env, uint32_t addr, uint8_t *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        uint32_t at = addr + (uint32_t)done;
        struct mmu_translation t = {.paddr = at & mmu_phys_a20_mask(env->tlb.space)};
        struct mmu_fault f;
        if (env->tlb.paging.pg &&
            !mmu_translate(env->tlb.space, &env->tlb.paging, at, MMU_ACCESS_READ, false, &t, &f))
            break;
        size_t chunk = MMU_PAGE_SIZE - (at & MMU_PAGE_OFFSET);
        if (chunk > len - done)
            chunk = len - done;
        mmu_phys_read(env->tlb.space, t.paddr, buf + done, chunk);
        done += chunk;
    }
    return done;
}

static bool linear_to_phys(CPUX86State *env, uint32_t addr, uint64_t *phys)
{
    struct mmu_translation t = {.paddr = addr & mmu_phys_a20_mask(env->tlb.space)};
    struct mmu_fault f;
    if (env->tlb.paging.pg &&
        !mmu_translate(env->tlb.space, &env->tlb.paging, addr, MMU_ACCESS_READ, false, &t, &f))
        return false;
    *phys = t.paddr;
    return true;
}

/* The live block covering addr, described in one line; NULL when none. */
static const struct tb *live_block(struct x86_cpu *cpu, uint32_t addr, FILE *f)
{
    uint64_t phys;
    const struct tb *tb = linear_to_phys(cpu_env(cpu), addr, &phys)
                              ? translator_find_block(cpu_translator(cpu), phys)
                              : NULL;
    if (!tb) {
        fprintf(f,
                "info tb: no translated block covers 0x%08" PRIx32
                "; translating the code that starts there\n",
                addr);
        return NULL;
    }
    fprintf(f,
            "info tb: block at 0x%08" PRIx64 " (phys 0x%08" PRIx64 ", flags %04" PRIx32
            ") covers 0x%08" PRIx32 ": %" PRIu32 " guest bytes, %" PRIu32
            " host bytes, slots chained to %s / %s, %" PRIu64 " runs counted\n",
            tb->pc, tb->key.phys_pc, tb->key.flags, addr, tb->size, tb->tc_size,
            tb->jmp[0].dest ? "a block" : "-", tb->jmp[1].dest ? "a block" : "-", tb->exec_count);
    return tb;
}

bool xl_info_tb(struct x86_cpu *cpu, uint32_t addr, FILE *f)
{
    CPUX86State *env = cpu_env(cpu);
    const struct tb *tb = live_block(cpu, addr, f);
    uint32_t start = tb ? (uint32_t)tb->pc : addr;
    uint8_t *code = malloc(XL_INFO_MAX);
    if (!code)
        return false;
    size_t n = read_linear(env, start, code, tb ? tb->size : XL_INFO_MAX);
    if (n == 0) {
        fprintf(f, "info tb: 0x%08" PRIx32 " is not mapped\n", start);
        free(code);
        return false;
    }
    uint32_t cs_base = tb ? (uint32_t)tb->key.cs_base : (uint32_t)env->segs[X86_SEG_CS].base;
    uint32_t hflags = tb ? tb->key.flags : env->hflags;
    struct xl_options opt = {
        .mode = (hflags & X86_HF_CS32) ? 32 : 16,
        .addr = start,
        .cs_base = start >= cs_base ? cs_base : 0,
        .backend = translator_default_backend(),
        .code = code,
        .len = n,
    };
    struct xl_result *r = calloc(1, sizeof(*r));
    char err[160];
    bool ok = r && xl_translate(&opt, r, err, sizeof(err));
    if (ok)
        xl_print_text(r, f);
    else
        fprintf(f, "info tb: %s\n", r ? err : "out of memory");
    if (r)
        xl_result_free(r);
    free(r);
    free(code);
    return ok;
}
