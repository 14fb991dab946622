/* 8254 PIT, Intel 82C54 datasheet. The counters are not ticked: each value and
 * output level is computed from the virtual time since the count was loaded,
 * and a timer fires at the next output transition to drive the IRQ line. */
#include "pit8254.h"

#include "translator/log.h"

#include <stddef.h>

/* Whole input-clock ticks in an interval of virtual time. */
static uint64_t ns_to_ticks(int64_t ns)
{
    return ns <= 0 ? 0 : clock_muldiv64((uint64_t)ns, PIT_FREQ_HZ, (uint32_t)NS_PER_SEC);
}

/* First virtual time at which tick t has elapsed (rounded up). */
static int64_t ticks_to_ns(uint64_t t)
{
    unsigned __int128 ns = ((unsigned __int128)t * NS_PER_SEC + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ;
    return ns > INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)ns;
}

static uint64_t elapsed(const struct pit8254 *p, const struct pit_channel *c)
{
    return ns_to_ticks(clock_now(p->clock) - c->load_ns);
}

/* Modes 2 and 3 stop while the gate is low; 0 and 4 pause (value frozen). */
static bool running(const struct pit_channel *c)
{
    return c->counting && c->gate;
}

static uint16_t value_at(const struct pit_channel *c, uint64_t d)
{
    switch (c->mode) {
    case 2: return (uint16_t)(c->count - d % c->count);
    case 3: return (uint16_t)((c->count - (2 * d) % c->count) & 0xFFFE);
    default: return (uint16_t)(c->count - d);
    }
}

static bool out_at(const struct pit_channel *c, uint64_t d)
{
    switch (c->mode) {
    case 0:
    case 1: return d >= c->count;
    case 2: return c->count == 1 || d % c->count != c->count - 1;
    case 3: return d % c->count < (c->count + 1) / 2;
    default: return d != c->count; /* 4, 5: one-tick low strobe */
    }
}

/* Tick count of the next output change after tick d, or 0 for none. */
static uint64_t next_transition(const struct pit_channel *c, uint64_t d)
{
    uint64_t base = d - d % c->count, r = d % c->count;
    switch (c->mode) {
    case 0:
    case 1: return d < c->count ? c->count : 0;
    case 2:
        if (c->count == 1)
            return 0;
        return r < c->count - 1 ? base + c->count - 1 : base + c->count;
    case 3: {
        uint64_t half = (c->count + 1) / 2;
        return r < half ? base + half : base + c->count;
    }
    default:
        if (d < c->count)
            return c->count;
        return d == c->count ? c->count + 1 : 0;
    }
}

uint16_t pit_counter_value(struct pit8254 *p, int ch)
{
    struct pit_channel *c = &p->ch[ch];
    if (!c->counting)
        return (uint16_t)c->count;
    if (!c->gate)
        return c->mode == 2 || c->mode == 3 ? (uint16_t)c->count : c->frozen;
    return value_at(c, elapsed(p, c));
}

/* Output level at tick d after the count was loaded. */
static bool output_at(const struct pit_channel *c, uint64_t d)
{
    if (!c->counting)
        return c->mode != 0; /* mode 0 holds OUT low from the control word on */
    if (!c->gate && (c->mode == 2 || c->mode == 3))
        return true;
    if (!c->gate)
        return out_at(c, (uint64_t)(c->count - c->frozen) & 0xFFFF);
    return out_at(c, d);
}

bool pit_output(struct pit8254 *p, int ch)
{
    return output_at(&p->ch[ch], elapsed(p, &p->ch[ch]));
}

/* Drives the output line as it is at virtual time `when` and arms the timer
 * for the transition after it. Timer callbacks pass their own expiry, not
 * the (possibly later) current time, so a one-tick pulse is never skipped:
 * if the next transition is also due, the timer runs again at once. */
static void update_at(struct pit8254 *p, int ch, int64_t when)
{
    struct pit_channel *c = &p->ch[ch];
    uint64_t d = ns_to_ticks(when - c->load_ns);
    bool out = output_at(c, d);
    if (ch == 0 && out != c->out_level)
        irq_set(&p->irq0, out);
    c->out_level = out;
    /* Only counter 0 has a wire that needs events; 1 and 2 are read on demand. */
    uint64_t next = ch == 0 && running(c) ? next_transition(c, d) : 0;
    if (next == 0)
        timer_del(&c->timer);
    else
        timer_mod(&c->timer, c->load_ns + ticks_to_ns(next));
}

static void update(struct pit8254 *p, int ch)
{
    update_at(p, ch, clock_now(p->clock));
}

static void pit_timer_cb(void *opaque)
{
    struct pit8254 *p = opaque;
    update_at(p, 0, p->ch[0].timer.expire_ns);
}

