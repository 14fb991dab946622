/* Writes sse-reference.txt: host SSE results for seeded cases of every sse-ops.def operation,
 * one line each ("op mxcsr imm a b result flags", hex), for test_sse_replay on other hosts.
 * Usage: sse_refgen CASES_PER_OP > sse-reference.txt (x86-64 hosts only). */
#include "sse-host.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 200;
    uint64_t s = 0x5eed;
    for (uint32_t op = 0; op < SSE_OP_COUNT; op++)
        for (unsigned i = 0; i < n; i++) {
            unsigned mode = i % 16;
            struct sse_case c = {.op = op,
                                 .mxcsr = SF_MXCSR_DEFAULT | (mode & 3) << SF_RC_SHIFT |
                                          ((mode & 4) ? SF_FTZ : 0) | ((mode & 8) ? SF_DAZ : 0),
                                 .imm = (uint32_t)(sse_rand(&s) & 7)};
            c.a = sse_operand(&s, sse_ops[op].bits, sse_ops[op].kind);
            c.b = sse_operand(&s, sse_ops[op].bits, sse_ops[op].kind);
            struct sse_out o;
            sse_host(&c, &o);
            printf("%s %04x %u %016llx %016llx %016llx %02x\n", sse_ops[op].name, c.mxcsr, c.imm,
                   (unsigned long long)c.a, (unsigned long long)c.b, (unsigned long long)o.r,
                   o.flags);
        }
    return 0;
}
