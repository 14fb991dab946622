/* floatx80 FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ: the x87's constants rounded to
 * 64 bits by RC without any exception (SDM Vol. 2 "FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/
 * FLDZ", and Vol. 1 8.3.8 on the internal 66-bit constants). */
#include "floatx80-internal.h"

struct constant {
    int32_t exp;
    uint64_t hi, lo; /* 128 bits of the significand, truncated (mpmath) */
};

static const struct constant constants[] = {
    [FPX_CONST_ONE] = {0, 1ull << 63, 0},
    [FPX_CONST_L2T] = {1, 0xd49a784bcd1b8afeull, 0x492bf6ff4dafdb4cull},
    [FPX_CONST_L2E] = {0, 0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e88ull},
    [FPX_CONST_PI] = {1, 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull},
    [FPX_CONST_LG2] = {-2, 0x9a209a84fbcff798ull, 0x8f8959ac0b7c9178ull},
    [FPX_CONST_LN2] = {-1, 0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull},
};

struct floatx80 fpx_constant(struct fpx_status *st, enum fpx_constant c)
{
    struct fpx_status scratch = {.cw = st->cw, .sw = 0};
    const struct constant *k;
    fpx_u128 m;
    st->sw &= ~FPX_C1;
    if (c == FPX_CONST_ZERO || c > FPX_CONST_ZERO)
        return fpx_zero(false);
    k = &constants[c];
    /* The irrational ones are never exact: a sticky bit below the 128 stored bits. */
    m = ((fpx_u128)k->hi << 64) | k->lo | (c != FPX_CONST_ONE);
    return fpx_round_pack(&scratch, &fpx_fmt_ext64, false, k->exp, m);
}
