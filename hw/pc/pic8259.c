/* Dual 8259A PIC, Intel 8259A datasheet: ICW1-4, OCW1-3, fully nested and
 * rotating priority, specific/non-specific/automatic EOI, special mask mode,
 * poll mode; edge/level per PIIX3 ELCR. */
#include "pic8259.h"

#include "translator/log.h"

#include "hw/core/text.h"

#include <stddef.h>

/* Priority level (0 highest) of the best request in mask, 8 if none. */
static int best_priority(const struct pic8259 *c, uint8_t mask)
{
    for (int level = 0; level < 8; level++) {
        if (mask & (1u << ((level + c->lowest + 1) & 7)))
            return level;
    }
    return 8;
}

static int level_to_irq(const struct pic8259 *c, int level)
{
    return (level + c->lowest + 1) & 7;
}

/* The IR input this chip would present to the CPU now, or -1. */
static int chip_pending_irq(const struct pic8259 *c, bool is_master)
{
    int req = best_priority(c, c->irr & ~c->imr);
    if (req == 8)
        return -1;
    uint8_t in_service = c->isr;
    if (c->special_mask)
        in_service &= ~c->imr;
    /* Special fully nested: the cascade input does not block further slave
     * requests (datasheet "Special Fully Nested Mode"). */
    if (c->special_fully_nested && is_master)
        in_service &= ~(1u << 2);
    if (req < best_priority(c, in_service))
        return level_to_irq(c, req);
    return -1;
}

static void chip_input(struct pic8259 *c, int irq, int level)
{
    uint8_t bit = 1u << irq;
    if (c->elcr & bit) {
        if (level)
            c->irr |= bit;
        else
            c->irr &= ~bit;
    } else if (level && !(c->last_level & bit)) {
        c->irr |= bit;
    }
    c->last_level = level ? (c->last_level | bit) : (c->last_level & ~bit);
}

static void update_output(struct pic8259_pair *p)
{
    /* The slave holds its INT until acknowledged, so the master's cascade
     * input follows it as a level. */
    if (chip_pending_irq(&p->chip[1], false) >= 0)
        p->chip[0].irr |= 1u << 2;
    else
        p->chip[0].irr &= ~(1u << 2);
    bool level = chip_pending_irq(&p->chip[0], true) >= 0;
    if (level != p->intr_level) {
        p->intr_level = level;
        irq_set(&p->cpu_intr, level);
    }
}

void pic_set_irq(void *opaque, int irq, int level)
{
    struct pic8259_pair *p = opaque;
    if (irq < 0 || irq > 15)
        return;
    chip_input(&p->chip[irq >> 3], irq & 7, level);
    update_output(p);
}

bool pic_intr_pending(const struct pic8259_pair *p)
{
    return p->intr_level;
}

/* INTA on one chip: in service (unless AEOI), request consumed if edge. */
static void chip_ack(struct pic8259 *c, int irq)
{
    uint8_t bit = 1u << irq;
    if (c->auto_eoi) {
        if (c->rotate_on_aeoi)
            c->lowest = (uint8_t)irq;
    } else {
        c->isr |= bit;
    }
    if (!(c->elcr & bit))
        c->irr &= ~bit;
}

uint8_t pic_ack(struct pic8259_pair *p)
{
    struct pic8259 *m = &p->chip[0], *s = &p->chip[1];
    int irq = chip_pending_irq(m, true);
    uint8_t vector;
    if (irq < 0) {
        vector = m->vector_base + 7; /* spurious: no ISR bit set */
    } else if (irq == 2 && !m->single) {
        chip_ack(m, 2);
        int sirq = chip_pending_irq(s, false);
        if (sirq < 0) {
            vector = s->vector_base + 7;
        } else {
            chip_ack(s, sirq);
            vector = s->vector_base + (uint8_t)sirq;
        }
    } else {
        chip_ack(m, irq);
        vector = m->vector_base + (uint8_t)irq;
    }
    update_output(p);
    return vector;
}

static void chip_reset(struct pic8259 *c, uint8_t elcr_mask)
{
    *c = (struct pic8259){.pair = c->pair, .elcr_mask = elcr_mask, .lowest = 7};
}

