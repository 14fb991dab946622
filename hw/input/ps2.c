/* PS/2 keyboard and mouse, IBM PS/2 Hardware Interface Technical Reference
 * ("Keyboard and Auxiliary Device Controller", keyboard and mouse command
 * sets) and Microsoft's IntelliMouse extension (sample-rate knock 200,100,80). */
#include "ps2.h"

#include <stddef.h>

enum {
    PS2_ACK = 0xFA,
    PS2_RESEND = 0xFE,
    PS2_BAT_OK = 0xAA,
    PS2_ECHO = 0xEE,
};

/* Scancode set 1 make code -> set 2 code for the keys of a 102-key keyboard
 * (IBM PS/2 Technical Reference, keyboard scan code tables). Extended keys
 * use the same byte after an E0 prefix in both sets. */
static const uint8_t set1_to_set2[0x59] = {
    [0x01] = 0x76, [0x02] = 0x16, [0x03] = 0x1E, [0x04] = 0x26, [0x05] = 0x25, [0x06] = 0x2E,
    [0x07] = 0x36, [0x08] = 0x3D, [0x09] = 0x3E, [0x0A] = 0x46, [0x0B] = 0x45, [0x0C] = 0x4E,
    [0x0D] = 0x55, [0x0E] = 0x66, [0x0F] = 0x0D, [0x10] = 0x15, [0x11] = 0x1D, [0x12] = 0x24,
    [0x13] = 0x2D, [0x14] = 0x2C, [0x15] = 0x35, [0x16] = 0x3C, [0x17] = 0x43, [0x18] = 0x44,
    [0x19] = 0x4D, [0x1A] = 0x54, [0x1B] = 0x5B, [0x1C] = 0x5A, [0x1D] = 0x14, [0x1E] = 0x1C,
    [0x1F] = 0x1B, [0x20] = 0x23, [0x21] = 0x2B, [0x22] = 0x34, [0x23] = 0x33, [0x24] = 0x3B,
    [0x25] = 0x42, [0x26] = 0x4B, [0x27] = 0x4C, [0x28] = 0x52, [0x29] = 0x0E, [0x2A] = 0x12,
    [0x2B] = 0x5D, [0x2C] = 0x1A, [0x2D] = 0x22, [0x2E] = 0x21, [0x2F] = 0x2A, [0x30] = 0x32,
    [0x31] = 0x31, [0x32] = 0x3A, [0x33] = 0x41, [0x34] = 0x49, [0x35] = 0x4A, [0x36] = 0x59,
    [0x37] = 0x7C, [0x38] = 0x11, [0x39] = 0x29, [0x3A] = 0x58, [0x3B] = 0x05, [0x3C] = 0x06,
    [0x3D] = 0x04, [0x3E] = 0x0C, [0x3F] = 0x03, [0x40] = 0x0B, [0x41] = 0x83, [0x42] = 0x0A,
    [0x43] = 0x01, [0x44] = 0x09, [0x45] = 0x77, [0x46] = 0x7E, [0x47] = 0x6C, [0x48] = 0x75,
    [0x49] = 0x7D, [0x4A] = 0x7B, [0x4B] = 0x6B, [0x4C] = 0x73, [0x4D] = 0x74, [0x4E] = 0x79,
    [0x4F] = 0x69, [0x50] = 0x72, [0x51] = 0x7A, [0x52] = 0x70, [0x53] = 0x71, [0x54] = 0x84,
    [0x56] = 0x61, [0x57] = 0x78, [0x58] = 0x07,
};

/* Extended keys whose set-1 code is beyond the table above. */
static uint8_t ext_set1_to_set2(uint8_t c)
{
    switch (c) {
    case 0x5B: return 0x1F; /* left Windows */
    case 0x5C: return 0x27; /* right Windows */
    case 0x5D: return 0x2F; /* Menu */
    default: return c < sizeof(set1_to_set2) ? set1_to_set2[c] : 0;
    }
}

