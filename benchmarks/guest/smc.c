/* Benchmark: self-modifying code. A small loop lives in its own writable
 * page; each round patches its immediates and runs it, so every round
 * invalidates the translated code of that page (SDM vol. 3, 11.6: a write to
 * code takes effect for the next instruction fetched). */
#include "bench.h"

/* mov ecx, imm32 ; l: add eax, imm32 ; rol eax, 5 ; dec ecx ; jnz l ; ret */
static const uint8_t template_code[] = {
    0xB9, 0, 0, 0, 0,             /* 0: mov ecx, count */
    0x05, 0, 0, 0, 0,             /* 5: add eax, addend */
    0xC1, 0xC0, 0x05,             /* 10: rol eax, 5 */
    0x49,                         /* 13: dec ecx */
    0x75, 0xF5,                   /* 14: jnz 5 */
    0xC3,                         /* 16: ret */
};

static uint8_t code[4096] __attribute__((aligned(4096)));

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t call_code(uint32_t eax)
{
    __asm__ volatile("call *%1" : "+a"(eax) : "r"(code) : "ecx", "memory", "cc");
    return eax;
}

int main(void)
{
    uint32_t rounds = BENCH_SIZE(70000u, 1000u);
    uint32_t h = 0x811c9dc5u, acc = 1;
    memcpy(code, template_code, sizeof(template_code));
    for (uint32_t r = 0; r < rounds; r++) {
        put32(code + 1, 16 + (r & 31));
        put32(code + 6, r * 0x9e3779b9u);
        acc = call_code(acc);
        h = bench_mix(h, acc);
    }
    return bench_report("smc", h);
}
