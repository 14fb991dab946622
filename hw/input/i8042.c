/* 8042 keyboard controller: one output buffer shared by controller replies,
 * keyboard and mouse (in that priority), refilled when the host reads it. */
#include "i8042.h"

#include "translator/log.h"

#include <stddef.h>

enum {
    ST_OBF = 0x01,
    ST_IBF = 0x02,
    ST_SYS = 0x04,
    ST_CMD = 0x08,
    ST_UNLOCKED = 0x10,
    ST_AUX_OBF = 0x20,
    CB_KBD_INT = 0x01,
    CB_AUX_INT = 0x02,
    CB_SYS = 0x04,
    CB_KBD_DISABLE = 0x10,
    CB_AUX_DISABLE = 0x20,
    CB_XLAT = 0x40,
    OUT_RESET = 0x01,
    OUT_A20 = 0x02,
    OUT_KBD_OBF = 0x10,
    OUT_AUX_OBF = 0x20,
};

static void update_irqs(struct i8042 *c)
{
    bool obf = c->status & ST_OBF;
    irq_set(&c->irq_kbd, obf && c->out_src == I8042_SRC_KBD && (c->ram[0] & CB_KBD_INT));
    irq_set(&c->irq_aux, obf && c->out_src == I8042_SRC_AUX && (c->ram[0] & CB_AUX_INT));
}

/* Scancode translation of one keyboard byte; false when it is absorbed (the
 * F0 break prefix becomes bit 7 of the next code). */
static bool translate(struct i8042 *c, uint8_t *b)
{
    if (!(c->ram[0] & CB_XLAT))
        return true;
    if (*b == 0xF0) {
        c->xlat_break = true;
        return false;
    }
    if (*b < 0x80 || *b == 0x83) {
        uint8_t t = *b == 0x83 ? 0x41 : ps2_set2_to_set1(*b);
        *b = (uint8_t)(t ? t : *b);
    }
    if (c->xlat_break) {
        *b |= 0x80;
        c->xlat_break = false;
    }
    return true;
}

/* Moves the next byte into an empty output buffer. */
static void refill(struct i8042 *c)
{
    while (!(c->status & ST_OBF)) {
        uint8_t b;
        if (c->nreply) {
            b = c->reply[0];
            for (int i = 1; i < c->nreply; i++)
                c->reply[i - 1] = c->reply[i];
            c->nreply--;
            c->out_src = I8042_SRC_CTRL;
        } else if (ps2_has_data(&c->kbd.port) && !(c->ram[0] & CB_KBD_DISABLE)) {
            b = ps2_read(&c->kbd.port);
            if (!translate(c, &b))
                continue;
            c->out_src = I8042_SRC_KBD;
        } else if (ps2_has_data(&c->mouse.port) && !(c->ram[0] & CB_AUX_DISABLE)) {
            b = ps2_read(&c->mouse.port);
            c->out_src = I8042_SRC_AUX;
        } else {
            break;
        }
        c->out_byte = b;
        c->status |= ST_OBF;
        if (c->out_src == I8042_SRC_AUX)
            c->status |= ST_AUX_OBF;
        else
            c->status &= ~ST_AUX_OBF;
    }
    update_irqs(c);
}

static void device_notify(void *opaque)
{
    refill(opaque);
}

static void reply(struct i8042 *c, uint8_t b)
{
    if (c->nreply < sizeof(c->reply))
        c->reply[c->nreply++] = b;
    refill(c);
}

static void write_outport(struct i8042 *c, uint8_t v)
{
    uint8_t old = c->outport;
    c->outport = v;
    if ((old ^ v) & OUT_A20)
        irq_set(&c->a20, (v & OUT_A20) != 0);
    if (!(v & OUT_RESET))
        irq_pulse(&c->reset);
}

static void command(struct i8042 *c, uint8_t cmd)
{
    if (cmd >= 0x20 && cmd <= 0x3F) {
        reply(c, c->ram[cmd & 0x1F]);
        return;
    }
    if ((cmd >= 0x60 && cmd <= 0x7F) || cmd == 0xD1 || cmd == 0xD2 || cmd == 0xD3 || cmd == 0xD4) {
        c->pending = cmd;
        return;
    }
    if (cmd >= 0xF0) {
        /* Pulse output-port lines whose bit is 0; bit 0 is CPU reset. */
        if (!(cmd & 1))
            irq_pulse(&c->reset);
        return;
    }
    switch (cmd) {
    case 0xA7: c->ram[0] |= CB_AUX_DISABLE; break;
    case 0xA8:
        c->ram[0] &= ~CB_AUX_DISABLE;
        refill(c);
        break;
    case 0xA9: reply(c, 0x00); break; /* aux interface test: no error */
    case 0xAA:                        /* self test: also (re)sets the system flag */
        c->status |= ST_SYS;
        reply(c, 0x55);
        break;
    case 0xAB: reply(c, 0x00); break;
    case 0xAD: c->ram[0] |= CB_KBD_DISABLE; break;
    case 0xAE:
        c->ram[0] &= ~CB_KBD_DISABLE;
        refill(c);
        break;
    case 0xC0: reply(c, 0xBF); break; /* input port: no keylock, 512K+ RAM */
    case 0xD0: {
        uint8_t v = c->outport & ~(OUT_KBD_OBF | OUT_AUX_OBF);
        if (c->status & ST_OBF)
            v |= c->out_src == I8042_SRC_AUX ? OUT_AUX_OBF : OUT_KBD_OBF;
        reply(c, v);
        break;
    }
    case 0xDD: write_outport(c, c->outport & ~OUT_A20); break;
    case 0xDF: write_outport(c, c->outport | OUT_A20); break;
    default: log_mask_printf(LOG_UNIMP, "i8042: unknown command %#x\n", cmd); break;
    }
}