uint8_t ps2_set2_to_set1(uint8_t code)
{
    if (code == 0x1F)
        return 0x5B;
    if (code == 0x27)
        return 0x5C;
    if (code == 0x2F)
        return 0x5D;
    for (unsigned i = 1; i < sizeof(set1_to_set2); i++) {
        if (set1_to_set2[i] == code)
            return (uint8_t)i;
    }
    return 0;
}

static void queue_push(struct ps2_port *p, uint8_t b)
{
    struct ps2_queue *q = &p->q;
    if (q->count == PS2_QUEUE_SIZE)
        return; /* the device buffer overflows: the byte is lost, as on hardware */
    q->data[(q->head + q->count) % PS2_QUEUE_SIZE] = b;
    q->count++;
    if (p->notify)
        p->notify(p->opaque);
}

static void queue_clear(struct ps2_port *p)
{
    p->q.head = p->q.count = 0;
}

bool ps2_has_data(const struct ps2_port *p)
{
    return p->q.count != 0;
}

uint8_t ps2_read(struct ps2_port *p)
{
    struct ps2_queue *q = &p->q;
    if (q->count == 0)
        return 0;
    uint8_t b = q->data[q->head];
    q->head = (q->head + 1) % PS2_QUEUE_SIZE;
    q->count--;
    return b;
}

/* ---- keyboard ---- */

void ps2_kbd_reset(struct ps2_kbd *k)
{
    k->scanning = true;
    k->scancode_set = 2;
    k->leds = 0;
    k->typematic = 0x2B; /* 10.9 cps, 500 ms */
    k->port.pending_cmd = 0;
    queue_clear(&k->port);
}

static void kbd_param(struct ps2_kbd *k, uint8_t cmd, uint8_t b)
{
    switch (cmd) {
    case 0xED: k->leds = b & 7; break;
    case 0xF3: k->typematic = b & 0x7F; break;
    case 0xF0:
        if (b == 0) {
            queue_push(&k->port, PS2_ACK);
            queue_push(&k->port, k->scancode_set);
            return;
        }
        if (b == 1 || b == 2) {
            k->scancode_set = b;
        } else {
            queue_push(&k->port, PS2_RESEND); /* set 3 is not offered */
            return;
        }
        break;
    }
    queue_push(&k->port, PS2_ACK);
}

void ps2_kbd_write(struct ps2_kbd *k, uint8_t b)
{
    uint8_t cmd = k->port.pending_cmd;
    if (cmd) {
        k->port.pending_cmd = 0;
        /* A command byte where a parameter was expected starts that command. */
        if (b < 0xED) {
            kbd_param(k, cmd, b);
            return;
        }
    }
    switch (b) {
    case 0xFF:
        ps2_kbd_reset(k);
        queue_push(&k->port, PS2_ACK);
        queue_push(&k->port, PS2_BAT_OK);
        break;
    case 0xF6: /* set defaults */
        ps2_kbd_reset(k);
        queue_push(&k->port, PS2_ACK);
        break;
    case 0xF5:
        ps2_kbd_reset(k);
        k->scanning = false;
        queue_push(&k->port, PS2_ACK);
        break;
    case 0xF4:
        queue_clear(&k->port);
        k->scanning = true;
        queue_push(&k->port, PS2_ACK);
        break;
    case 0xF2: /* identify: MF2 keyboard */
        queue_push(&k->port, PS2_ACK);
        queue_push(&k->port, 0xAB);
        queue_push(&k->port, 0x83);
        break;
    case 0xEE: queue_push(&k->port, PS2_ECHO); break;
    case 0xED:
    case 0xF0:
    case 0xF3:
        k->port.pending_cmd = b;
        queue_push(&k->port, PS2_ACK);
        break;
    case 0xFE: queue_push(&k->port, PS2_ACK); break; /* nothing to resend */
    default: queue_push(&k->port, PS2_RESEND); break;
    }
}

