/* Machine state stream round trips, one device at a time: program the
 * device through its ports, save, load into a fresh machine, read the state
 * back through the same ports, and save again: the two streams are equal. */
#include "machine.h"

#include <zlib.h>

static void out8(struct test_machine *m, uint16_t port, uint8_t v)
{
    mmu_io_write(m->pc->io, port, v, 1);
}

static void out32(struct test_machine *m, uint16_t port, uint32_t v)
{
    mmu_io_write(m->pc->io, port, v, 4);
}

static uint32_t in8(struct test_machine *m, uint16_t port)
{
    return (uint32_t)mmu_io_read(m->pc->io, port, 1);
}

/* One device: how to give it non-reset state and how to see it again. */
struct device_case {
    const char *name;
    void (*program)(struct test_machine *m);
    void (*check)(struct test_machine *m);
};

static void pic_program(struct test_machine *m)
{
    const uint8_t icw[] = {0x11, 0x50, 0x04, 0x01};
    out8(m, 0x20, icw[0]);
    for (int i = 1; i < 4; i++)
        out8(m, 0x21, icw[i]);
    out8(m, 0x21, 0xA5);
}
static void pic_check(struct test_machine *m)
{
    ck_assert_uint_eq(in8(m, 0x21), 0xA5);
    ck_assert_uint_eq(m->pc->pic.chip[0].vector_base, 0x50);
}

static void pit_program(struct test_machine *m)
{
    out8(m, 0x43, 0x34); /* channel 0, lo/hi, mode 2 */
    out8(m, 0x40, 0x34);
    out8(m, 0x40, 0x12);
    out8(m, 0x43, 0xB6); /* channel 2, mode 3 */
    out8(m, 0x42, 0x00);
    out8(m, 0x42, 0x10);
}
static void pit_check(struct test_machine *m)
{
    out8(m, 0x43, 0xE2); /* read-back: status of channel 0 */
    ck_assert_uint_eq(in8(m, 0x40) & 0x3F, 0x34);
    ck_assert(timer_pending(&m->pc->pit.ch[0].timer));
}

static void rtc_program(struct test_machine *m)
{
    out8(m, 0x70, 0x40);
    out8(m, 0x71, 0x5A);
    out8(m, 0x70, 0x41);
}
static void rtc_check(struct test_machine *m)
{
    out8(m, 0x70, 0x40);
    ck_assert_uint_eq(in8(m, 0x71), 0x5A);
}

static void kbc_program(struct test_machine *m)
{
    out8(m, 0x64, 0x60); /* write the command byte */
    out8(m, 0x60, 0x45);
    out8(m, 0x64, 0x20); /* read it: one byte waits in the output buffer */
}
static void kbc_check(struct test_machine *m)
{
    ck_assert_uint_eq(in8(m, 0x64) & 1, 1);
    ck_assert_uint_eq(in8(m, 0x60), 0x45);
}

static void uart_program(struct test_machine *m)
{
    out8(m, 0x3FB, 0x83);
    out8(m, 0x3F8, 0x0C);
    out8(m, 0x3FB, 0x1B);
    out8(m, 0x3FF, 0x5A);
    out8(m, 0x2F9, 0x05); /* COM2: interrupts enabled */
}
static void uart_check(struct test_machine *m)
{
    ck_assert_uint_eq(in8(m, 0x3FB), 0x1B);
    ck_assert_uint_eq(in8(m, 0x3FF), 0x5A);
    ck_assert_uint_eq(in8(m, 0x2F9), 0x05);
    out8(m, 0x3FB, 0x9B);
    ck_assert_uint_eq(in8(m, 0x3F8), 0x0C);
}

static void dma_program(struct test_machine *m)
{
    out8(m, 0x0C, 0); /* clear the flip-flop */
    out8(m, 0x04, 0x34);
    out8(m, 0x04, 0x12);
    out8(m, 0x81, 0x07); /* channel 2 page */
    out8(m, 0x0A, 0x02); /* unmask channel 2 */
}
static void dma_check(struct test_machine *m)
{
    out8(m, 0x0C, 0);
    ck_assert_uint_eq(in8(m, 0x04), 0x34);
    ck_assert_uint_eq(in8(m, 0x04), 0x12);
    ck_assert_uint_eq(in8(m, 0x81), 0x07);
}

static void board_program(struct test_machine *m)
{
    out8(m, 0x80, 0x42); /* POST code */
    out8(m, 0x92, 0x00); /* A20 off through port 92 (the 8042 keeps it on) */
    /* i440FX PAM1: C0000-C7FFF RAM read/write */
    pci_config_write(&m->pc->pci, 0, 0x5A, 0x33, 1);
    out32(m, 0xCF8, 0x80000810u);
}
static void board_check(struct test_machine *m)
{
    ck_assert_uint_eq(in8(m, 0x80), 0x42);
    ck_assert_uint_eq(mmu_io_read(m->pc->io, 0xCF8, 4), 0x80000810u);
    ck_assert(!m->pc->a20_port92);
    ck_assert_uint_eq(pci_config_read(&m->pc->pci, 0, 0x5A, 1), 0x33);
    /* PAM maps shadow RAM: a write at C0000 lands in RAM again after the load */
    uint8_t v = 0x77, back = 0;
    mmu_phys_write(m->pc->mem, 0xC0000, &v, 1);
    mmu_phys_read(m->pc->mem, 0xC0000, &back, 1);
    ck_assert_uint_eq(back, 0x77);
}

