/* 16550A UART, PC16550D datasheet. Transmission is instantaneous (the byte
 * reaches the sink when written, THRE and TEMT stay set); reception goes
 * through the 16-byte FIFO with trigger levels and the character timeout. */
#include "uart16550.h"

#include "translator/log.h"

#include <stddef.h>

enum {
    IER_RDI = 0x01,
    IER_THRI = 0x02,
    IER_RLSI = 0x04,
    IER_MSI = 0x08,
    IIR_NONE = 0x01,
    IIR_MSI = 0x00,
    IIR_THRI = 0x02,
    IIR_RDI = 0x04,
    IIR_RLSI = 0x06,
    IIR_CTI = 0x0C,
    IIR_FIFO = 0xC0,
    FCR_ENABLE = 0x01,
    FCR_CLEAR_RX = 0x02,
    FCR_CLEAR_TX = 0x04,
    LCR_DLAB = 0x80,
    MCR_DTR = 0x01,
    MCR_RTS = 0x02,
    MCR_OUT1 = 0x04,
    MCR_OUT2 = 0x08,
    MCR_LOOP = 0x10,
    LSR_DR = 0x01,
    LSR_OE = 0x02,
    LSR_PE = 0x04,
    LSR_FE = 0x08,
    LSR_BI = 0x10,
    LSR_THRE = 0x20,
    LSR_TEMT = 0x40,
    LSR_FIFO_ERR = 0x80,
    LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI,
    MSR_DELTAS = 0x0F,
    MSR_CTS = 0x10,
    MSR_DSR = 0x20,
    MSR_RI = 0x40,
    MSR_DCD = 0x80,
};

static const uint8_t rx_trigger[4] = {1, 4, 8, 14};

static bool fifo_mode(const struct uart16550 *u)
{
    return u->fcr & FCR_ENABLE;
}

/* The identification of the highest-priority pending interrupt. */
static uint8_t pending_iir(const struct uart16550 *u)
{
    if ((u->ier & IER_RLSI) && (u->lsr & LSR_ERRORS))
        return IIR_RLSI;
    if (u->ier & IER_RDI) {
        if (fifo_mode(u) ? u->rx.count >= rx_trigger[u->fcr >> 6] : (u->lsr & LSR_DR))
            return IIR_RDI;
        if (u->timeout_ipending)
            return IIR_CTI;
    }
    if ((u->ier & IER_THRI) && u->thr_ipending)
        return IIR_THRI;
    if ((u->ier & IER_MSI) && (u->msr & MSR_DELTAS))
        return IIR_MSI;
    return IIR_NONE;
}

/* On the PC the UART's INTR reaches the PIC only through MCR.OUT2. */
static void update_irq(struct uart16550 *u)
{
    bool level = pending_iir(u) != IIR_NONE && (u->mcr & MCR_OUT2);
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(&u->irq, level);
    }
}

/* Four character times at the programmed rate (datasheet "FIFO Interrupt
 * Mode Operation"), a character being 10 bits on the line. */
static int64_t char_timeout_ns(const struct uart16550 *u)
{
    uint32_t div = u->divisor ? u->divisor : 0x10000;
    return (int64_t)clock_muldiv64(40ull * 16 * div, (uint32_t)NS_PER_SEC, UART_CLOCK_HZ);
}

static void rearm_timeout(struct uart16550 *u)
{
    u->timeout_ipending = false;
    if (fifo_mode(u) && u->rx.count)
        timer_mod(&u->timeout_timer, clock_now(u->clock) + char_timeout_ns(u));
    else
        timer_del(&u->timeout_timer);
}

static void timeout_cb(void *opaque)
{
    struct uart16550 *u = opaque;
    if (u->rx.count) {
        u->timeout_ipending = true;
        update_irq(u);
    }
}

static void rx_push(struct uart16550 *u, uint8_t b)
{
    if (!fifo_mode(u)) {
        if (u->lsr & LSR_DR)
            u->lsr |= LSR_OE;
        u->rbr = b;
        u->lsr |= LSR_DR;
        return;
    }
    if (u->rx.count == UART_FIFO_SIZE) {
        u->lsr |= LSR_OE; /* the byte is lost; FIFO contents are kept */
        return;
    }
    u->rx.data[(u->rx.head + u->rx.count) % UART_FIFO_SIZE] = b;
    u->rx.count++;
    u->lsr |= LSR_DR;
    rearm_timeout(u);
}

