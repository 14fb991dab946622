/* Guest test: stack instructions and addressing (SDM vol. 2: PUSH, POP,
 * PUSHA/POPA, ENTER/LEAVE, CALL/RET imm16, PUSHF/POPF, LEA): ESP deltas,
 * PUSH ESP (old value), POP ESP, POP to an ESP-based address (computed after
 * the increment), 16-bit pushes, nested ENTER frames, ModRM/SIB forms. */
#include "runtime.h"

static void pushes(void)
{
    uint32_t before, after, v;

    __asm__ volatile("movl %%esp, %0\n\tpushl $-2\n\tmovl %%esp, %1\n\tpopl %2"
                     : "=&r"(before), "=&r"(after), "=&r"(v));
    rt_printf("push imm8 -2: %08x esp%+d\n", v, (int)(after - before));
    __asm__ volatile("movl %%esp, %0\n\tpushw $0x1234\n\tmovl %%esp, %1\n\tpopw %w2"
                     : "=&r"(before), "=&r"(after), "=&r"(v));
    rt_printf("pushw imm16: %04x esp%+d\n", v & 0xFFFF, (int)(after - before));
    __asm__ volatile("movl %%esp, %0\n\tpushl %%esp\n\tpopl %1" : "=&r"(before), "=&r"(v));
    rt_printf("push esp pushes the old esp: %s\n", v == before ? "yes" : "no");
    __asm__ volatile("movl %%esp, %0\n\tpushl %%ds\n\tmovl %%esp, %1\n\tpopl %2"
                     : "=&r"(before), "=&r"(after), "=&r"(v));
    rt_printf("push ds: %04x esp%+d\n", v & 0xFFFF, (int)(after - before));
    __asm__ volatile("movl %%esp, %0\n\tpushw %%ds\n\tmovl %%esp, %1\n\tpopw %w2"
                     : "=&r"(before), "=&r"(after), "=&r"(v));
    rt_printf("pushw ds: %04x esp%+d\n", v & 0xFFFF, (int)(after - before));

    /* POP ESP: ESP takes the popped value. */
    __asm__ volatile("movl %%esp, %0\n\tleal -64(%%esp), %%eax\n\tpushl %%eax\n\tpopl %%esp\n\t"
                     "movl %%esp, %1\n\tmovl %0, %%esp"
                     : "=&r"(before), "=&r"(after)
                     :
                     : "eax");
    rt_printf("pop esp: esp=old%+d\n", (int)(after - before));

    /* POP (%esp): the address is computed with ESP already incremented. */
    __asm__ volatile("pushl $0xAAAA\n\tpushl $0xBBBB\n\tpopl (%%esp)\n\tpopl %0"
                     : "=r"(v));
    rt_printf("pop (esp): %x\n", v);

    volatile uint32_t m = 0x5151;
    __asm__ volatile("pushl %1\n\tpopl %0" : "=r"(v) : "m"(m));
    rt_printf("push m32: %x\n", v);
}

/* Filled by the assembly below through absolute addresses. */
volatile uint32_t pusha_saved[8], pusha_esp, pusha_after[8];
volatile uint32_t enter_words[4][5], enter_ebp[4], enter_esp[4], enter_esp0[4];
static uint32_t outer_frame[4] = {0xF0, 0xF1, 0xF2, 0xF3};

static void pusha_popa(void)
{
    __asm__ volatile("pushl %%ebp\n\t"
                     "movl $1, %%eax\n\tmovl $2, %%ecx\n\tmovl $3, %%edx\n\tmovl $4, %%ebx\n\t"
                     "movl $6, %%ebp\n\tmovl $7, %%esi\n\tmovl $8, %%edi\n\t"
                     "movl %%esp, pusha_esp\n\t"
                     "pushal\n\t"
                     "movl $0, %%ecx\n"
                     "1:\tmovl (%%esp,%%ecx,4), %%edx\n\tmovl %%edx, pusha_saved(,%%ecx,4)\n\t"
                     "incl %%ecx\n\tcmpl $8, %%ecx\n\tjne 1b\n\t"
                     "movl $0x99, 12(%%esp)\n\t" /* the saved ESP slot: POPA skips it */
                     "movl $0, 28(%%esp)\n\t"    /* saved EAX */
                     "popal\n\t"
                     "movl %%eax, pusha_after\n\tmovl %%ecx, pusha_after+4\n\t"
                     "movl %%esp, pusha_after+8\n\tmovl %%edi, pusha_after+12\n\t"
                     "popl %%ebp"
                     :
                     :
                     : "eax", "ebx", "ecx", "edx", "esi", "edi", "memory");
    rt_printf("pushal: edi=%u esi=%u ebp=%u esp=old%+d ebx=%u edx=%u ecx=%u eax=%u\n",
              pusha_saved[0], pusha_saved[1], pusha_saved[2], (int)(pusha_saved[3] - pusha_esp),
              pusha_saved[4], pusha_saved[5], pusha_saved[6], pusha_saved[7]);
    rt_printf("popal: eax=%u ecx=%u esp=old%+d edi=%u\n", pusha_after[0], pusha_after[1],
              (int)(pusha_after[2] - pusha_esp), pusha_after[3]);
}

