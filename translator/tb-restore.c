/* Restore records: for each host call site that may raise a guest exception,
 * the data of the insn_start before it (for x86: EIP, cc_op), so the CPU can
 * make guest state exact before delivering the exception (shared/DESIGN.md
 * "Restore records"). */
#include "tb-internal.h"

#include <stdlib.h>

static int by_host_off(const void *a, const void *b)
{
    uint32_t x = ((const struct tb_restore_rec *)a)->host_off;
    uint32_t y = ((const struct tb_restore_rec *)b)->host_off;
    return (x > y) - (x < y);
}

void tb_restore_build(struct translator *t, struct tb *tb, const struct ir_block *b,
                      const uint32_t *op_site)
{
    (void)t;
    unsigned n = 0;
    for (unsigned i = 0; i < b->nops; i++)
        n += ir_op_may_raise(b, &b->ops[i]);
    tb->restore = n ? tb_xrealloc(NULL, n * sizeof(*tb->restore)) : NULL;
    tb->nrestore = 0;
    uint64_t data[2] = {0, 0};
    for (unsigned i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        if (op->opc == IR_OP_insn_start) {
            data[0] = op->cargs[0];
            data[1] = op->cargs[1];
        } else if (ir_op_may_raise(b, op)) {
            tb->restore[tb->nrestore++] = (struct tb_restore_rec){op_site[i], {data[0], data[1]}};
        }
    }
    /* Slow paths placed after the block's hot code break the op order. */
    if (tb->nrestore > 1)
        qsort(tb->restore, tb->nrestore, sizeof(*tb->restore), by_host_off);
}

/* Blocks are allocated in code-address order since the last flush. */
static const struct tb *tb_by_host_pc(const struct translator *t, uintptr_t pc)
{
    unsigned lo = 0, hi = t->nall;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if ((uintptr_t)t->all[mid]->tc_ptr <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const struct tb *tb = t->all[lo - 1];
    return pc < (uintptr_t)tb->tc_ptr + tb->tc_size ? tb : NULL;
}

bool tb_restore_state(const struct translator *t, uintptr_t host_pc, uint64_t data[2])
{
    const struct tb *tb = tb_by_host_pc(t, host_pc);
    if (!tb)
        return false;
    uint32_t off = (uint32_t)(host_pc - (uintptr_t)tb->tc_ptr);
    unsigned lo = 0, hi = tb->nrestore;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (tb->restore[mid].host_off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == tb->nrestore || tb->restore[lo].host_off != off)
        return false;
    data[0] = tb->restore[lo].data[0];
    data[1] = tb->restore[lo].data[1];
    return true;
}

uintptr_t translator_interp_host_pc(const struct translator *t)
{
    return t->interp_pc;
}

uintptr_t translator_host_pc(const struct translator *t, uintptr_t return_address)
{
    if (t->backend == &tb_backend_interp)
        return t->interp_pc;
#if defined(__x86_64__)
    if (!return_address && t->backend == &tb_backend_x86_64)
        return tb_x86_64_call_site(t->bstate);
#endif
#if defined(__aarch64__)
    if (!return_address && t->backend == &tb_backend_aarch64)
        return tb_aarch64_call_site(t->bstate);
#endif
    return return_address;
}
