/* Writes tests/fpu/x87-reference.txt: per operation and control word, the digest of the
 * host x87's results (exact operations) or of the soft-float's (transcendentals, whose
 * distance from the x87 the differential test bounds), for fpu_x87_replay on any host.
 * Usage (x86-64 host): build-fpu/tests/fpu/fpu_refgen > tests/fpu/x87-reference.txt */
#include "fpu-harness.h"

#include <stdio.h>

int main(void)
{
#if defined(__x86_64__)
    int disagreements = 0;
    printf("# Digests of x87 results over the seeded cases of tests/fpu/fpu-harness.c.\n"
           "# Regenerate on an x86-64 host: build-DIR/tests/fpu/fpu_refgen > "
           "tests/fpu/x87-reference.txt\n"
           "# op control-word cases source digest\n");
    for (int i = 0; i < fpu_op_count; i++) {
        const struct fpu_op *op = &fpu_ops[i];
        int cases = op->transcendental ? FPU_TRANS_CASES_PER_BLOCK : FPU_CASES_PER_BLOCK;
        for (int mode = 0; mode < fpu_mode_count(op); mode++) {
            uint16_t cw = fpu_mode_cw(op, mode);
            uint64_t rng = fpu_block_seed(i, mode);
            uint64_t hs = FPU_DIGEST_INIT, hh = FPU_DIGEST_INIT;
            for (int k = 0; k < cases; k++) {
                struct fpu_case c;
                struct fpu_out soft, host;
                fpu_gen_case(&rng, op->gen, &c);
                fpu_run_soft(op, cw, &c, &soft);
                fpu_run_host(op, cw, &c, &host);
                hs = fpu_digest(hs, op, &soft);
                hh = fpu_digest(hh, op, &host);
            }
            if (!op->transcendental && hs != hh) {
                fprintf(stderr, "warning: %s cw=%04x: soft-float differs from the x87\n", op->name,
                        cw);
                disagreements++;
            }
            printf("%s %04x %d %s %016llx\n", op->name, cw, cases,
                   op->transcendental ? "soft" : "x87",
                   (unsigned long long)(op->transcendental ? hs : hh));
        }
    }
    return disagreements ? 1 : 0;
#else
    fprintf(stderr, "fpu_refgen needs an x86-64 host (it runs the x87)\n");
    return 1;
#endif
}