void pic_reset(struct pic8259_pair *p)
{
    /* IRQ0, 1, 2, 8 and 13 are edge-only on the PIIX3. */
    chip_reset(&p->chip[0], 0xF8);
    chip_reset(&p->chip[1], 0xDE);
    p->intr_level = false;
    irq_lower(&p->cpu_intr);
}

void pic_init(struct pic8259_pair *p)
{
    *p = (struct pic8259_pair){0};
    p->chip[0].pair = p->chip[1].pair = p;
    pic_reset(p);
}

static void write_icw1(struct pic8259 *c, uint8_t v)
{
    /* ICW1 clears the mask, sets IR7 lowest, leaves special mask mode, selects
     * IRR for reads and resets edge detection (datasheet "Initialization"). */
    c->imr = 0;
    c->isr = 0;
    c->irr &= c->elcr;
    c->last_level = 0;
    c->lowest = 7;
    c->special_mask = c->poll = c->read_isr = false;
    c->auto_eoi = c->rotate_on_aeoi = c->special_fully_nested = false;
    c->icw4_needed = v & 1;
    c->single = v & 2;
    c->init_step = 1;
    if (v & 0x08)
        log_mask_printf(LOG_UNIMP, "pic: ICW1 LTIM ignored (ELCR selects level mode)\n");
}

static void write_ocw2(struct pic8259 *c, uint8_t v)
{
    int cmd = v >> 5;
    int l = v & 7;
    switch (cmd) {
    case 0: c->rotate_on_aeoi = false; break;
    case 4: c->rotate_on_aeoi = true; break;
    case 1:   /* non-specific EOI */
    case 5: { /* rotate on non-specific EOI */
        int level = best_priority(c, c->isr);
        if (level == 8)
            break;
        int irq = level_to_irq(c, level);
        c->isr &= ~(1u << irq);
        if (cmd == 5)
            c->lowest = (uint8_t)irq;
        break;
    }
    case 3: c->isr &= ~(1u << l); break;
    case 7:
        c->isr &= ~(1u << l);
        c->lowest = (uint8_t)l;
        break;
    case 6: c->lowest = (uint8_t)l; break;
    default: break; /* 2: no operation */
    }
}

static void write_ocw3(struct pic8259 *c, uint8_t v)
{
    if (v & 0x04)
        c->poll = true;
    if (v & 0x02)
        c->read_isr = v & 0x01;
    if (v & 0x40)
        c->special_mask = v & 0x20;
}

static void chip_write(struct pic8259 *c, int a0, uint8_t v)
{
    if (a0 == 0) {
        if (v & 0x10)
            write_icw1(c, v);
        else if (v & 0x08)
            write_ocw3(c, v);
        else
            write_ocw2(c, v);
        return;
    }
    switch (c->init_step) {
    case 0: c->imr = v; break;
    case 1:
        c->vector_base = v & 0xF8;
        c->init_step = !c->single ? 2 : c->icw4_needed ? 3 : 0;
        break;
    case 2: c->init_step = c->icw4_needed ? 3 : 0; break; /* ICW3: cascade wiring is fixed */
    default:
        c->auto_eoi = v & 0x02;
        c->special_fully_nested = v & 0x10;
        if (!(v & 0x01))
            log_mask_printf(LOG_GUEST_ERRORS, "pic: ICW4 selects MCS-80 mode\n");
        c->init_step = 0;
        break;
    }
}

/* Poll command: the next read is an acknowledge of this chip alone
 * (datasheet "The Poll Command"): 0x80 | level when a request is pending. */
static uint8_t chip_poll(struct pic8259_pair *p, int idx)
{
    struct pic8259 *c = &p->chip[idx];
    c->poll = false;
    int irq = chip_pending_irq(c, idx == 0);
    if (irq < 0)
        return 0;
    chip_ack(c, irq);
    update_output(p);
    return 0x80 | (uint8_t)irq;
}

/* Chip registers: offset 0 (command/IRR/ISR) and 1 (data/IMR). */
static uint64_t pic_chip_read(void *opaque, uint64_t offset, unsigned size)
{
    struct pic8259 *c = opaque;
    (void)size;
    if (c->poll)
        return chip_poll(c->pair, (int)(c - c->pair->chip));
    if (offset & 1)
        return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

static void pic_chip_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct pic8259 *c = opaque;
    (void)size;
    chip_write(c, (int)(offset & 1), (uint8_t)val);
    update_output(c->pair);
}

