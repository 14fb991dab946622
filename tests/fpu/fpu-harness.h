/* Shared part of the floatx80 differential, replay and reference-generator programs: seeded
 * operand generators, the operation table (fpu-ops.def) run through the soft-float, result
 * comparison and digests. */
#ifndef TESTS_FPU_HARNESS_H
#define TESTS_FPU_HARNESS_H

#include "cpu/fpu/floatx80.h"

#include <stddef.h>

enum fpu_gen {
    GEN_ARITH,
    GEN_REM,
    GEN_INT,
    GEN_SCALE,
    GEN_NARROW,
    GEN_F32,
    GEN_F64,
    GEN_I64,
    GEN_BCDOUT,
    GEN_BCDIN,
    GEN_TRIG,
    GEN_ATAN,
    GEN_EXP,
    GEN_LOG,
    GEN_LOGP1,
};
enum fpu_res { RES_X1, RES_X2, RES_MEM16, RES_MEM32, RES_MEM64, RES_BCD, RES_NONE };

#define SW_ARITH (FPX_EXC_MASK | FPX_C1)
#define SW_ALL   (FPX_EXC_MASK | FPX_CC_MASK)
#define SW_TRANS (FPX_EXC_MASK | FPX_C2)

struct fpu_case {
    struct floatx80 a, b;
    uint64_t raw;    /* FLD m32/m64, FILD m64 source */
    uint8_t bcd[10]; /* FBLD source */
};

/* What an operation leaves behind: up to two registers (ST0, ST1 after it), a memory store
 * (unwritten bytes keep FPU_SENTINEL), and the status word. */
struct fpu_out {
    struct floatx80 r[2];
    uint64_t mem;
    uint8_t bcd[10];
    uint16_t sw;
};
#define FPU_SENTINEL 0xa5a5a5a5a5a5a5a5ull

struct fpu_op {
    const char *name;
    enum fpu_gen gen;
    enum fpu_res res;
    uint16_t sw_mask;
    bool transcendental;
    void (*soft)(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o);
};

extern const struct fpu_op fpu_ops[];
extern const int fpu_op_count;

/* Sweep: every rounding x precision x {all masked, none masked} control word for the exact
 * operations; rounding x {all masked, none masked} for transcendentals. */
int fpu_mode_count(const struct fpu_op *op);
uint16_t fpu_mode_cw(const struct fpu_op *op, int mode);
#define FPU_CASES_PER_BLOCK       2048
#define FPU_TRANS_CASES_PER_BLOCK 4096

uint64_t fpu_block_seed(int op, int mode);
void fpu_gen_case(uint64_t *rng, enum fpu_gen gen, struct fpu_case *c);
void fpu_out_init(struct fpu_out *o);
void fpu_run_soft(const struct fpu_op *op, uint16_t cw, const struct fpu_case *c,
                  struct fpu_out *o);
/* Host x87 (x86-64 only, x87-host.c). */
void fpu_run_host(const struct fpu_op *op, uint16_t cw, const struct fpu_case *c,
                  struct fpu_out *o);

bool fpu_out_equal(const struct fpu_op *op, const struct fpu_out *x, const struct fpu_out *y);
/* Distance in units of the last place of a 64-bit significand (for transcendentals). */
uint64_t fpu_ulp_distance(struct floatx80 x, struct floatx80 y);
/* Largest result distance for a transcendental op (UINT64_MAX when a class differs). */
uint64_t fpu_out_ulps(const struct fpu_op *op, const struct fpu_out *x, const struct fpu_out *y);
uint64_t fpu_digest(uint64_t h, const struct fpu_op *op, const struct fpu_out *o);
#define FPU_DIGEST_INIT 0xcbf29ce484222325ull
void fpu_format_case(char *buf, size_t n, const struct fpu_case *c);
void fpu_format_out(char *buf, size_t n, const struct fpu_op *op, const struct fpu_out *o);

#endif
