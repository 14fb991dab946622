/* Benchmark: a bytecode interpreter whose switch compiles to a jump table, so
 * every virtual instruction is an indirect jump (the guest's own dispatch
 * loop, the case a JIT's indirect-branch lookup decides). */
#include "bench.h"

enum op {
    OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_MOD, OP_XOR,
    OP_SHL, OP_DUP, OP_DROP, OP_JNZ, OP_JMP, OP_LT, OP_INC, OP_HALT,
};

struct insn {
    uint8_t op;
    int32_t arg;
};

/* for (i = N; i != 0; i--) { acc = (acc * 31 + i) ^ (i << 3); sum += acc % 1000; }
 * with i, acc, sum in variables 0, 1, 2. */
static const struct insn program[] = {
    {OP_PUSH, 0},  {OP_STORE, 1}, {OP_PUSH, 0},  {OP_STORE, 2},
    /* 4: loop */
    {OP_LOAD, 1},  {OP_PUSH, 31}, {OP_MUL, 0},   {OP_LOAD, 0},  {OP_ADD, 0},
    {OP_LOAD, 0},  {OP_PUSH, 3},  {OP_SHL, 0},   {OP_XOR, 0},   {OP_DUP, 0},
    {OP_STORE, 1}, {OP_PUSH, 1000}, {OP_MOD, 0}, {OP_LOAD, 2},  {OP_ADD, 0},
    {OP_STORE, 2}, {OP_LOAD, 0},  {OP_PUSH, -1}, {OP_ADD, 0},   {OP_DUP, 0},
    {OP_STORE, 0}, {OP_JNZ, 4},   {OP_HALT, 0},
};

static uint32_t run(const struct insn *code, uint32_t *vars)
{
    uint32_t stack[16];
    uint32_t sp = 0, pc = 0, steps = 0;
    for (;;) {
        const struct insn *in = &code[pc++];
        steps++;
        switch (in->op) {
        case OP_PUSH: stack[sp++] = (uint32_t)in->arg; break;
        case OP_LOAD: stack[sp++] = vars[in->arg]; break;
        case OP_STORE: vars[in->arg] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHL: sp--; stack[sp - 1] <<= stack[sp] & 31; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_DROP: sp--; break;
        case OP_JNZ: if (stack[--sp] != 0) pc = (uint32_t)in->arg; break;
        case OP_JMP: pc = (uint32_t)in->arg; break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_INC: stack[sp - 1]++; break;
        case OP_HALT: return steps;
        }
    }
}

int main(void)
{
    uint32_t vars[4] = {BENCH_SIZE(2000000u, 5000u), 0, 0, 0};
    uint32_t h = 0x811c9dc5u;
    h = bench_mix(h, run(program, vars));
    h = bench_mix(h, vars[1]);
    h = bench_mix(h, vars[2]);
    return bench_report("dispatch", h);
}
