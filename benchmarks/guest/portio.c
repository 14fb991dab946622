/* Benchmark: port I/O: POST-code writes to port 0x80, CMOS RAM writes and
 * read-backs through ports 0x70/0x71, the slave PIC's mask register (0xA1)
 * and the COM1 scratch register (0x3FF). Only values written and read back
 * are folded into the checksum: nothing depends on the time of day. */
#include "bench.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_FREE 0x40 /* 16 bytes of CMOS RAM no RTC register lives in */
#define PIC2_IMR 0xA1
#define COM1_SCRATCH 0x3FF
#define POST 0x80

int main(void)
{
    uint32_t rounds = BENCH_SIZE(1500000u, 4000u);
    uint32_t h = 0x811c9dc5u;
    for (uint32_t r = 0; r < rounds; r++) {
        uint8_t v = (uint8_t)(r * 37u + (r >> 8));
        uint8_t reg = CMOS_FREE + (r & 15);
        rt_outb(POST, v);
        rt_outb(CMOS_INDEX, reg);
        rt_outb(CMOS_DATA, v);
        rt_outb(CMOS_INDEX, reg);
        h = bench_mix(h, rt_inb(CMOS_DATA));
        rt_outb(PIC2_IMR, v | 0x80);
        h += rt_inb(PIC2_IMR);
        rt_outb(COM1_SCRATCH, (uint8_t)~v);
        h += (uint32_t)rt_inb(COM1_SCRATCH) << 8;
    }
    rt_outb(PIC2_IMR, 0xFF);
    return bench_report("portio", h);
}
