/* Page walks against page tables built in guest RAM: the access-rights table of
 * Intel SDM Vol. 3A §4.6, accessed/dirty updates (§4.8), #PF error codes and CR2
 * (§4.7), PSE/PSE-36 and PAE entries with reserved bits. */
#include "softmmu/paging.h"

#include <check.h>

#define PD    0x10000u
#define PT    0x11000u
#define VA    0x00801234u /* PDE 2, PTE 1 */
#define FRAME 0x20000u

enum { P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100 };

static struct mmu_phys_space *new_space(void)
{
    struct mmu_phys_space *s = mmu_phys_new(16 << 20);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(s, 0, 16 << 20, 0, 0));
    return s;
}

static void set_pde(struct mmu_phys_space *s, uint32_t va, uint32_t v)
{
    mmu_phys_store(s, PD + (va >> 22) * 4, v, 4);
}

static void set_pte(struct mmu_phys_space *s, uint32_t va, uint32_t v)
{
    mmu_phys_store(s, PT + ((va >> 12) & 0x3ff) * 4, v, 4);
}

static uint32_t get_pde(struct mmu_phys_space *s, uint32_t va)
{
    return (uint32_t)mmu_phys_load(s, PD + (va >> 22) * 4, 4);
}

static uint32_t get_pte(struct mmu_phys_space *s, uint32_t va)
{
    return (uint32_t)mmu_phys_load(s, PT + ((va >> 12) & 0x3ff) * 4, 4);
}

static struct mmu_paging mode32(bool wp, bool pse)
{
    return (struct mmu_paging){.pg = true, .wp = wp, .pse = pse, .cr3 = PD};
}

/* SDM Vol. 3A §4.6 (and the "combined page-directory and page-table protection"
 * table of earlier editions): outcome for each PDE/PTE U/S,R/W combination.
 * Supervisor reads always succeed. */
struct rights_row {
    uint8_t pde_us, pde_rw, pte_us, pte_rw;
    uint8_t user_read, user_write, sup_write_wp0, sup_write_wp1;
};

static const struct rights_row rights_table[] = {
    {1, 0, 1, 0, 1, 0, 1, 0}, {1, 0, 1, 1, 1, 0, 1, 0}, {1, 1, 1, 0, 1, 0, 1, 0},
    {1, 1, 1, 1, 1, 1, 1, 1}, {1, 0, 0, 0, 0, 0, 1, 0}, {1, 0, 0, 1, 0, 0, 1, 0},
    {1, 1, 0, 0, 0, 0, 1, 0}, {1, 1, 0, 1, 0, 0, 1, 1}, {0, 0, 1, 0, 0, 0, 1, 0},
    {0, 0, 1, 1, 0, 0, 1, 0}, {0, 1, 1, 0, 0, 0, 1, 0}, {0, 1, 1, 1, 0, 0, 1, 1},
    {0, 0, 0, 0, 0, 0, 1, 0}, {0, 0, 0, 1, 0, 0, 1, 0}, {0, 1, 0, 0, 0, 0, 1, 0},
    {0, 1, 0, 1, 0, 0, 1, 1},
};

static bool expected(const struct rights_row *r, bool user, enum mmu_access acc, bool wp)
{
    if (acc != MMU_ACCESS_WRITE)
        return user ? r->user_read : true;
    if (user)
        return r->user_write;
    return wp ? r->sup_write_wp1 : r->sup_write_wp0;
}

