/* `info tb ADDR`: jit86-translate's view of live guest code. The bytes at a
 * linear address are read through the guest's current page tables and
 * translated again, in the CPU's current code mode, on a scratch machine. */
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

bool xl_info_tb(struct x86_cpu *cpu, uint32_t addr, FILE *f)
{
    CPUX86State *env = cpu_env(cpu);
    uint8_t *code = malloc(XL_INFO_MAX);
    if (!code)
        return false;
    size_t n = read_linear(env, addr, code, XL_INFO_MAX);
    if (n == 0) {
        fprintf(f, "info tb: 0x%08" PRIx32 " is not mapped\n", addr);
        free(code);
        return false;
    }
    uint32_t cs_base = (uint32_t)env->segs[X86_SEG_CS].base;
    struct xl_options opt = {
        .mode = (env->hflags & X86_HF_CS32) ? 32 : 16,
        .addr = addr,
        .cs_base = addr >= cs_base ? cs_base : 0,
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