size_t uart_can_receive(const struct uart16550 *u)
{
    if (u->mcr & MCR_LOOP)
        return 0;
    if (fifo_mode(u))
        return UART_FIFO_SIZE - u->rx.count;
    return (u->lsr & LSR_DR) ? 0 : 1;
}

size_t uart_receive(struct uart16550 *u, const uint8_t *buf, size_t len)
{
    size_t n = uart_can_receive(u);
    if (n > len)
        n = len;
    for (size_t i = 0; i < n; i++)
        rx_push(u, buf[i]);
    update_irq(u);
    return n;
}

static uint8_t rx_pop(struct uart16550 *u)
{
    uint8_t b;
    if (!fifo_mode(u)) {
        b = u->rbr;
        u->lsr &= ~LSR_DR;
        return b;
    }
    if (u->rx.count == 0)
        return 0;
    b = u->rx.data[u->rx.head];
    u->rx.head = (u->rx.head + 1) % UART_FIFO_SIZE;
    if (--u->rx.count == 0)
        u->lsr &= ~LSR_DR;
    rearm_timeout(u);
    return b;
}

static void transmit(struct uart16550 *u, uint8_t b)
{
    if (u->mcr & MCR_LOOP) {
        rx_push(u, b);
    } else if (u->sink.write) {
        u->sink.write(u->sink.opaque, &b, 1);
    }
    /* The shift register empties at once: THR empty interrupt again. */
    u->lsr |= LSR_THRE | LSR_TEMT;
    u->thr_ipending = true;
}

/* MSR inputs: in loopback the outputs are wired back (datasheet MCR bit 4);
 * otherwise the line is "connected" with CTS, DSR and DCD asserted. */
static void update_msr(struct uart16550 *u)
{
    uint8_t lines;
    if (u->mcr & MCR_LOOP) {
        lines = (uint8_t)(((u->mcr & MCR_RTS) ? MSR_CTS : 0) | ((u->mcr & MCR_DTR) ? MSR_DSR : 0) |
                          ((u->mcr & MCR_OUT1) ? MSR_RI : 0) | ((u->mcr & MCR_OUT2) ? MSR_DCD : 0));
    } else {
        lines = MSR_CTS | MSR_DSR | MSR_DCD;
    }
    uint8_t changed = (u->msr ^ lines) & 0xF0;
    uint8_t deltas = (uint8_t)((changed & (MSR_CTS | MSR_DSR | MSR_DCD)) >> 4);
    /* TERI: RI went from on to off. */
    if ((changed & MSR_RI) && !(lines & MSR_RI))
        deltas |= 0x04;
    u->msr = (uint8_t)(lines | (u->msr & MSR_DELTAS) | deltas);
}

static void write_fcr(struct uart16550 *u, uint8_t v)
{
    if ((v ^ u->fcr) & FCR_ENABLE) {
        /* Switching FIFO mode clears both FIFOs (datasheet FCR bit 0). */
        v |= FCR_CLEAR_RX | FCR_CLEAR_TX;
    }
    if (v & FCR_CLEAR_RX) {
        u->rx.head = u->rx.count = 0;
        u->lsr &= ~(LSR_DR | LSR_FIFO_ERR);
        u->timeout_ipending = false;
        timer_del(&u->timeout_timer);
    }
    u->fcr = v & 0xC9; /* bits 1, 2 self-clear; 4, 5 reserved */
}

static void uart_io_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct uart16550 *u = opaque;
    uint8_t v = (uint8_t)val;
    (void)size;
    switch (offset & 7) {
    case 0:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0xFF00) | v);
        } else {
            u->thr_ipending = false;
            transmit(u, v);
        }
        break;
    case 1:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0x00FF) | v << 8);
        } else {
            /* Enabling ETBEI with THR empty raises the interrupt at once. */
            if ((v & IER_THRI) && !(u->ier & IER_THRI) && (u->lsr & LSR_THRE))
                u->thr_ipending = true;
            u->ier = v & 0x0F;
        }
        break;
    case 2: write_fcr(u, v); break;
    case 3: u->lcr = v; break;
    case 4:
        u->mcr = v & 0x1F;
        update_msr(u);
        break;
    case 5: log_mask_printf(LOG_GUEST_ERRORS, "uart: write to LSR ignored\n"); break;
    case 6: break; /* MSR is read-only */
    case 7: u->scr = v; break;
    }
    update_irq(u);
}