static uint64_t pic_elcr_read(void *opaque, uint64_t offset, unsigned size)
{
    struct pic8259_pair *p = opaque;
    (void)size;
    return p->chip[offset & 1].elcr;
}

static void pic_elcr_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct pic8259_pair *p = opaque;
    struct pic8259 *c = &p->chip[offset & 1];
    (void)size;
    c->elcr = (uint8_t)val & c->elcr_mask;
    update_output(p);
}

static const struct mmu_io_ops pic_chip_ops = {pic_chip_read, pic_chip_write, MMU_WIDTH_1};
static const struct mmu_io_ops pic_elcr_ops = {pic_elcr_read, pic_elcr_write, MMU_WIDTH_1};

bool pic_register_io(struct pic8259_pair *p, struct mmu_io_space *io)
{
    return mmu_io_register(io, 0x20, 2, &pic_chip_ops, &p->chip[0]) &&
           mmu_io_register(io, 0xA0, 2, &pic_chip_ops, &p->chip[1]) &&
           mmu_io_register(io, 0x4D0, 2, &pic_elcr_ops, p);
}

int pic_info(const struct pic8259_pair *p, char *buf, size_t len)
{
    size_t pos = 0;
    hw_appendf(buf, len, &pos, "%s", "");
    for (int i = 0; i < 2; i++) {
        const struct pic8259 *c = &p->chip[i];
        hw_appendf(buf, len, &pos,
                   "pic%d: irr=%02x imr=%02x isr=%02x elcr=%02x base=%02x lowest=%d%s%s\n", i,
                   c->irr, c->imr, c->isr, c->elcr, c->vector_base, c->lowest,
                   c->auto_eoi ? " aeoi" : "", c->special_mask ? " smm" : "");
    }
    return (int)pos;
}

static const struct vms_field pic_chip_fields[] = {
    VMS_FIELD(struct pic8259, irr, VMS_U8),
    VMS_FIELD(struct pic8259, isr, VMS_U8),
    VMS_FIELD(struct pic8259, imr, VMS_U8),
    VMS_FIELD(struct pic8259, last_level, VMS_U8),
    VMS_FIELD(struct pic8259, elcr, VMS_U8),
    VMS_FIELD(struct pic8259, elcr_mask, VMS_U8),
    VMS_FIELD(struct pic8259, vector_base, VMS_U8),
    VMS_FIELD(struct pic8259, lowest, VMS_U8),
    VMS_FIELD(struct pic8259, init_step, VMS_U8),
    VMS_FIELD(struct pic8259, icw4_needed, VMS_BOOL),
    VMS_FIELD(struct pic8259, single, VMS_BOOL),
    VMS_FIELD(struct pic8259, auto_eoi, VMS_BOOL),
    VMS_FIELD(struct pic8259, rotate_on_aeoi, VMS_BOOL),
    VMS_FIELD(struct pic8259, special_fully_nested, VMS_BOOL),
    VMS_FIELD(struct pic8259, special_mask, VMS_BOOL),
    VMS_FIELD(struct pic8259, poll, VMS_BOOL),
    VMS_FIELD(struct pic8259, read_isr, VMS_BOOL),
    VMS_END,
};

static const struct vms_desc pic_chip_vmstate = {
    .name = "pic8259-chip",
    .version = 1,
    .min_version = 1,
    .fields = pic_chip_fields,
};

static bool pic_post_load(void *opaque)
{
    struct pic8259_pair *p = opaque;
    for (int i = 0; i < 2; i++) {
        if (p->chip[i].lowest > 7 || p->chip[i].init_step > 3)
            return false;
    }
    /* The output level is derived state: recompute and drive the wire. */
    p->intr_level = chip_pending_irq(&p->chip[0], true) >= 0;
    irq_set(&p->cpu_intr, p->intr_level);
    return true;
}

static const struct vms_field pic_pair_fields[] = {
    {.name = "chip",
     .type = VMS_STRUCT,
     .offset = offsetof(struct pic8259_pair, chip),
     .size = sizeof(struct pic8259),
     .count = 2,
     .sub = &pic_chip_vmstate},
    VMS_END,
};

const struct vms_desc pic_vmstate = {
    .name = "pic8259",
    .version = 1,
    .min_version = 1,
    .fields = pic_pair_fields,
    .post_load = pic_post_load,
};
