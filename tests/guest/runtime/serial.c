/* Guest test runtime: COM1 output (16550 UART, polled on LSR.THRE; NS16550A
 * datasheet) and exit through QEMU's isa-debug-exit port 0xF4. */
#include "runtime.h"

#define COM1 0x3F8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20
#define LCR_DLAB 0x80
#define DEBUG_EXIT_PORT 0xF4

void rt_serial_init(void);
void rt_serial_init(void)
{
    rt_outb(COM1 + UART_IER, 0x00);
    rt_outb(COM1 + UART_LCR, LCR_DLAB);
    rt_outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
    rt_outb(COM1 + 1, 0x00);
    rt_outb(COM1 + UART_LCR, 0x03); /* 8N1 */
    rt_outb(COM1 + UART_FCR, 0x07); /* enable and clear FIFOs */
    rt_outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

static void uart_put(char c)
{
    /* Bounded wait: a UART that never drains must not hang the test forever. */
    for (int i = 0; i < 1000000; i++)
        if (rt_inb(COM1 + UART_LSR) & LSR_THRE)
            break;
    rt_outb(COM1 + UART_THR, (uint8_t)c);
}

void rt_putc(char c)
{
    if (c == '\n')
        uart_put('\r');
    uart_put(c);
}

void rt_puts(const char *s)
{
    while (*s)
        rt_putc(*s++);
}

void rt_exit(int code)
{
    /* isa-debug-exit makes the emulator exit with status (code << 1) | 1. */
    rt_outb(DEBUG_EXIT_PORT, (uint8_t)code);
    for (;;)
        __asm__ volatile("cli; hlt");
}
