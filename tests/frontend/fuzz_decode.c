/* libFuzzer target for frontend/decode: any byte string, in 16- and 32-bit
 * code, through a fetch callback whose page end and feature mask come from the
 * input. The decoder must never crash, read out of bounds or break its own
 * invariants (length, operand kinds, fault address). */
#include "frontend/decode.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fuzz_code {
    const uint8_t *data;
    size_t size;
    uint64_t base;
    size_t page_end; /* bytes after this offset come in a second fetch */
};

static int fuzz_fetch(void *opaque, uint64_t addr, uint8_t *buf, unsigned max)
{
    const struct fuzz_code *c = opaque;
    uint64_t off = addr - c->base;
    if (off >= c->size) {
        return -1;
    }
    size_t limit = off < c->page_end && c->page_end < c->size ? c->page_end : c->size;
    size_t n = limit - off;
    n = n < max ? n : max;
    memcpy(buf, c->data + off, n);
    return (int)n;
}

static void check(const struct x86_instr *in, enum x86_decode_status st, const struct fuzz_code *c)
{
    if (st == X86_DECODE_OK) {
        if (in->len == 0 || in->len > X86_MAX_INSN_LEN || in->len > c->size || in->nops > 3 ||
            in->mnemonic == X86_MN_INVALID || !x86_instr_name(in)[0]) {
            abort();
        }
        for (unsigned i = 0; i < in->nops; i++) {
            if (in->op[i].kind == X86_OPK_NONE || in->op[i].kind > X86_OPK_CONST1) {
                abort();
            }
        }
    } else if (st == X86_DECODE_FETCH_FAULT) {
        if (in->fault_addr != c->base + c->size) {
            abort();
        }
    } else if (st != X86_DECODE_UD && st != X86_DECODE_GP) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    uint64_t features = data[0] & 1 ? X86_FEATURES_ALL : (uint64_t)data[1] * 0x0101010101ull;
    struct fuzz_code c = {data + 2, size - 2, 0xfff0, (data[1] >> 4) + 1u};
    for (uint8_t code_size = 2; code_size <= 4; code_size += 2) {
        struct x86_decode_ctx ctx = {fuzz_fetch, &c, code_size, features};
        /* decode the whole input as a stream, like a translator walking a block */
        for (uint64_t addr = c.base; addr < c.base + c.size;) {
            struct x86_instr in;
            enum x86_decode_status st = x86_decode(&in, &ctx, addr);
            check(&in, st, &c);
            addr += st == X86_DECODE_OK ? in.len : 1;
        }
    }
    return 0;
}