static void check_case(struct mmu_phys_space *s, const struct rights_row *r, bool pse_page,
                       bool user, enum mmu_access acc, bool wp)
{
    struct mmu_paging m = mode32(wp, pse_page);
    struct mmu_translation t;
    struct mmu_fault f = {0};
    bool ok_expected = expected(r, user, acc, wp);
    bool ok = mmu_translate(s, &m, VA, acc, user, &t, &f);
    ck_assert_msg(ok == ok_expected,
                  "pde us=%d rw=%d pte us=%d rw=%d pse=%d user=%d acc=%d wp=%d: got %d", r->pde_us,
                  r->pde_rw, r->pte_us, r->pte_rw, pse_page, user, acc, wp, ok);
    if (ok) {
        uint32_t base = pse_page ? 0x00c00000u : FRAME;
        uint32_t off = pse_page ? (VA & 0x3fffff) : (VA & 0xfff);
        ck_assert_uint_eq(t.paddr, base + off);
        ck_assert_uint_eq(t.page_size, pse_page ? 4u << 20 : 4096u);
    } else {
        uint32_t code = P | (acc == MMU_ACCESS_WRITE ? 2 : 0) | (user ? 4 : 0);
        ck_assert_uint_eq(f.vector, 14);
        ck_assert_uint_eq(f.error_code, code);
        ck_assert_uint_eq(f.cr2, VA);
    }
}

START_TEST(rights_of_every_pde_pte_combination_follow_the_sdm_table)
{
    struct mmu_phys_space *s = new_space();
    unsigned checked = 0;
    for (unsigned i = 0; i < sizeof(rights_table) / sizeof(rights_table[0]); i++) {
        const struct rights_row *r = &rights_table[i];
        for (int c = 0; c < 3 * 2 * 2; c++) {
            enum mmu_access acc = c % 3;
            bool user = (c / 3) & 1, wp = (c / 6) & 1;
            set_pde(s, VA, PT | P | (r->pde_rw ? RW : 0) | (r->pde_us ? US : 0));
            set_pte(s, VA, FRAME | P | (r->pte_rw ? RW : 0) | (r->pte_us ? US : 0));
            check_case(s, r, false, user, acc, wp);
            checked++;
        }
    }
    ck_assert_uint_eq(checked, 192);
    mmu_phys_free(s);
}
END_TEST

START_TEST(rights_of_4m_pages_come_from_the_pde_alone)
{
    struct mmu_phys_space *s = new_space();
    for (unsigned i = 0; i < sizeof(rights_table) / sizeof(rights_table[0]); i++) {
        const struct rights_row *r = &rights_table[i];
        if (!r->pte_us || !r->pte_rw)
            continue; /* a large page has no PTE: the rows where the PTE allows all */
        for (int c = 0; c < 12; c++) {
            enum mmu_access acc = c % 3;
            bool user = (c / 3) & 1, wp = (c / 6) & 1;
            set_pde(s, VA, 0x00c00000u | PS | P | (r->pde_rw ? RW : 0) | (r->pde_us ? US : 0));
            check_case(s, r, true, user, acc, wp);
        }
    }
    mmu_phys_free(s);
}
END_TEST

START_TEST(not_present_pde_and_pte_fault_with_p_clear)
{
    struct mmu_phys_space *s = new_space();
    struct mmu_paging m = mode32(true, false);
    struct mmu_translation t;
    struct mmu_fault f = {0};
    ck_assert(!mmu_translate(s, &m, VA, MMU_ACCESS_WRITE, true, &t, &f));
    ck_assert_uint_eq(f.error_code, 6);
    ck_assert_uint_eq(f.cr2, VA);
    set_pde(s, VA, PT | P | RW | US);
    ck_assert(!mmu_translate(s, &m, VA + 1, MMU_ACCESS_READ, false, &t, &f));
    ck_assert_uint_eq(f.error_code, 0);
    ck_assert_uint_eq(f.cr2, VA + 1);
    /* Instruction fetches carry no I/D bit without NX. */
    ck_assert(!mmu_translate(s, &m, VA, MMU_ACCESS_EXEC, true, &t, &f));
    ck_assert_uint_eq(f.error_code, 4);
    mmu_phys_free(s);
}
END_TEST

