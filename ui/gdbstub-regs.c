/* The gdb stub's register file: an i386 target description (GDB manual,
 * "i386 Features": org.gnu.gdb.i386.core with segment and x87 registers,
 * plus jit86's control registers) and its mapping onto CPUX86State. */
#include "gdbstub.h"

#include <string.h>

/* Register numbers follow the order of the description below. */
enum {
    R_EIP = 8,
    R_EFLAGS = 9,
    R_CS = 10, /* cs ss ds es fs gs */
    R_ST0 = 16,
    R_FCTRL = 24,
    R_FSTAT,
    R_FTAG,
    R_FISEG,
    R_FIOFF,
    R_FOSEG,
    R_FOOFF,
    R_FOP,
    R_CR0,          /* cr0 cr2 cr3 cr4 */
    R_CS_BASE = 36, /* cs_base ss_base ds_base es_base fs_base gs_base (read-only) */
};

static const char target_xml[] =
    "<?xml version=\"1.0\"?>"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target version=\"1.0\"><architecture>i386</architecture>"
    "<feature name=\"org.gnu.gdb.i386.core\">"
    "<flags id=\"i386_eflags\" size=\"4\">"
    "<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>"
    "<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>"
    "<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>"
    "<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>"
    "<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>"
    "<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>"
    "<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>"
    "<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>"
    "<field name=\"ID\" start=\"21\" end=\"21\"/></flags>"
    "<reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>"
    "<reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>"
    "<reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>"
    "<reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>"
    "<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>"
    "<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "</feature>"
    "<feature name=\"org.jit86.sys\">"
    "<reg name=\"cr0\" bitsize=\"32\" type=\"int32\" group=\"system\"/>"
    "<reg name=\"cr2\" bitsize=\"32\" type=\"int32\" group=\"system\"/>"
    "<reg name=\"cr3\" bitsize=\"32\" type=\"int32\" group=\"system\"/>"
    "<reg name=\"cr4\" bitsize=\"32\" type=\"int32\" group=\"system\"/>"
    "<reg name=\"cs_base\" bitsize=\"32\" type=\"data_ptr\" group=\"system\"/>"
    "<reg name=\"ss_base\" bitsize=\"32\" type=\"data_ptr\" group=\"system\"/>"
    "<reg name=\"ds_base\" bitsize=\"32\" type=\"data_ptr\" group=\"system\"/>"
    "<reg name=\"es_base\" bitsize=\"32\" type=\"data_ptr\" group=\"system\"/>"
    "<reg name=\"fs_base\" bitsize=\"32\" type=\"data_ptr\" group=\"system\"/>"
    "<reg name=\"gs_base\" bitsize=\"32\" type=\"data_ptr\" group=\"system\"/>"
    "</feature></target>";

const char *gdbstub_target_xml(void)
{
    return target_xml;
}

/* gdb's order cs ss ds es fs gs against enum x86_seg's ES CS SS DS FS GS. */
static const uint8_t gdb_seg[6] = {X86_SEG_CS, X86_SEG_SS, X86_SEG_DS,
                                   X86_SEG_ES, X86_SEG_FS, X86_SEG_GS};
static const uint8_t gdb_cr[4] = {0, 2, 3, 4};