/* ENTER $12, $level with EBP pointing just past a fake outer frame whose
 * slots hold markers F0..F3; the frame words below the new EBP are saved. */
#define ENTER_AT(level)                                                                    \
    __asm__ volatile("pushl %%ebp\n\tmovl %%esp, enter_esp0+4*" #level "\n\t"               \
                     "leal %0+16, %%ebp\n\tenter $12, $" #level "\n\t"                     \
                     "movl %%ebp, enter_ebp+4*" #level "\n\t"                               \
                     "movl %%esp, enter_esp+4*" #level "\n\t"                               \
                     "movl $0, %%ecx\n\tmovl %%ebp, %%edx\n"                               \
                     "1:\tmovl (%%edx), %%eax\n\tmovl %%eax, enter_words+20*" #level "(,%%ecx,4)\n\t" \
                     "subl $4, %%edx\n\tincl %%ecx\n\tcmpl $5, %%ecx\n\tjne 1b\n\t"         \
                     "leave\n\tpopl %%ebp"                                                 \
                     :                                                                     \
                     : "m"(outer_frame)                                                    \
                     : "eax", "ecx", "edx", "memory")

static void enter_leave(void)
{
    ENTER_AT(0);
    ENTER_AT(1);
    ENTER_AT(2);
    ENTER_AT(3);
    for (int l = 0; l < 4; l++) {
        volatile uint32_t *w = enter_words[l];
        rt_printf("enter $12,$%d: ebp=esp0%+d esp=esp0%+d [ebp]=outer%+d", l,
                  (int)(enter_ebp[l] - enter_esp0[l]), (int)(enter_esp[l] - enter_esp0[l]),
                  (int)(w[0] - (uint32_t)outer_frame));
        for (int k = 1; k < l; k++)
            rt_printf(" %x", w[k]);
        if (l > 0)
            rt_printf(" [ebp-%d]=ebp: %s", 4 * l, w[l] == enter_ebp[l] ? "yes" : "no");
        rt_printf("\n");
    }
}

__asm__(".text\nret8_target:\n\tmovl 4(%esp), %eax\n\taddl 8(%esp), %eax\n\tret $8\n");

static void near_ret_imm(void)
{
    uint32_t before, after, sum;
    __asm__ volatile("movl %%esp, %0\n\tpushl $40\n\tpushl $2\n\tcall ret8_target\n\t"
                     "movl %%esp, %1"
                     : "=&r"(before), "=&r"(after), "=a"(sum)
                     :
                     : "memory");
    rt_printf("ret $8: sum=%u esp restored: %s\n", sum, before == after ? "yes" : "no");
}

static void flags_round_trip(void)
{
    uint32_t f;
    __asm__ volatile("pushl $0xCD7\n\tpopfl\n\tpushfl\n\tpopl %0\n\tcld" : "=r"(f));
    rt_printf("popf 0xcd7 (arith flags and DF): %03x\n", f & (RT_ARITH_FLAGS | RT_DF));
    __asm__ volatile("pushl $0x2\n\tpopfl\n\tpushfl\n\tpopl %0" : "=r"(f));
    rt_printf("popf 0x2: %03x\n", f & (RT_ARITH_FLAGS | RT_DF));
    __asm__ volatile("pushl $0xFF\n\tpopfl\n\tlahf\n\tmovzbl %%ah, %0" : "=r"(f) : : "eax");
    rt_printf("lahf after popf 0xff: %02x\n", f);
    __asm__ volatile("movb $0x41, %%ah\n\tsahf\n\tpushfl\n\tpopl %0" : "=r"(f) : : "eax");
    rt_printf("sahf 0x41: %03x\n", f & RT_ARITH_FLAGS);
}

static void addressing(void)
{
    uint32_t r[6];
    uint32_t b = 0x1000, i = 0x30;
    __asm__("leal 0x7(%1,%2,8), %0" : "=r"(r[0]) : "r"(b), "r"(i));
    __asm__("leal -0x80(%1,%2,2), %0" : "=r"(r[1]) : "r"(b), "r"(i));
    __asm__("leal 0x12345678(,%1,4), %0" : "=r"(r[2]) : "r"(i));
    __asm__("leal (%1,%1,4), %0" : "=r"(r[3]) : "r"(i));
    __asm__("leal 0x100(%1), %0" : "=r"(r[4]) : "r"(b));
    __asm__("leal -1(%1,%2), %0" : "=r"(r[5]) : "r"(0u), "r"(0u));
    rt_printf("lea: %x %x %x %x %x %x\n", r[0], r[1], r[2], r[3], r[4], r[5]);
    uint16_t w;
    __asm__(".byte 0x66, 0x67\n\tleal (%%bx,%%si), %%eax\n\tmovw %%ax, %0"
            : "=r"(w)
            : "b"(0xFFF0u), "S"(0x20u)
            : "eax");
    rt_printf("lea16 [bx+si] wraps: %04x\n", w);
}

int main(void)
{
    pushes();
    pusha_popa();
    enter_leave();
    near_ret_imm();
    flags_round_trip();
    addressing();
    return 0;
}