static void fwcfg_program(struct test_machine *m)
{
    mmu_io_write(m->pc->io, 0x510, 0x0000, 2); /* signature */
    in8(m, 0x511);
    in8(m, 0x511);
}
static void fwcfg_check(struct test_machine *m)
{
    ck_assert_uint_eq(in8(m, 0x511), 'M');
    ck_assert_uint_eq(in8(m, 0x511), 'U');
}

static void ide_program(struct test_machine *m)
{
    out8(m, 0x176, 0xB0); /* secondary: select the slave */
    out8(m, 0x3F6, 0x02); /* primary: nIEN */
}
static void ide_check(struct test_machine *m)
{
    ck_assert_uint_eq(m->pc->ide.bus[1].unit, 1);
    ck_assert_uint_eq(m->pc->ide.bus[0].devctl & 0x02, 0x02);
}

static void fdc_program(struct test_machine *m)
{
    out8(m, 0x3F2, 0x1C); /* motor A on, DMA, out of reset */
}
static void fdc_check(struct test_machine *m)
{
    ck_assert_uint_eq(in8(m, 0x3F2), 0x1C);
}

static void vga_program(struct test_machine *m)
{
    if (!m->pc->vga)
        return;
    out8(m, 0x3C4, 0x02);
    out8(m, 0x3C5, 0x0A);
    out8(m, 0x3C8, 0x05);
    out8(m, 0x3C9, 0x11);
    out8(m, 0x3C9, 0x22);
    out8(m, 0x3C9, 0x33);
    m->pc->vga->vram[0x12345] = 0x99;
}
static void vga_check(struct test_machine *m)
{
    if (!m->pc->vga)
        return;
    out8(m, 0x3C4, 0x02);
    ck_assert_uint_eq(in8(m, 0x3C5), 0x0A);
    out8(m, 0x3C7, 0x05);
    ck_assert_uint_eq(in8(m, 0x3C9), 0x11);
    ck_assert_uint_eq(m->pc->vga->vram[0x12345], 0x99);
}

static void nic_program(struct test_machine *m)
{
    out8(m, 0x300, 0x21); /* page 0, stop */
    out8(m, 0x301, 0x46); /* PSTART */
    out8(m, 0x30F, 0x1F); /* IMR */
    m->pc->nic[1]->imr = 0x0C;
}
static void nic_check(struct test_machine *m)
{
    ck_assert_uint_eq(m->pc->nic[0]->pstart, 0x46);
    ck_assert_uint_eq(m->pc->nic[0]->imr, 0x1F);
    ck_assert_uint_eq(m->pc->nic[1]->imr, 0x0C);
}

static void cpu_program(struct test_machine *m)
{
    CPUX86State *env = cpu_env(m->cpu);
    env->regs[X86_EAX] = 0x12345678;
    env->regs[X86_ESP] = 0x7000;
    env->eip = 0x1234;
    env->cr[0] |= X86_CR0_PE;
    env->segs[1] = (struct x86_segment){0x10000, 0xFFFFF, 0xC09B00, 0x08};
    env->gdt = (struct x86_dtable){0x9000, 0x27};
    env->fpu.r[3] = (struct x86_fpreg){0xC000000000000000ull, 0x3FFF, {0}};
    env->fpu.top = 5;
    env->fpu.cw = 0x037F;
    env->xmm[7].q[1] = 0xDEADBEEFCAFEF00Dull;
    env->tsc = 0x100000;
    env->halted = true;
    env->dr[7] = 0x401;
}
static void cpu_check(struct test_machine *m)
{
    CPUX86State *env = cpu_env(m->cpu);
    ck_assert_uint_eq(env->regs[X86_EAX], 0x12345678);
    ck_assert_uint_eq(env->eip, 0x1234);
    ck_assert_uint_eq(env->segs[1].base, 0x10000);
    ck_assert_uint_eq(env->segs[1].flags, 0xC09B00);
    ck_assert_uint_eq(env->gdt.limit, 0x27);
    ck_assert_uint_eq(env->fpu.r[3].sig, 0xC000000000000000ull);
    ck_assert_uint_eq(env->fpu.top, 5);
    ck_assert_uint_eq(env->xmm[7].q[1], 0xDEADBEEFCAFEF00Dull);
    ck_assert_uint_eq(env->tsc, 0x100000);
    ck_assert(env->halted);
}