static void start_counting(struct pit8254 *p, struct pit_channel *c, uint32_t count)
{
    c->count = count ? count : 0x10000;
    if (c->bcd && !count)
        c->count = 10000;
    c->load_ns = clock_now(p->clock);
    c->null_count = false;
    /* Modes 1 and 5 wait for a gate rising edge. */
    c->counting = c->mode != 1 && c->mode != 5;
    c->frozen = (uint16_t)c->count;
}

void pit_set_gate(struct pit8254 *p, int ch, bool level)
{
    struct pit_channel *c = &p->ch[ch];
    if (level == c->gate)
        return;
    if (!level) {
        c->frozen = pit_counter_value(p, ch);
        c->gate = false;
    } else {
        c->gate = true;
        if (c->mode == 1 || c->mode == 5 || c->mode == 2 || c->mode == 3) {
            /* Rising edge (re)triggers: reload and start from the full count. */
            if (c->count && !c->null_count) {
                c->load_ns = clock_now(p->clock);
                c->counting = true;
            }
        } else if (c->counting) {
            /* Modes 0/4 resume from the frozen value. */
            uint64_t done = (uint64_t)(c->count - c->frozen) & 0xFFFF;
            c->load_ns = clock_now(p->clock) - ticks_to_ns(done);
        }
    }
    update(p, ch);
}

static void write_control(struct pit8254 *p, uint8_t v)
{
    int sel = v >> 6;
    if (sel == 3) {
        /* Read-back: bit5 low latches counts, bit4 low latches status. */
        for (int i = 0; i < 3; i++) {
            if (!(v & (2 << i)))
                continue;
            struct pit_channel *c = &p->ch[i];
            if (!(v & 0x10) && !c->status_latched) {
                c->latched_status = (uint8_t)((pit_output(p, i) << 7) | (c->null_count << 6) |
                                              (c->rw << 4) | (c->mode << 1) | c->bcd);
                c->status_latched = true;
            }
            if (!(v & 0x20) && !c->count_latched) {
                c->latched_count = pit_counter_value(p, i);
                c->count_latched = true;
                c->latch_msb_next = false;
            }
        }
        return;
    }
    struct pit_channel *c = &p->ch[sel];
    int rw = (v >> 4) & 3;
    if (rw == 0) { /* counter latch command */
        if (!c->count_latched) {
            c->latched_count = pit_counter_value(p, sel);
            c->count_latched = true;
            c->latch_msb_next = false;
        }
        return;
    }
    int mode = (v >> 1) & 7;
    c->mode = (uint8_t)(mode > 5 ? mode - 4 : mode); /* 6, 7 alias 2, 3 */
    c->rw = (uint8_t)rw;
    c->bcd = v & 1;
    c->write_msb_next = c->read_msb_next = false;
    c->count_latched = c->status_latched = false;
    c->counting = false;
    c->null_count = true;
    if (c->bcd)
        log_mask_printf(LOG_UNIMP, "pit: BCD counting treated as binary\n");
    update(p, sel);
}

static void write_counter(struct pit8254 *p, int ch, uint8_t v)
{
    struct pit_channel *c = &p->ch[ch];
    uint32_t count;
    switch (c->rw) {
    case 1: count = v; break;
    case 2: count = (uint32_t)v << 8; break;
    default:
        if (!c->write_msb_next) {
            c->write_lsb = v;
            c->write_msb_next = true;
            return;
        }
        c->write_msb_next = false;
        count = c->write_lsb | (uint32_t)v << 8;
        break;
    }
    start_counting(p, c, count);
    update(p, ch);
}

static uint8_t read_counter(struct pit8254 *p, int ch)
{
    struct pit_channel *c = &p->ch[ch];
    if (c->status_latched) {
        c->status_latched = false;
        return c->latched_status;
    }
    uint16_t v;
    bool msb;
    if (c->count_latched) {
        v = c->latched_count;
        if (c->rw == 3) {
            msb = c->latch_msb_next;
            c->latch_msb_next = !msb;
            c->count_latched = !msb;
        } else {
            msb = c->rw == 2;
            c->count_latched = false;
        }
        return msb ? v >> 8 : v & 0xFF;
    }
    v = pit_counter_value(p, ch);
    if (c->rw == 3) {
        msb = c->read_msb_next;
        c->read_msb_next = !msb;
    } else {
        msb = c->rw == 2;
    }
    return msb ? v >> 8 : v & 0xFF;
}

