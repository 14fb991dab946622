/* The x86-64 backend's side of the shared register allocator (regalloc.c):
 * which registers hold values, in what order, and the encodings of the
 * moves between registers, memory and immediates. */
#include "x86_64-internal.h"

static const uint8_t order_caller_first[] = {X64_RAX, X64_RCX, X64_RDX, X64_RSI, X64_RDI,
                                             X64_R8,  X64_R9,  X64_R10, X64_RBX, X64_R12,
                                             X64_R13, X64_R14, X64_R15};
static const uint8_t order_callee_first[] = {X64_RBX, X64_R12, X64_R13, X64_R14, X64_R15,
                                             X64_RAX, X64_RCX, X64_RDX, X64_RSI, X64_RDI,
                                             X64_R8,  X64_R9,  X64_R10};

static struct x64_buf *buf_of(struct ra_state *ra)
{
    return x64_cur(x64_gen_of(ra));
}

static void move(struct ra_state *ra, unsigned dst, unsigned src)
{
    x64_mov_rr(buf_of(ra), true, dst, src);
}

static void movi(struct ra_state *ra, unsigned reg, uint64_t imm)
{
    x64_mov_ri(buf_of(ra), true, reg, imm);
}

static void load(struct ra_state *ra, bool w, unsigned reg, unsigned base, int32_t off)
{
    x64_rm(buf_of(ra), X64_OPC_MOV_GvEv | x64_w(w), reg, base, off);
}

static void store(struct ra_state *ra, bool w, unsigned reg, unsigned base, int32_t off)
{
    x64_rm(buf_of(ra), X64_OPC_MOV_EvGv | x64_w(w), reg, base, off);
}

/* mov m, imm32 sign-extends: a wider 64-bit constant goes through r11. */
static void store_imm(struct ra_state *ra, bool w, uint64_t imm, unsigned base, int32_t off)
{
    struct x64_buf *b = buf_of(ra);
    if (!w || x64_fits_s32((int64_t)imm)) {
        x64_rm(b, X64_OPC_MOV_EvIz | x64_w(w), 0, base, off);
        x64_u32(b, (uint32_t)imm);
    } else {
        x64_mov_ri(b, true, X64_TMP_REG, imm);
        x64_rm(b, X64_OPC_MOV_EvGv | X64_P_W, X64_TMP_REG, base, off);
    }
}

const struct ra_target x64_ra_target = {
    .regs_alloc = X64_REGS_ALLOC,
    .regs_caller_saved = X64_REGS_CALLER_SAVED,
    .regs_callee_saved = X64_REGS_CALLEE_SAVED,
    .order_caller = order_caller_first,
    .order_callee = order_callee_first,
    .norder = sizeof(order_caller_first),
    .env_reg = X64_ENV_REG,
    .frame_reg = X64_RSP,
    .tmp_reg = X64_TMP_REG,
    .last_resort = X64_RBX,
    .slots_off = X64_SAVE_AREA,
    .move = move,
    .movi = movi,
    .load = load,
    .store = store,
    .store_imm = store_imm,
};