static void put32(uint8_t *b, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* The full tag word (SDM Vol. 1 §8.1.7): 00 valid, 01 zero, 10 special, 11
 * empty; env keeps only "empty", the rest follows from the contents. */
static uint32_t fpu_tag_word(const struct x86_fpu *f)
{
    uint32_t tw = 0;
    for (unsigned i = 0; i < 8; i++) {
        const struct x86_fpreg *r = &f->r[i];
        unsigned exp = r->se & 0x7fff, tag;
        if (f->empty & (1u << i))
            tag = 3;
        else if (exp == 0 && r->sig == 0)
            tag = 1;
        else if (exp == 0 || exp == 0x7fff || !(r->sig >> 63))
            tag = 2;
        else
            tag = 0;
        tw |= tag << (2 * i);
    }
    return tw;
}

static uint32_t fpu_reg32(const struct x86_fpu *f, unsigned n)
{
    switch (n) {
    case R_FCTRL: return f->cw;
    case R_FSTAT: return (f->sw & ~X86_FPU_SW_TOP) | (uint32_t)(f->top & 7) << 11;
    case R_FTAG: return fpu_tag_word(f);
    case R_FISEG: return f->fcs;
    case R_FIOFF: return f->fip;
    case R_FOSEG: return f->fds;
    case R_FOOFF: return f->fdp;
    default: return f->fop;
    }
}

size_t gdbstub_read_reg(struct x86_cpu *cpu, unsigned n, uint8_t *buf)
{
    CPUX86State *env = cpu_env(cpu);
    if (n < 8) {
        put32(buf, (uint32_t)env->regs[n]);
    } else if (n == R_EIP) {
        put32(buf, (uint32_t)env->eip);
    } else if (n == R_EFLAGS) {
        put32(buf, cpu_compute_eflags(env));
    } else if (n < R_ST0) {
        put32(buf, env->segs[gdb_seg[n - R_CS]].selector);
    } else if (n < R_FCTRL) {
        const struct x86_fpreg *r = &env->fpu.r[(env->fpu.top + n - R_ST0) & 7];
        for (unsigned i = 0; i < 8; i++)
            buf[i] = (uint8_t)(r->sig >> (8 * i));
        buf[8] = (uint8_t)r->se;
        buf[9] = (uint8_t)(r->se >> 8);
        return 10;
    } else if (n < R_CR0) {
        put32(buf, fpu_reg32(&env->fpu, n));
    } else if (n < R_CS_BASE) {
        put32(buf, (uint32_t)env->cr[gdb_cr[n - R_CR0]]);
    } else if (n < GDB_REG_COUNT) {
        put32(buf, (uint32_t)env->segs[gdb_seg[n - R_CS_BASE]].base);
    } else {
        return 0;
    }
    return 4;
}

static bool write_fpu32(struct x86_fpu *f, unsigned n, uint32_t v)
{
    switch (n) {
    case R_FCTRL: f->cw = (uint16_t)v; break;
    case R_FSTAT:
        f->sw = (uint16_t)(v & ~X86_FPU_SW_TOP);
        f->top = (uint8_t)((v >> 11) & 7);
        break;
    case R_FTAG:
        f->empty = 0;
        for (unsigned i = 0; i < 8; i++)
            f->empty |= (uint8_t)((((v >> (2 * i)) & 3) == 3) << i);
        break;
    case R_FISEG: f->fcs = (uint16_t)v; break;
    case R_FIOFF: f->fip = v; break;
    case R_FOSEG: f->fds = (uint16_t)v; break;
    case R_FOOFF: f->fdp = v; break;
    default: f->fop = (uint16_t)(v & 0x7ff); break;
    }
    return true;
}

/* Segment registers and control registers are read-only here: loading them
 * needs descriptor checks and TLB flushes that belong to the guest's own code. */
bool gdbstub_write_reg(struct x86_cpu *cpu, unsigned n, const uint8_t *buf)
{
    CPUX86State *env = cpu_env(cpu);
    if (n < 8) {
        env->regs[n] = get32(buf);
    } else if (n == R_EIP) {
        env->eip = get32(buf);
    } else if (n == R_EFLAGS) {
        cpu_load_eflags(env, get32(buf) | 2u, ~0u);
        cpu_update_hflags(env);
    } else if (n >= R_ST0 && n < R_FCTRL) {
        struct x86_fpreg *r = &env->fpu.r[(env->fpu.top + n - R_ST0) & 7];
        r->sig = 0;
        for (unsigned i = 0; i < 8; i++)
            r->sig |= (uint64_t)buf[i] << (8 * i);
        r->se = (uint16_t)(buf[8] | buf[9] << 8);
    } else if (n >= R_FCTRL && n < R_CR0) {
        return write_fpu32(&env->fpu, n, get32(buf));
    } else {
        return false;
    }
    return true;
}