static void ram_program(struct test_machine *m)
{
    uint8_t *ram = mmu_phys_ram(m->pc->mem);
    for (int i = 0; i < 4096; i++) /* a compressible page and an incompressible one */
        ram[0x10000 + i] = (uint8_t)(i & 7);
    uint32_t x = 1;
    for (int i = 0; i < 4096; i++) {
        x = x * 1103515245u + 12345u;
        ram[0x20000 + i] = (uint8_t)(x >> 24);
    }
    ram[mmu_phys_ram_size(m->pc->mem) - 1] = 0xEE;
}
static void ram_check(struct test_machine *m)
{
    uint8_t *ram = mmu_phys_ram(m->pc->mem);
    ck_assert_uint_eq(ram[0x10007], 7);
    ck_assert_uint_eq(crc32(0, ram + 0x20000, 4096) != crc32(0, ram + 0x10000, 4096), 1);
    ck_assert_uint_eq(ram[mmu_phys_ram_size(m->pc->mem) - 1], 0xEE);
}

static const struct device_case cases[] = {
    {"pic", pic_program, pic_check},       {"pit", pit_program, pit_check},
    {"rtc", rtc_program, rtc_check},       {"i8042", kbc_program, kbc_check},
    {"uart", uart_program, uart_check},    {"dma", dma_program, dma_check},
    {"board", board_program, board_check}, {"fw_cfg", fwcfg_program, fwcfg_check},
    {"ide", ide_program, ide_check},       {"fdc", fdc_program, fdc_check},
    {"vga", vga_program, vga_check},       {"ne2000", nic_program, nic_check},
    {"cpu", cpu_program, cpu_check},       {"ram", ram_program, ram_check},
};
#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

static size_t first_difference(const struct vms_buf *a, const struct vms_buf *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    for (size_t i = 0; i < n; i++)
        if (a->data[i] != b->data[i])
            return i;
    return n;
}

START_TEST(device_state_round_trips_to_identical_stream)
{
    const struct device_case *c = &cases[_i];
    struct test_machine src, dst, pristine;
    test_bios_create();
    test_machine_new(&src, 16 << 20);
    test_machine_new(&dst, 16 << 20);
    test_machine_new(&pristine, 16 << 20);
    struct vms_buf before = {0}, a = {0}, b = {0};
    test_machine_save(&pristine, &before);
    c->program(&src);
    test_machine_save(&src, &a);
    /* The programming reached saved state (or the device is absent). */
    ck_assert_msg(a.len != before.len || memcmp(a.data, before.data, a.len) != 0 ||
                      (strcmp(c->name, "vga") == 0 && !src.pc->vga),
                  "%s: programming did not change the stream", c->name);
    char err[256] = "";
    ck_assert_msg(test_machine_load(&dst, &a, err, sizeof(err)), "%s: %s", c->name, err);
    test_machine_save(&dst, &b);
    ck_assert_msg(a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
                  "%s: second save differs at byte %zu of %zu/%zu", c->name,
                  first_difference(&a, &b), a.len, b.len);
    c->check(&src); /* reading back may change state (FIFOs, latches): after the saves */
    c->check(&dst);
    vms_buf_free(&before);
    vms_buf_free(&a);
    vms_buf_free(&b);
    test_machine_free(&src);
    test_machine_free(&dst);
    test_machine_free(&pristine);
    test_bios_remove();
}
END_TEST

START_TEST(every_description_is_consistent)
{
    struct test_machine m;
    test_bios_create();
    test_machine_new(&m, 16 << 20);
    struct vms_pc v;
    vms_pc_describe(&v, m.pc, m.cpu, TEST_CPU, m.features);
    ck_assert_uint_ge(v.m.nsections, 20);
    for (size_t i = 0; i < v.m.nsections; i++) {
        char err[256];
        ck_assert_msg(vms_check(v.sec[i].desc, err, sizeof(err)), "%s: %s", v.sec[i].id, err);
    }
    test_machine_free(&m);
    test_bios_remove();
}
END_TEST

START_TEST(virtual_clock_and_timers_continue_from_saved_time)
{
    struct test_machine src, dst;
    test_bios_create();
    test_machine_new(&src, 16 << 20);
    test_machine_new(&dst, 16 << 20);
    clock_add_insns(&src.pc->clock, 5000000); /* icount 0: 5 ms of virtual time */
    pit_program(&src);
    int64_t now = clock_now(&src.pc->clock);
    int64_t expiry = src.pc->pit.ch[0].timer.expire_ns;
    struct vms_buf a = {0};
    test_machine_save(&src, &a);
    char err[256] = "";
    ck_assert_msg(test_machine_load(&dst, &a, err, sizeof(err)), "%s", err);
    ck_assert_int_eq(clock_now(&dst.pc->clock), now);
    ck_assert(timer_pending(&dst.pc->pit.ch[0].timer));
    ck_assert_int_eq(dst.pc->pit.ch[0].timer.expire_ns, expiry);
    ck_assert_int_eq(clock_next_deadline(&dst.pc->clock), clock_next_deadline(&src.pc->clock));
    vms_buf_free(&a);
    test_machine_free(&src);
    test_machine_free(&dst);
    test_bios_remove();
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("migration_roundtrip");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, device_state_round_trips_to_identical_stream, 0, NCASES);
    tcase_add_test(tc, every_description_is_consistent);
    tcase_add_test(tc, virtual_clock_and_timers_continue_from_saved_time);
    suite_add_tcase(s, tc);
    return s;
}