/* One key's make or break code in the current set, without tracking it. */
static void send_key(struct ps2_kbd *k, uint8_t set1_code, bool extended, bool pressed)
{
    if (k->scancode_set == 1) {
        if (extended)
            queue_push(&k->port, 0xE0);
        queue_push(&k->port, (uint8_t)(set1_code | (pressed ? 0 : 0x80)));
        return;
    }
    uint8_t c = extended ? ext_set1_to_set2(set1_code)
                         : (set1_code < sizeof(set1_to_set2) ? set1_to_set2[set1_code] : 0);
    if (!c)
        return;
    if (extended)
        queue_push(&k->port, 0xE0);
    if (!pressed)
        queue_push(&k->port, 0xF0);
    queue_push(&k->port, c);
}

enum { PS2_MOD_SHIFT = 1, PS2_MOD_CTRL = 2, PS2_MOD_ALT = 4 };

/* The modifier bit of a key, separately for the left and right keys so that
 * releasing one leaves the other held. */
static uint8_t mod_bit(uint8_t set1_code, bool extended)
{
    switch (set1_code) {
    case 0x2A: return extended ? 0 : PS2_MOD_SHIFT;
    case 0x36: return extended ? 0 : PS2_MOD_SHIFT << 4;
    case 0x1D: return (uint8_t)(extended ? PS2_MOD_CTRL << 4 : PS2_MOD_CTRL);
    case 0x38: return (uint8_t)(extended ? PS2_MOD_ALT << 4 : PS2_MOD_ALT);
    default: return 0;
    }
}

static bool mod_held(const struct ps2_kbd *k, uint8_t mod)
{
    return (k->mods & (mod | mod << 4)) != 0;
}

void ps2_kbd_key(struct ps2_kbd *k, uint8_t set1_code, bool extended, bool pressed)
{
    if (set1_code == 0 || set1_code >= 0x80)
        return;
    uint8_t bit = mod_bit(set1_code, extended);
    k->mods = (uint8_t)(pressed ? k->mods | bit : k->mods & ~bit);
    if (k->scanning)
        send_key(k, set1_code, extended, pressed);
}

static void send_print(struct ps2_kbd *k, bool pressed)
{
    if (mod_held(k, PS2_MOD_ALT)) {
        send_key(k, 0x54, false, pressed); /* SysRq */
        return;
    }
    /* Alone, the key wraps itself in a fake left Shift: E0 2A ... E0 AA. */
    bool fake_shift = !mod_held(k, PS2_MOD_SHIFT | PS2_MOD_CTRL);
    if (fake_shift && pressed)
        send_key(k, 0x2A, true, true);
    send_key(k, 0x37, true, pressed);
    if (fake_shift && !pressed)
        send_key(k, 0x2A, true, false);
}

static void send_pause(struct ps2_kbd *k, bool pressed)
{
    if (!pressed)
        return; /* Pause has no break code: its make sequence carries both */
    if (mod_held(k, PS2_MOD_CTRL)) {
        send_key(k, 0x46, true, true); /* Break */
        send_key(k, 0x46, true, false);
        return;
    }
    /* E1 with Ctrl (1D) and Num Lock (45), made then broken. */
    queue_push(&k->port, 0xE1);
    send_key(k, 0x1D, false, true);
    send_key(k, 0x45, false, true);
    queue_push(&k->port, 0xE1);
    send_key(k, 0x1D, false, false);
    send_key(k, 0x45, false, false);
}

void ps2_kbd_key_special(struct ps2_kbd *k, enum ps2_special_key key, bool pressed)
{
    if (!k->scanning)
        return;
    if (key == PS2_KEY_PRINT)
        send_print(k, pressed);
    else if (key == PS2_KEY_PAUSE)
        send_pause(k, pressed);
}

/* ---- mouse ---- */