START_TEST(read_sets_accessed_and_write_sets_dirty_in_the_pte_only)
{
    struct mmu_phys_space *s = new_space();
    struct mmu_paging m = mode32(true, false);
    struct mmu_translation t;
    struct mmu_fault f;
    set_pde(s, VA, PT | P | RW | US);
    set_pte(s, VA, FRAME | P | RW | US);
    ck_assert(mmu_translate(s, &m, VA, MMU_ACCESS_READ, true, &t, &f));
    ck_assert_uint_eq(get_pde(s, VA), PT | P | RW | US | A);
    ck_assert_uint_eq(get_pte(s, VA), FRAME | P | RW | US | A);
    ck_assert(!t.dirty);
    ck_assert(mmu_translate(s, &m, VA, MMU_ACCESS_WRITE, true, &t, &f));
    ck_assert_uint_eq(get_pde(s, VA), PT | P | RW | US | A);
    ck_assert_uint_eq(get_pte(s, VA), FRAME | P | RW | US | A | D);
    ck_assert(t.dirty);
    mmu_phys_free(s);
}
END_TEST

START_TEST(write_to_4m_page_sets_accessed_and_dirty_in_the_pde)
{
    struct mmu_phys_space *s = new_space();
    struct mmu_paging m = mode32(false, true);
    struct mmu_translation t;
    struct mmu_fault f;
    set_pde(s, VA, 0x00c00000u | PS | P | RW);
    ck_assert(mmu_translate(s, &m, VA, MMU_ACCESS_WRITE, false, &t, &f));
    ck_assert_uint_eq(get_pde(s, VA), 0x00c00000u | PS | P | RW | A | D);
    ck_assert_uint_eq(t.paddr, 0x00c01234u);
    mmu_phys_free(s);
}
END_TEST

START_TEST(faulting_access_leaves_accessed_and_dirty_clear)
{
    struct mmu_phys_space *s = new_space();
    struct mmu_paging m = mode32(true, false);
    struct mmu_translation t;
    struct mmu_fault f;
    set_pde(s, VA, PT | P | RW | US);
    set_pte(s, VA, FRAME | P | US);
    ck_assert(!mmu_translate(s, &m, VA, MMU_ACCESS_WRITE, true, &t, &f));
    ck_assert_uint_eq(f.error_code, P | 2 | 4);
    ck_assert_uint_eq(get_pde(s, VA), PT | P | RW | US);
    ck_assert_uint_eq(get_pte(s, VA), FRAME | P | US);
    mmu_phys_free(s);
}
END_TEST

START_TEST(ps_bit_is_ignored_without_cr4_pse)
{
    struct mmu_phys_space *s = new_space();
    struct mmu_paging m = mode32(false, false);
    struct mmu_translation t;
    struct mmu_fault f;
    set_pde(s, VA, PT | PS | P | RW);
    set_pte(s, VA, FRAME | P | RW);
    ck_assert(mmu_translate(s, &m, VA, MMU_ACCESS_READ, false, &t, &f));
    ck_assert_uint_eq(t.paddr, FRAME + 0x234);
    ck_assert_uint_eq(t.page_size, 4096);
    mmu_phys_free(s);
}
END_TEST

START_TEST(pse_reserved_bits_fault_with_rsvd_and_pse36_widens_the_address)
{
    struct mmu_phys_space *s = new_space();
    struct mmu_paging m = mode32(false, true);
    struct mmu_translation t;
    struct mmu_fault f;
    set_pde(s, VA, 0x00c00000u | (1u << 13) | PS | P | RW | US);
    ck_assert(!mmu_translate(s, &m, VA, MMU_ACCESS_READ, true, &t, &f));
    ck_assert_uint_eq(f.error_code, MMU_PF_RSVD | MMU_PF_P | MMU_PF_U);
    m.phys_bits = 36;
    ck_assert(mmu_translate(s, &m, VA, MMU_ACCESS_READ, true, &t, &f));
    ck_assert_uint_eq(t.paddr, 0x100c01234ull);
    set_pde(s, VA, 0x00c00000u | (1u << 17) | PS | P | RW | US);
    ck_assert(!mmu_translate(s, &m, VA, MMU_ACCESS_WRITE, false, &t, &f));
    ck_assert_uint_eq(f.error_code, MMU_PF_RSVD | MMU_PF_P | MMU_PF_W);
    /* Not present wins over reserved bits. */
    set_pde(s, VA, 0x00c00000u | (1u << 17) | PS | RW | US);
    ck_assert(!mmu_translate(s, &m, VA, MMU_ACCESS_READ, false, &t, &f));
    ck_assert_uint_eq(f.error_code, 0);
    mmu_phys_free(s);
}
END_TEST