static uint64_t port61_read(void *opaque, uint64_t offset, unsigned size)
{
    struct pit8254 *p = opaque;
    (void)offset, (void)size;
    /* Bit 4 toggles with each DRAM refresh request (every 15.085 us); BIOS
     * delay loops count its edges. */
    bool refresh = (clock_now(p->clock) / 15085) & 1;
    return (uint32_t)(p->ch[2].gate | (p->speaker_enable << 1) | (refresh << 4) |
                      (pit_output(p, 2) << 5));
}

static void port61_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct pit8254 *p = opaque;
    (void)offset, (void)size;
    p->speaker_enable = val & 2;
    pit_set_gate(p, 2, val & 1);
}

static uint64_t pit_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)size;
    if (offset == 3)
        return 0xFF; /* the control register is write-only */
    return read_counter(opaque, (int)offset);
}

static void pit_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    (void)size;
    if (offset == 3)
        write_control(opaque, (uint8_t)val);
    else
        write_counter(opaque, (int)offset, (uint8_t)val);
}

static const struct mmu_io_ops pit_ops = {pit_read, pit_write, MMU_WIDTH_1};
static const struct mmu_io_ops port61_ops = {port61_read, port61_write, MMU_WIDTH_1};

bool pit_register_io(struct pit8254 *p, struct mmu_io_space *io)
{
    return mmu_io_register(io, 0x40, 4, &pit_ops, p) &&
           mmu_io_register(io, 0x61, 1, &port61_ops, p);
}

void pit_reset(struct pit8254 *p)
{
    for (int i = 0; i < 3; i++) {
        struct pit_channel *c = &p->ch[i];
        timer_del(&c->timer);
        struct hw_timer t = c->timer;
        *c = (struct pit_channel){.timer = t, .gate = i != 2, .count = 0x10000, .rw = 3};
    }
    p->speaker_enable = false;
    irq_lower(&p->irq0);
}

void pit_init(struct pit8254 *p, struct hw_clock *clock)
{
    *p = (struct pit8254){.clock = clock};
    for (int i = 0; i < 3; i++)
        timer_init(&p->ch[i].timer, clock, pit_timer_cb, p);
    pit_reset(p);
}

static const struct vms_field pit_channel_fields[] = {
    VMS_FIELD(struct pit_channel, count, VMS_U32),
    VMS_FIELD(struct pit_channel, load_ns, VMS_I64),
    VMS_FIELD(struct pit_channel, mode, VMS_U8),
    VMS_FIELD(struct pit_channel, rw, VMS_U8),
    VMS_FIELD(struct pit_channel, bcd, VMS_BOOL),
    VMS_FIELD(struct pit_channel, gate, VMS_BOOL),
    VMS_FIELD(struct pit_channel, counting, VMS_BOOL),
    VMS_FIELD(struct pit_channel, write_msb_next, VMS_BOOL),
    VMS_FIELD(struct pit_channel, read_msb_next, VMS_BOOL),
    VMS_FIELD(struct pit_channel, write_lsb, VMS_U8),
    VMS_FIELD(struct pit_channel, count_latched, VMS_BOOL),
    VMS_FIELD(struct pit_channel, status_latched, VMS_BOOL),
    VMS_FIELD(struct pit_channel, latch_msb_next, VMS_BOOL),
    VMS_FIELD(struct pit_channel, latched_count, VMS_U16),
    VMS_FIELD(struct pit_channel, latched_status, VMS_U8),
    VMS_FIELD(struct pit_channel, null_count, VMS_BOOL),
    VMS_FIELD(struct pit_channel, frozen, VMS_U16),
    VMS_FIELD(struct pit_channel, out_level, VMS_BOOL),
    VMS_FIELD(struct pit_channel, timer, VMS_TIMER),
    VMS_END,
};

static const struct vms_desc pit_channel_vmstate = {
    .name = "pit-channel",
    .version = 1,
    .min_version = 1,
    .fields = pit_channel_fields,
};

static bool pit_post_load(void *opaque)
{
    struct pit8254 *p = opaque;
    for (int i = 0; i < 3; i++) {
        struct pit_channel *c = &p->ch[i];
        if (c->count == 0 || c->count > 0x10000 || c->mode > 5 || c->rw == 0 || c->rw > 3)
            return false;
    }
    irq_set(&p->irq0, p->ch[0].out_level);
    return true;
}

static const struct vms_field pit_fields[] = {
    {.name = "ch",
     .type = VMS_STRUCT,
     .offset = offsetof(struct pit8254, ch),
     .size = sizeof(struct pit_channel),
     .count = 3,
     .sub = &pit_channel_vmstate},
    VMS_FIELD(struct pit8254, speaker_enable, VMS_BOOL),
    VMS_END,
};

const struct vms_desc pit_vmstate = {
    .name = "pit8254",
    .version = 1,
    .min_version = 1,
    .fields = pit_fields,
    .post_load = pit_post_load,
};