static void data_write(struct i8042 *c, uint8_t v)
{
    uint8_t cmd = c->pending;
    c->pending = 0;
    if (cmd >= 0x60 && cmd <= 0x7F) {
        c->ram[cmd & 0x1F] = v;
        if (cmd == 0x60) {
            c->status = (uint8_t)((c->status & ~ST_SYS) | (v & CB_SYS));
            refill(c);
        }
        return;
    }
    switch (cmd) {
    case 0xD1: write_outport(c, v); return;
    case 0xD2: /* as if from the keyboard: no translation, raises IRQ1 */
        reply(c, v);
        c->out_src = I8042_SRC_KBD;
        update_irqs(c);
        return;
    case 0xD3:
        reply(c, v);
        c->out_src = I8042_SRC_AUX;
        c->status |= ST_AUX_OBF;
        update_irqs(c);
        return;
    case 0xD4: ps2_mouse_write(&c->mouse, v); return;
    default:
        /* Data for the keyboard; sending to it enables its interface. */
        c->ram[0] &= ~CB_KBD_DISABLE;
        ps2_kbd_write(&c->kbd, v);
        return;
    }
}

static uint64_t status_read(void *opaque, uint64_t offset, unsigned size)
{
    struct i8042 *c = opaque;
    (void)offset, (void)size;
    return c->status;
}

static void command_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct i8042 *c = opaque;
    (void)offset, (void)size;
    c->status |= ST_CMD;
    command(c, (uint8_t)val);
}

static uint64_t data_read(void *opaque, uint64_t offset, unsigned size)
{
    struct i8042 *c = opaque;
    (void)offset, (void)size;
    uint8_t b = c->out_byte; /* reading an empty buffer returns the last byte */
    c->status &= ~(ST_OBF | ST_AUX_OBF);
    /* The empty buffer drops IRQ1/IRQ12 before the next byte raises it again:
     * the PIC is edge-triggered, and without the falling edge a byte queued
     * behind this one (the break code, the rest of an E0 sequence) would
     * never interrupt and the keyboard would look hung. */
    update_irqs(c);
    refill(c);
    return b;
}

static void data_port_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct i8042 *c = opaque;
    (void)offset, (void)size;
    c->status &= ~ST_CMD;
    data_write(c, (uint8_t)val);
}

static const struct mmu_io_ops data_ops = {data_read, data_port_write, MMU_WIDTH_1};
static const struct mmu_io_ops command_ops = {status_read, command_write, MMU_WIDTH_1};

bool i8042_register_io(struct i8042 *c, struct mmu_io_space *io)
{
    return mmu_io_register(io, 0x60, 1, &data_ops, c) &&
           mmu_io_register(io, 0x64, 1, &command_ops, c);
}

void i8042_reset(struct i8042 *c)
{
    c->status = ST_UNLOCKED;
    for (size_t i = 0; i < sizeof(c->ram); i++)
        c->ram[i] = 0;
    c->ram[0] = CB_KBD_INT | CB_XLAT | CB_SYS;
    c->outport = OUT_RESET | OUT_A20;
    c->out_byte = 0;
    c->out_src = I8042_SRC_NONE;
    c->pending = 0;
    c->nreply = 0;
    c->xlat_break = false;
    ps2_kbd_reset(&c->kbd);
    ps2_mouse_reset(&c->mouse);
    update_irqs(c);
}

void i8042_init(struct i8042 *c)
{
    *c = (struct i8042){0};
    c->kbd.port.notify = device_notify;
    c->kbd.port.opaque = c;
    c->mouse.port.notify = device_notify;
    c->mouse.port.opaque = c;
    i8042_reset(c);
}

static bool i8042_post_load(void *opaque)
{
    struct i8042 *c = opaque;
    if (c->nreply > sizeof(c->reply) || c->out_src > I8042_SRC_AUX)
        return false;
    update_irqs(c);
    irq_set(&c->a20, (c->outport & OUT_A20) != 0);
    return true;
}

static const struct vms_field i8042_fields[] = {
    VMS_SUB(struct i8042, kbd, &ps2_kbd_vmstate),  VMS_SUB(struct i8042, mouse, &ps2_mouse_vmstate),
    VMS_FIELD(struct i8042, status, VMS_U8),       VMS_ARRAY(struct i8042, ram, VMS_U8),
    VMS_FIELD(struct i8042, outport, VMS_U8),      VMS_FIELD(struct i8042, out_byte, VMS_U8),
    VMS_FIELD(struct i8042, out_src, VMS_U8),      VMS_FIELD(struct i8042, pending, VMS_U8),
    VMS_ARRAY(struct i8042, reply, VMS_U8),        VMS_FIELD(struct i8042, nreply, VMS_U8),
    VMS_FIELD(struct i8042, xlat_break, VMS_BOOL), VMS_END,
};

const struct vms_desc i8042_vmstate = {
    .name = "i8042",
    .version = 1,
    .min_version = 1,
    .fields = i8042_fields,
    .post_load = i8042_post_load,
};