START_TEST(global_bit_counts_only_with_pge)
{
    struct mmu_phys_space *s = new_space();
    struct mmu_paging m = mode32(false, false);
    struct mmu_translation t;
    struct mmu_fault f;
    set_pde(s, VA, PT | P | RW);
    set_pte(s, VA, FRAME | P | RW | G);
    ck_assert(mmu_translate(s, &m, VA, MMU_ACCESS_READ, false, &t, &f));
    ck_assert(!t.global);
    m.pge = true;
    ck_assert(mmu_translate(s, &m, VA, MMU_ACCESS_READ, false, &t, &f));
    ck_assert(t.global);
    mmu_phys_free(s);
}
END_TEST

/* PAE: PDPT at 0x30000, PD at 0x31000, PT at 0x32000. */
#define PDPT   0x30000u
#define PAE_PD 0x31000u
#define PAE_PT 0x32000u
#define PAE_VA 0x40603abcu /* PDPTE 1, PDE 3, PTE 3 */

static struct mmu_paging pae_mode(bool nxe)
{
    return (struct mmu_paging){.pg = true, .pae = true, .nxe = nxe, .cr3 = PDPT};
}

static void pae_tables(struct mmu_phys_space *s, uint64_t pte)
{
    mmu_phys_store(s, PDPT + 8, PAE_PD | P, 8);
    mmu_phys_store(s, PAE_PD + 3 * 8, PAE_PT | P | RW | US, 8);
    mmu_phys_store(s, PAE_PT + 3 * 8, pte, 8);
}

START_TEST(pae_walk_maps_4k_and_2m_pages)
{
    struct mmu_phys_space *s = new_space();
    struct mmu_paging m = pae_mode(false);
    struct mmu_translation t;
    struct mmu_fault f;
    pae_tables(s, 0x00055000ull | P | RW | US);
    ck_assert(mmu_translate(s, &m, PAE_VA, MMU_ACCESS_WRITE, true, &t, &f));
    ck_assert_uint_eq(t.paddr, 0x00055abcull);
    ck_assert_uint_eq(mmu_phys_load(s, PAE_PT + 3 * 8, 8), 0x00055000ull | P | RW | US | A | D);
    ck_assert_uint_eq(mmu_phys_load(s, PAE_PD + 3 * 8, 8), PAE_PT | P | RW | US | A);
    /* The same PDE as a 2 MiB page, above 4 GiB. */
    mmu_phys_store(s, PAE_PD + 3 * 8, 0x300a00000ull | PS | P | RW, 8);
    ck_assert(mmu_translate(s, &m, PAE_VA, MMU_ACCESS_READ, false, &t, &f));
    ck_assert_uint_eq(t.paddr, 0x300a03abcull);
    ck_assert_uint_eq(t.page_size, 2u << 20);
    mmu_phys_free(s);
}
END_TEST

START_TEST(pae_reserved_bits_fault_with_rsvd)
{
    struct mmu_phys_space *s = new_space();
    struct mmu_paging m = pae_mode(false);
    struct mmu_translation t;
    struct mmu_fault f;
    pae_tables(s, (1ull << 40) | 0x00055000ull | P | RW | US);
    ck_assert(!mmu_translate(s, &m, PAE_VA, MMU_ACCESS_READ, true, &t, &f));
    ck_assert_uint_eq(f.error_code, MMU_PF_RSVD | MMU_PF_P | MMU_PF_U);
    /* XD is reserved without EFER.NXE. */
    pae_tables(s, (1ull << 63) | 0x00055000ull | P | RW | US);
    ck_assert(!mmu_translate(s, &m, PAE_VA, MMU_ACCESS_READ, false, &t, &f));
    ck_assert_uint_eq(f.error_code, MMU_PF_RSVD | MMU_PF_P);
    /* A 2 MiB PDE with bit 13 set. */
    mmu_phys_store(s, PAE_PD + 3 * 8, 0x00a00000ull | (1u << 13) | PS | P | RW, 8);
    ck_assert(!mmu_translate(s, &m, PAE_VA, MMU_ACCESS_READ, false, &t, &f));
    ck_assert_uint_eq(f.error_code, MMU_PF_RSVD | MMU_PF_P);
    /* A PDPTE with bit 1 set. */
    mmu_phys_store(s, PDPT + 8, PAE_PD | P | 2, 8);
    ck_assert(!mmu_translate(s, &m, PAE_VA, MMU_ACCESS_READ, false, &t, &f));
    ck_assert_uint_eq(f.error_code, MMU_PF_RSVD | MMU_PF_P);
    mmu_phys_free(s);
}
END_TEST

