/* Restore records: for each host call site that may raise a guest exception,
 * the data of the insn_start before it (for x86: EIP, cc_op), so the CPU can
 * make guest state exact before delivering the exception (shared/DESIGN.md
 * "Restore records"). */
#include "tb-internal.h"

#include <stdlib.h>

/* Insertion sort by host offset: the records come in op order, which is
 * host order except for slow paths placed after the block's hot code, so
 * they are nearly sorted already. */
static void sort_by_host_off(struct tb_restore_rec *r, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        struct tb_restore_rec x = r[i];
        unsigned j = i;
        for (; j > 0 && r[j - 1].host_off > x.host_off; j--)
            r[j] = r[j - 1];
        r[j] = x;
    }
}

void tb_restore_build(struct translator *t, struct tb *tb, const struct ir_block *b,
                      const uint32_t *op_site)
{
    unsigned n = 0;
    for (unsigned i = 0; i < b->nops; i++)
        n += ir_op_may_raise(b, &b->ops[i]);
    tb->restore = n ? tb_alloc(t, n * sizeof(*tb->restore)) : NULL;
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
    sort_by_host_off(tb->restore, tb->nrestore);
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