void ps2_mouse_reset(struct ps2_mouse *m)
{
    m->streaming = m->remote = m->wrap = false;
    m->sample_rate = 100;
    m->resolution = 2; /* 4 counts/mm */
    m->scaling = 1;
    m->id = 0;
    m->knock[0] = m->knock[1] = m->knock[2] = 0;
    m->dx = m->dy = m->dz = 0;
    m->port.pending_cmd = 0;
    queue_clear(&m->port);
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* One movement packet (3 bytes, 4 with the wheel), consuming what fits. */
static void mouse_send_packet(struct ps2_mouse *m)
{
    int dx = clamp(m->dx, -256, 255), dy = clamp(m->dy, -256, 255);
    int dz = clamp(m->dz, -8, 7);
    uint8_t b0 = (uint8_t)(0x08 | (m->buttons & 7) | (dx < 0 ? 0x10 : 0) | (dy < 0 ? 0x20 : 0));
    if (m->dx != dx)
        b0 |= 0x40;
    if (m->dy != dy)
        b0 |= 0x80;
    queue_push(&m->port, b0);
    queue_push(&m->port, (uint8_t)dx);
    queue_push(&m->port, (uint8_t)dy);
    if (m->id == 3)
        queue_push(&m->port, (uint8_t)(dz & 0x0F));
    m->dx -= dx;
    m->dy -= dy;
    m->dz -= m->id == 3 ? dz : m->dz;
}

void ps2_mouse_event(struct ps2_mouse *m, int dx, int dy, int dz, uint8_t buttons)
{
    m->dx = clamp(m->dx + dx, -4096, 4096);
    m->dy = clamp(m->dy + dy, -4096, 4096);
    m->dz = clamp(m->dz + dz, -64, 64);
    m->buttons = buttons & 7;
    if (!m->streaming || m->remote)
        return;
    /* Leave room in the queue: a full packet or nothing. */
    while (PS2_QUEUE_SIZE - m->port.q.count >= 4) {
        mouse_send_packet(m);
        if (!m->dx && !m->dy && !m->dz)
            break;
    }
}

static void mouse_param(struct ps2_mouse *m, uint8_t cmd, uint8_t b)
{
    if (cmd == 0xF3) {
        m->sample_rate = b;
        m->knock[0] = m->knock[1];
        m->knock[1] = m->knock[2];
        m->knock[2] = b;
        if (m->knock[0] == 200 && m->knock[1] == 100 && m->knock[2] == 80)
            m->id = 3;
    } else if (cmd == 0xE8) {
        m->resolution = b & 3;
    }
    queue_push(&m->port, PS2_ACK);
}

void ps2_mouse_write(struct ps2_mouse *m, uint8_t b)
{
    if (m->wrap && b != 0xEC && b != 0xFF) {
        queue_push(&m->port, b); /* wrap mode echoes */
        return;
    }
    uint8_t cmd = m->port.pending_cmd;
    if (cmd) {
        m->port.pending_cmd = 0;
        mouse_param(m, cmd, b);
        return;
    }
    switch (b) {
    case 0xFF:
        ps2_mouse_reset(m);
        queue_push(&m->port, PS2_ACK);
        queue_push(&m->port, PS2_BAT_OK);
        queue_push(&m->port, 0x00);
        return;
    case 0xF6: {
        uint8_t id = m->id;
        ps2_mouse_reset(m);
        m->id = id;
        break;
    }
    case 0xF5: m->streaming = false; break;
    case 0xF4: m->streaming = true; break;
    case 0xF3:
    case 0xE8: m->port.pending_cmd = b; break;
    case 0xF2:
        queue_push(&m->port, PS2_ACK);
        queue_push(&m->port, m->id);
        return;
    case 0xF0: m->remote = true; break;
    case 0xEA: m->remote = false; break;
    case 0xEE: m->wrap = true; break;
    case 0xEC: m->wrap = false; break;
    case 0xEB: /* read data (remote mode) */
        queue_push(&m->port, PS2_ACK);
        mouse_send_packet(m);
        return;
    case 0xE9: /* status request */
        queue_push(&m->port, PS2_ACK);
        queue_push(&m->port, (uint8_t)((m->remote << 6) | (m->streaming << 5) |
                                       ((m->scaling == 2) << 4) | (m->buttons & 1) << 2 |
                                       (m->buttons & 4) >> 1 | (m->buttons & 2) >> 1));
        queue_push(&m->port, m->resolution);
        queue_push(&m->port, m->sample_rate);
        return;
    case 0xE7: m->scaling = 2; break;
    case 0xE6: m->scaling = 1; break;
    case 0xFE: break;
    default: queue_push(&m->port, PS2_RESEND); return;
    }
    queue_push(&m->port, PS2_ACK);
}

static const struct vms_field ps2_queue_fields[] = {
    VMS_ARRAY(struct ps2_queue, data, VMS_U8),
    VMS_FIELD(struct ps2_queue, head, VMS_U8),
    VMS_FIELD(struct ps2_queue, count, VMS_U8),
    VMS_END,
};

static const struct vms_desc ps2_queue_vmstate = {
    .name = "ps2-queue",
    .version = 1,
    .min_version = 1,
    .fields = ps2_queue_fields,
};

static bool queue_valid(const struct ps2_queue *q)
{
    return q->head < PS2_QUEUE_SIZE && q->count <= PS2_QUEUE_SIZE;
}

static bool kbd_post_load(void *opaque)
{
    struct ps2_kbd *k = opaque;
    return queue_valid(&k->port.q) && (k->scancode_set == 1 || k->scancode_set == 2);
}

static bool mouse_post_load(void *opaque)
{
    struct ps2_mouse *m = opaque;
    return queue_valid(&m->port.q);
}

static const struct vms_field ps2_kbd_fields[] = {
    VMS_SUB(struct ps2_kbd, port.q, &ps2_queue_vmstate),
    VMS_FIELD(struct ps2_kbd, port.pending_cmd, VMS_U8),
    VMS_FIELD(struct ps2_kbd, scanning, VMS_BOOL),
    VMS_FIELD(struct ps2_kbd, scancode_set, VMS_U8),
    VMS_FIELD(struct ps2_kbd, leds, VMS_U8),
    VMS_FIELD(struct ps2_kbd, typematic, VMS_U8),
    VMS_END,
};

const struct vms_desc ps2_kbd_vmstate = {
    .name = "ps2-kbd",
    .version = 1,
    .min_version = 1,
    .fields = ps2_kbd_fields,
    .post_load = kbd_post_load,
};

static const struct vms_field ps2_mouse_fields[] = {
    VMS_SUB(struct ps2_mouse, port.q, &ps2_queue_vmstate),
    VMS_FIELD(struct ps2_mouse, port.pending_cmd, VMS_U8),
    VMS_FIELD(struct ps2_mouse, streaming, VMS_BOOL),
    VMS_FIELD(struct ps2_mouse, remote, VMS_BOOL),
    VMS_FIELD(struct ps2_mouse, wrap, VMS_BOOL),
    VMS_FIELD(struct ps2_mouse, sample_rate, VMS_U8),
    VMS_FIELD(struct ps2_mouse, resolution, VMS_U8),
    VMS_FIELD(struct ps2_mouse, scaling, VMS_U8),
    VMS_FIELD(struct ps2_mouse, id, VMS_U8),
    VMS_ARRAY(struct ps2_mouse, knock, VMS_U8),
    VMS_FIELD(struct ps2_mouse, buttons, VMS_U8),
    VMS_FIELD(struct ps2_mouse, dx, VMS_I32),
    VMS_FIELD(struct ps2_mouse, dy, VMS_I32),
    VMS_FIELD(struct ps2_mouse, dz, VMS_I32),
    VMS_END,
};

const struct vms_desc ps2_mouse_vmstate = {
    .name = "ps2-mouse",
    .version = 1,
    .min_version = 1,
    .fields = ps2_mouse_fields,
    .post_load = mouse_post_load,
};