START_TEST(pae_xd_forbids_fetch_and_sets_the_id_bit)
{
    struct mmu_phys_space *s = new_space();
    struct mmu_paging m = pae_mode(true);
    struct mmu_translation t;
    struct mmu_fault f;
    pae_tables(s, (1ull << 63) | 0x00055000ull | P | RW | US);
    ck_assert(mmu_translate(s, &m, PAE_VA, MMU_ACCESS_READ, true, &t, &f));
    ck_assert(!(t.prot & MMU_PROT_EXEC));
    ck_assert(!mmu_translate(s, &m, PAE_VA, MMU_ACCESS_EXEC, true, &t, &f));
    ck_assert_uint_eq(f.error_code, MMU_PF_I | MMU_PF_P | MMU_PF_U);
    mmu_phys_store(s, PDPT + 8, 0, 8);
    ck_assert(!mmu_translate(s, &m, PAE_VA, MMU_ACCESS_EXEC, false, &t, &f));
    ck_assert_uint_eq(f.error_code, MMU_PF_I);
    mmu_phys_free(s);
}
END_TEST

START_TEST(walk_through_a20_masked_tables_wraps_at_1m)
{
    struct mmu_phys_space *s = new_space();
    struct mmu_paging m = mode32(false, false);
    m.cr3 = 0x100000 + PD; /* with A20 off, the directory is read at PD */
    struct mmu_translation t;
    struct mmu_fault f;
    set_pde(s, VA, PT | P | RW);
    set_pte(s, VA, 0x00123000u | P | RW);
    mmu_phys_set_a20(s, false);
    ck_assert(mmu_translate(s, &m, VA, MMU_ACCESS_READ, false, &t, &f));
    ck_assert_uint_eq(t.paddr, 0x00023234u);
    mmu_phys_set_a20(s, true);
    ck_assert(!mmu_translate(s, &m, VA, MMU_ACCESS_READ, false, &t, &f));
    mmu_phys_free(s);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("softmmu_paging");
    TCase *tc = tcase_create("paging");
    tcase_add_test(tc, rights_of_every_pde_pte_combination_follow_the_sdm_table);
    tcase_add_test(tc, rights_of_4m_pages_come_from_the_pde_alone);
    tcase_add_test(tc, not_present_pde_and_pte_fault_with_p_clear);
    tcase_add_test(tc, read_sets_accessed_and_write_sets_dirty_in_the_pte_only);
    tcase_add_test(tc, write_to_4m_page_sets_accessed_and_dirty_in_the_pde);
    tcase_add_test(tc, faulting_access_leaves_accessed_and_dirty_clear);
    tcase_add_test(tc, ps_bit_is_ignored_without_cr4_pse);
    tcase_add_test(tc, pse_reserved_bits_fault_with_rsvd_and_pse36_widens_the_address);
    tcase_add_test(tc, global_bit_counts_only_with_pge);
    tcase_add_test(tc, pae_walk_maps_4k_and_2m_pages);
    tcase_add_test(tc, pae_reserved_bits_fault_with_rsvd);
    tcase_add_test(tc, pae_xd_forbids_fetch_and_sets_the_id_bit);
    tcase_add_test(tc, walk_through_a20_masked_tables_wraps_at_1m);
    suite_add_tcase(s, tc);
    return s;
}
