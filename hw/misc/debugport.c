/* POST code port, debug console, isa-debug-exit and port 0x92. */
#include "debugport.h"

#include "translator/log.h"

static uint64_t post_read(void *opaque, uint64_t offset, unsigned size)
{
    struct debugport *d = opaque;
    (void)offset, (void)size;
    return d->post_code;
}

static void post_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct debugport *d = opaque;
    (void)offset, (void)size;
    d->post_code = (uint8_t)val;
    log_mask_printf(LOG_IOPORT, "POST code %#04x\n", d->post_code);
}

/* Reading the console port tells a guest it is there (Bochs convention). */
static uint64_t con_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque, (void)offset, (void)size;
    return 0xE9;
}

static void con_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct debugport *d = opaque;
    (void)offset, (void)size;
    uint8_t b = (uint8_t)val;
    if (d->con.write)
        d->con.write(d->con.opaque, &b, 1);
}

static uint64_t exit_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque, (void)offset, (void)size;
    return 0;
}

static void exit_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct debugport *d = opaque;
    (void)offset;
    uint64_t mask = size >= 4 ? 0xFFFFFFFFull : (1ull << (8 * size)) - 1;
    int status = (int)(((val & mask) << 1) | 1);
    if (d->exit_fn)
        d->exit_fn(d->exit_opaque, status);
}

static uint64_t p92_read(void *opaque, uint64_t offset, unsigned size)
{
    struct debugport *d = opaque;
    (void)offset, (void)size;
    return d->port92;
}

static void p92_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct debugport *d = opaque;
    (void)offset, (void)size;
    uint8_t old = d->port92;
    d->port92 = (uint8_t)(val & 0x03);
    if ((old ^ d->port92) & 0x02)
        irq_set(&d->a20, (d->port92 & 0x02) != 0);
    if (!(old & 0x01) && (d->port92 & 0x01))
        irq_pulse(&d->reset);
}

static const struct mmu_io_ops post_ops = {post_read, post_write, MMU_WIDTH_1};
static const struct mmu_io_ops con_ops = {con_read, con_write, MMU_WIDTH_1};
static const struct mmu_io_ops exit_ops = {exit_read, exit_write, MMU_WIDTH_ALL};
static const struct mmu_io_ops p92_ops = {p92_read, p92_write, MMU_WIDTH_1};

bool debugport_register_io(struct debugport *d, struct mmu_io_space *io)
{
    return mmu_io_register(io, 0x80, 1, &post_ops, d) && mmu_io_register(io, 0x92, 1, &p92_ops, d);
}

bool debugport_register_console(struct debugport *d, struct mmu_io_space *io, uint16_t port)
{
    return mmu_io_register(io, port, 1, &con_ops, d);
}

bool debugport_register_exit(struct debugport *d, struct mmu_io_space *io, uint16_t port,
                             uint32_t len)
{
    return len > 0 && mmu_io_register(io, port, len, &exit_ops, d);
}

void debugport_init(struct debugport *d)
{
    *d = (struct debugport){.port92 = 0x02};
}

static const struct vms_field debugport_fields[] = {
    VMS_FIELD(struct debugport, post_code, VMS_U8),
    VMS_FIELD(struct debugport, port92, VMS_U8),
    VMS_END,
};

const struct vms_desc debugport_vmstate = {
    .name = "debugport",
    .version = 1,
    .min_version = 1,
    .fields = debugport_fields,
};