static uint64_t uart_io_read(void *opaque, uint64_t offset, unsigned size)
{
    struct uart16550 *u = opaque;
    uint8_t r = 0xFF;
    (void)size;
    switch (offset & 7) {
    case 0: r = (u->lcr & LCR_DLAB) ? (uint8_t)u->divisor : rx_pop(u); break;
    case 1: r = (u->lcr & LCR_DLAB) ? (uint8_t)(u->divisor >> 8) : u->ier; break;
    case 2:
        r = pending_iir(u);
        /* Reading IIR clears a THR-empty interrupt it reports. */
        if (r == IIR_THRI)
            u->thr_ipending = false;
        if (fifo_mode(u))
            r |= IIR_FIFO;
        break;
    case 3: r = u->lcr; break;
    case 4: r = u->mcr; break;
    case 5:
        r = u->lsr;
        if (fifo_mode(u) && (u->lsr & LSR_ERRORS))
            r |= LSR_FIFO_ERR;
        u->lsr &= ~(LSR_ERRORS | LSR_FIFO_ERR); /* errors clear on read */
        break;
    case 6:
        r = u->msr;
        u->msr &= ~MSR_DELTAS;
        break;
    case 7: r = u->scr; break;
    }
    update_irq(u);
    return r;
}

static const struct mmu_io_ops uart_ops = {uart_io_read, uart_io_write, MMU_WIDTH_1};

bool uart_register_io(struct uart16550 *u, struct mmu_io_space *io, uint16_t base)
{
    return mmu_io_register(io, base, 8, &uart_ops, u);
}

void uart_reset(struct uart16550 *u)
{
    timer_del(&u->timeout_timer);
    u->divisor = 12; /* 9600 baud: what firmware expects before it programs it */
    u->ier = u->lcr = u->mcr = u->scr = u->fcr = u->rbr = 0;
    u->lsr = LSR_THRE | LSR_TEMT;
    u->msr = 0;
    u->thr_ipending = u->timeout_ipending = false;
    u->rx.head = u->rx.count = 0;
    update_msr(u);
    u->msr &= ~MSR_DELTAS;
    u->irq_level = false;
    irq_lower(&u->irq);
}

void uart_init(struct uart16550 *u, struct hw_clock *clock)
{
    *u = (struct uart16550){.clock = clock};
    timer_init(&u->timeout_timer, clock, timeout_cb, u);
    uart_reset(u);
}

static const struct vms_field uart_fifo_fields[] = {
    VMS_ARRAY(struct uart_fifo, data, VMS_U8),
    VMS_FIELD(struct uart_fifo, head, VMS_U8),
    VMS_FIELD(struct uart_fifo, count, VMS_U8),
    VMS_END,
};

static const struct vms_desc uart_fifo_vmstate = {
    .name = "uart-fifo",
    .version = 1,
    .min_version = 1,
    .fields = uart_fifo_fields,
};

static bool uart_post_load(void *opaque)
{
    struct uart16550 *u = opaque;
    if (u->rx.head >= UART_FIFO_SIZE || u->rx.count > UART_FIFO_SIZE)
        return false;
    u->irq_level = pending_iir(u) != IIR_NONE && (u->mcr & MCR_OUT2);
    irq_set(&u->irq, u->irq_level);
    return true;
}

static const struct vms_field uart_fields[] = {
    VMS_FIELD(struct uart16550, divisor, VMS_U16),
    VMS_FIELD(struct uart16550, ier, VMS_U8),
    VMS_FIELD(struct uart16550, lcr, VMS_U8),
    VMS_FIELD(struct uart16550, mcr, VMS_U8),
    VMS_FIELD(struct uart16550, lsr, VMS_U8),
    VMS_FIELD(struct uart16550, msr, VMS_U8),
    VMS_FIELD(struct uart16550, scr, VMS_U8),
    VMS_FIELD(struct uart16550, fcr, VMS_U8),
    VMS_FIELD(struct uart16550, rbr, VMS_U8),
    VMS_FIELD(struct uart16550, thr_ipending, VMS_BOOL),
    VMS_FIELD(struct uart16550, timeout_ipending, VMS_BOOL),
    VMS_FIELD(struct uart16550, irq_level, VMS_BOOL),
    VMS_SUB(struct uart16550, rx, &uart_fifo_vmstate),
    VMS_FIELD(struct uart16550, timeout_timer, VMS_TIMER),
    VMS_END,
};

const struct vms_desc uart_vmstate = {
    .name = "uart16550",
    .version = 1,
    .min_version = 1,
    .fields = uart_fields,
    .post_load = uart_post_load,
};
