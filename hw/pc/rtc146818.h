/* MC146818 real-time clock and CMOS NVRAM at ports 0x70/0x71, IRQ8.
 * Motorola MC146818A datasheet: time/alarm registers, registers A-D, BCD and
 * binary, 12/24-hour, periodic/alarm/update-ended interrupts. */
#ifndef JIT86_HW_PC_RTC146818_H
#define JIT86_HW_PC_RTC146818_H

#include "hw/core/clock.h"
#include "hw/core/irq.h"
#include "hw/core/vmstate.h"
#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stdint.h>

#define RTC_REG_A   0x0A
#define RTC_REG_B   0x0B
#define RTC_REG_C   0x0C
#define RTC_REG_D   0x0D
#define RTC_CENTURY 0x32 /* IBM PC/AT convention */

struct rtc146818 {
    struct hw_clock *clock;
    uint8_t cmos[128];
    uint8_t index;
    bool nmi_disabled; /* port 0x70 bit 7, routed to the board's NMI gate */
    int64_t base_sec;  /* Unix time at virtual time base_ns */
    int64_t base_ns;
    struct irq_line irq;
    struct hw_timer second_timer;   /* update cycle, once per second */
    struct hw_timer periodic_timer; /* RS rate while PIE is set */
};

/* base_sec: Unix time the RTC shows at virtual time 0 (the board passes the
 * host time, or -rtc base=). */
void rtc_init(struct rtc146818 *r, struct hw_clock *clock, int64_t base_sec);
void rtc_reset(struct rtc146818 *r);
/* NVRAM bytes the board fills (memory size, equipment, boot order). */
void rtc_set_cmos(struct rtc146818 *r, uint8_t index, uint8_t val);
uint8_t rtc_get_cmos(struct rtc146818 *r, uint8_t index);
/* The time the clock shows now, as Unix seconds. */
int64_t rtc_now_sec(const struct rtc146818 *r);

/* Registers the index (base) and data (base + 1) ports, 0x70 on the PC. */
bool rtc_register_io(struct rtc146818 *r, struct mmu_io_space *io, uint16_t base);

/* Parses the base of -rtc base=utc|localtime|YYYY-MM-DD[THH:MM:SS] into Unix
 * seconds; "utc"/"localtime" use host_now. Returns false on a bad date. */
bool rtc_parse_base(const char *spec, int64_t host_now, int64_t *out);

extern const struct vms_desc rtc_vmstate;

#endif
