/* A `pc` machine with its CPU for the state stream tests: a synthetic BIOS,
 * the standard VGA when its ROM is installed, an ISA and a PCI NE2000. */
#ifndef JIT86_TESTS_MIGRATION_MACHINE_H
#define JIT86_TESTS_MIGRATION_MACHINE_H

#include "cpu/cpu.h"
#include "hw/core/vmstate.h"
#include "hw/pc/pc.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_VGABIOS "/usr/share/seabios/vgabios-stdvga.bin"
#define TEST_CPU     "pentium3"

struct test_machine {
    struct pc_machine *pc;
    struct x86_cpu *cpu;
    uint64_t features;
};

static char test_bios_path[64];

static inline void test_bios_create(void)
{
    strcpy(test_bios_path, "/tmp/jit86-mig-bios-XXXXXX");
    int fd = mkstemp(test_bios_path);
    ck_assert_int_ge(fd, 0);
    static uint8_t b[128 << 10];
    for (size_t i = 0; i < sizeof(b); i++)
        b[i] = (uint8_t)(i * 7);
    ck_assert_int_eq(write(fd, b, sizeof(b)), (ssize_t)sizeof(b));
    close(fd);
}

static inline void test_bios_remove(void)
{
    unlink(test_bios_path);
}

static inline void test_machine_new(struct test_machine *m, uint64_t ram)
{
    struct pc_config cfg = {.ram_size = ram,
                            .bios_path = test_bios_path,
                            .icount_shift = 0,
                            .rtc_base = 946684800,
                            .vga = access(TEST_VGABIOS, R_OK) == 0,
                            .vga_rom = TEST_VGABIOS,
                            .graphics = true};
    cfg.nic[0] = (struct pc_nic){PC_NIC_NE2K_ISA, 0x300, 9, {0x52, 0x54, 0, 0, 0, 1}, {0}};
    cfg.nic[1] = (struct pc_nic){PC_NIC_NE2K_PCI, 0, 0, {0x52, 0x54, 0, 0, 0, 2}, {0}};
    char err[256] = "";
    m->pc = pc_new(&cfg, err, sizeof(err));
    ck_assert_msg(m->pc != NULL, "%s", err);
    const struct cpu_model *model = NULL;
    ck_assert(cpu_model_parse(TEST_CPU, &m->features, &model));
    struct cpu_config cc = {
        .space = m->pc->mem, .io = m->pc->io, .model = model, .features = m->features};
    m->cpu = cpu_new(&cc);
    ck_assert_ptr_nonnull(m->cpu);
    cpu_reset(m->cpu);
}

static inline void test_machine_free(struct test_machine *m)
{
    cpu_free(m->cpu);
    pc_free(m->pc);
}

static inline void test_machine_save(struct test_machine *m, struct vms_buf *out)
{
    out->len = 0;
    ck_assert(vms_pc_save(m->pc, m->cpu, TEST_CPU, m->features, out));
}

static inline bool test_machine_load(struct test_machine *m, const struct vms_buf *in, char *err,
                              size_t errlen)
{
    return vms_pc_load(m->pc, m->cpu, TEST_CPU, m->features, in->data, in->len, err, errlen);
}

#endif
