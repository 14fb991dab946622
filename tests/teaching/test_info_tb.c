/* `info tb ADDR` (ui/translate-info.c): live guest code at a linear address,
 * read through the guest's page tables, shown through every stage. */
#include "cpu/cpu.h"
#include "ui/translate.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

struct ti_machine {
    struct mmu_phys_space *space;
    struct x86_cpu *cpu;
};

static void poke32(struct ti_machine *m, uint32_t paddr, uint32_t v)
{
    mmu_phys_write(m->space, paddr, &v, 4);
}

/* Flat 32-bit protected mode with paging: 0xc0001000 maps to 0x5000, where
 * "mov eax, 1; inc eax; hlt" sits. */
static void machine_init(struct ti_machine *m)
{
    m->space = mmu_phys_new(1u << 20);
    mmu_phys_map_ram(m->space, 0, 1u << 20, 0, 0);
    mmu_phys_set_a20(m->space, true);
    struct cpu_config cfg = {.space = m->space};
    m->cpu = cpu_new(&cfg);
    ck_assert_ptr_nonnull(m->cpu);
    static const uint8_t code[] = {0xb8, 0x01, 0x00, 0x00, 0x00, 0x40, 0xf4};
    mmu_phys_write(m->space, 0x5000, code, sizeof(code));
    poke32(m, 0x10000 + 0x300 * 4, 0x11000 | 3); /* PDE for 0xc0000000 */
    poke32(m, 0x11000 + 1 * 4, 0x5000 | 3);      /* PTE for 0xc0001000 */
    CPUX86State *env = cpu_env(m->cpu);
    static const uint32_t code32 =
        X86_DESC_P | X86_DESC_S | (0xBu << X86_DESC_TYPE_SHIFT) | X86_DESC_B | X86_DESC_G;
    env->segs[X86_SEG_CS] =
        (struct x86_segment){.limit = 0xffffffffu, .flags = code32, .selector = 8};
    env->cr[0] |= X86_CR0_PE | X86_CR0_PG;
    env->cr[3] = 0x10000;
    mmu_tlb_set_paging(&env->tlb, &(struct mmu_paging){.pg = true, .cr3 = 0x10000});
    cpu_update_hflags(env);
}

static char *info_tb(struct ti_machine *m, uint32_t addr, bool *ok)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    *ok = xl_info_tb(m->cpu, addr, f);
    fclose(f);
    return text;
}

START_TEST(info_tb_reads_code_through_the_page_tables)
{
    struct ti_machine m;
    machine_init(&m);
    bool ok;
    char *text = info_tb(&m, 0xc0001000, &ok);
    ck_assert(ok);
    ck_assert_ptr_nonnull(strstr(text, "no translated block covers 0xc0001000"));
    ck_assert_ptr_nonnull(strstr(text, "32-bit code at 0xc0001000"));
    ck_assert_ptr_nonnull(strstr(text, "block: 3 guest instructions, 7 bytes"));
    ck_assert_ptr_nonnull(strstr(text, "== insn 1 at 0xc0001000: b8 01 00 00 00 =="));
    ck_assert_ptr_nonnull(strstr(text, "capstone: mov eax, 1"));
    ck_assert_ptr_nonnull(strstr(text, "capstone: hlt"));
    ck_assert_ptr_nonnull(strstr(text, "movi_i32 eax, $0x1"));
    free(text);
    cpu_free(m.cpu);
    mmu_phys_free(m.space);
}
END_TEST

START_TEST(info_tb_refuses_an_unmapped_address)
{
    struct ti_machine m;
    machine_init(&m);
    bool ok;
    char *text = info_tb(&m, 0xd0000000, &ok);
    ck_assert(!ok);
    ck_assert_str_eq(text, "info tb: no translated block covers 0xd0000000; translating the code "
                           "that starts there\ninfo tb: 0xd0000000 is not mapped\n");
    free(text);
    cpu_free(m.cpu);
    mmu_phys_free(m.space);
}
END_TEST

START_TEST(info_tb_finds_the_live_block_covering_an_address)
{
    struct ti_machine m;
    machine_init(&m);
    cpu_env(m.cpu)->eip = 0xc0001000;
    ck_assert_int_eq(cpu_exec(m.cpu, 0), CPU_EXIT_HALTED);
    ck_assert_uint_eq(cpu_env(m.cpu)->regs[X86_EAX], 2);
    bool ok;
    char *text = info_tb(&m, 0xc0001005, &ok); /* the INC, inside the block */
    ck_assert(ok);
    ck_assert_msg(strstr(text, "info tb: block at 0xc0001000 (phys 0x00005000, flags ") != NULL,
                  "%s", text);
    ck_assert_ptr_nonnull(strstr(text, ") covers 0xc0001005: 7 guest bytes"));
    ck_assert_ptr_nonnull(strstr(text, "32-bit code at 0xc0001000"));
    ck_assert_ptr_nonnull(strstr(text, "== insn 2 at 0xc0001005: 40 =="));
    free(text);
    cpu_free(m.cpu);
    mmu_phys_free(m.space);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("info_tb");
    TCase *tc = tcase_create("info_tb");
    tcase_add_test(tc, info_tb_reads_code_through_the_page_tables);
    tcase_add_test(tc, info_tb_refuses_an_unmapped_address);
    tcase_add_test(tc, info_tb_finds_the_live_block_covering_an_address);
    suite_add_tcase(s, tc);
    return s;
}
