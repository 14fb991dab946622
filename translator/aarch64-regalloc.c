/* The AArch64 backend's side of the shared register allocator (regalloc.c):
 * which registers hold values (AAPCS64, Arm IHI 0055 §6.1.1), in what order,
 * and the encodings of the moves between registers, memory and immediates. */
#include "aarch64-internal.h"

/* x0..x15 then x20..x28, or the callee-saved ones first in blocks that call. */
static const uint8_t order_caller_first[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
                                             13, 14, 15, 20, 21, 22, 23, 24, 25, 26, 27, 28};
static const uint8_t order_callee_first[] = {20, 21, 22, 23, 24, 25, 26, 27, 28, 0,  1,  2, 3,
                                             4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15};

void a64_ldst(struct a64_gen *g, unsigned size, unsigned opc, unsigned t, unsigned base,
              uint64_t off)
{
    struct a64_buf *b = a64_cur(g);
    if (a64_ldst_uimm(b, size, opc, t, base, off))
        return;
    a64_movi(b, true, A64_AUX_REG, off);
    a64_ldst_reg(b, size, opc, t, base, A64_AUX_REG);
}

static void move(struct ra_state *ra, unsigned dst, unsigned src)
{
    a64_mov(a64_cur(a64_gen_of(ra)), true, dst, src);
}

static void movi(struct ra_state *ra, unsigned reg, uint64_t imm)
{
    a64_movi(a64_cur(a64_gen_of(ra)), true, reg, imm);
}

static void load(struct ra_state *ra, bool w, unsigned reg, unsigned base, int32_t off)
{
    a64_ldst(a64_gen_of(ra), w ? 3 : 2, A64_LDST_LDR, reg, base, (uint64_t)off);
}

static void store(struct ra_state *ra, bool w, unsigned reg, unsigned base, int32_t off)
{
    a64_ldst(a64_gen_of(ra), w ? 3 : 2, A64_LDST_STR, reg, base, (uint64_t)off);
}

/* Zero is stored from xzr; other constants go through x16. */
static void store_imm(struct ra_state *ra, bool w, uint64_t imm, unsigned base, int32_t off)
{
    struct a64_gen *g = a64_gen_of(ra);
    if (imm)
        a64_movi(a64_cur(g), w, A64_TMP_REG, imm);
    a64_ldst(g, w ? 3 : 2, A64_LDST_STR, imm ? A64_TMP_REG : A64_ZR, base, (uint64_t)off);
}

const struct ra_target a64_ra_target = {
    .regs_alloc = A64_REGS_ALLOC,
    .regs_caller_saved = A64_REGS_CALLER_SAVED,
    .regs_callee_saved = A64_REGS_CALLEE_SAVED,
    .order_caller = order_caller_first,
    .order_callee = order_callee_first,
    .norder = sizeof(order_caller_first),
    .env_reg = A64_ENV_REG,
    .frame_reg = A64_SP,
    .tmp_reg = A64_TMP_REG,
    .last_resort = 20,
    .slots_off = A64_SLOTS_OFF,
    .move = move,
    .movi = movi,
    .load = load,
    .store = store,
    .store_imm = store_imm,
};
