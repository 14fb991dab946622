/* The jump cache across page-mapping changes (cpu/exec.c, find_block): kept
 * across CR3 writes, since every lookup checks a cached block's physical
 * page against the TLB, so a remapped page still runs its new code. */
#include "machine.h"

#include "translator/translator.h"

#define ITERATIONS 20

/* After tm_paged_setup's entry, 20 times: reload CR3, CALL EAX to linear
 * 20000h (physical 30000h: inc ebx; ret). Then remap 20000h to physical
 * 40000h (add ebx, 100h; ret), reload CR3 and call it once more. */
static const uint8_t tail[] = {
    0xbf, ITERATIONS, 0x00, 0x00, 0x00, /* mov edi, 20 */
    0x0f, 0x20, 0xd8,                   /* L: mov eax, cr3 */
    0x0f, 0x22, 0xd8,                   /* mov cr3, eax */
    0xb8, 0x00, 0x00, 0x02, 0x00,       /* mov eax, 20000h */
    0xff, 0xd0,                         /* call eax */
    0x4f,                               /* dec edi */
    0x75, 0xf0,                         /* jnz L */
    0xc7, 0x05, 0x80, 0x10, 0x01, 0x00, /* mov dword [11080h], 40003h */
    0x03, 0x00, 0x04, 0x00,             /* (PTE of 20000h) */
    0x0f, 0x20, 0xd8,                   /* mov eax, cr3 */
    0x0f, 0x22, 0xd8,                   /* mov cr3, eax */
    0xb8, 0x00, 0x00, 0x02, 0x00,       /* mov eax, 20000h */
    0xff, 0xd0,                         /* call eax */
    0xf4,                               /* hlt */
};
static const uint8_t old_code[] = {0x43, 0xc3};                               /* inc ebx; ret */
static const uint8_t new_code[] = {0x81, 0xc3, 0x00, 0x01, 0x00, 0x00, 0xc3}; /* add ebx,100h; ret */

START_TEST(cr3_reload_keeps_the_jump_cache_and_remapped_code_runs)
{
    struct tmachine ms[3];
    unsigned n = tm_init_backends(ms, 3);
    for (unsigned i = 0; i < n; i++) {
        struct tmachine *m = &ms[i];
        m->env->eip = TM_CODE;
        m->env->regs[3] = 0;
        tm_paged_setup(m, tail, sizeof(tail));
        tm_poke(m, 0x30000, old_code, sizeof(old_code));
        tm_poke(m, 0x40000, new_code, sizeof(new_code));
        ck_assert_int_eq(cpu_exec(m->cpu, 10000), CPU_EXIT_HALTED);
        ck_assert_uint_eq((uint32_t)m->env->regs[3], ITERATIONS + 0x100);
        /* Emptied at each CR3 write, the cache would send the call target and
         * the return address to the hash table at every iteration. */
        ck_assert_uint_le(translator_stats(cpu_translator(m->cpu))->hash_hits, 4);
        tm_free(m);
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_jc_paging");
    TCase *tc = tcase_create("jc_paging");
    tcase_add_test(tc, cr3_reload_keeps_the_jump_cache_and_remapped_code_runs);
    suite_add_tcase(s, tc);
    return s;
}
