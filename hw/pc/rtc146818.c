/* MC146818A RTC/CMOS, Motorola datasheet. The time is not ticked in the
 * registers: it is derived from virtual time when read, and a timer at each
 * second boundary models the update cycle (UF, alarm match). */
#include "rtc146818.h"

#include "translator/log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define REG_A_UIP     0x80
#define REG_B_SET     0x80
#define REG_B_PIE     0x40
#define REG_B_AIE     0x20
#define REG_B_UIE     0x10
#define REG_B_DM      0x04 /* binary, not BCD */
#define REG_B_24H     0x02
#define REG_C_IRQF    0x80
#define REG_C_PF      0x40
#define REG_C_AF      0x20
#define REG_C_UF      0x10
#define REG_D_VRT     0x80
#define UIP_WINDOW_NS 244000 /* UIP is high this long before each update */

static int64_t now_ns(const struct rtc146818 *r)
{
    return clock_now(r->clock);
}

int64_t rtc_now_sec(const struct rtc146818 *r)
{
    int64_t d = now_ns(r) - r->base_ns;
    return r->base_sec + (d >= 0 ? d / NS_PER_SEC : -((-d + NS_PER_SEC - 1) / NS_PER_SEC));
}

/* v is 0..99 for every caller (see latch_time). */
static uint8_t to_bcd(int v)
{
    return (uint8_t)(((v / 10) << 4) | (v % 10));
}

/* Non-negative remainder: a guest may set a year before 1900. */
static int mod100(int v)
{
    return ((v % 100) + 100) % 100;
}

static int from_bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 0x0F);
}

static uint8_t encode(const struct rtc146818 *r, int v)
{
    return (r->cmos[RTC_REG_B] & REG_B_DM) ? (uint8_t)v : to_bcd(v);
}

static int decode(const struct rtc146818 *r, uint8_t v)
{
    return (r->cmos[RTC_REG_B] & REG_B_DM) ? v : from_bcd(v);
}

static uint8_t encode_hour(const struct rtc146818 *r, int hour)
{
    if (r->cmos[RTC_REG_B] & REG_B_24H)
        return encode(r, hour);
    int h12 = hour % 12 ? hour % 12 : 12;
    return (uint8_t)(encode(r, h12) | (hour >= 12 ? 0x80 : 0));
}

static int decode_hour(const struct rtc146818 *r, uint8_t v)
{
    if (r->cmos[RTC_REG_B] & REG_B_24H)
        return decode(r, v);
    int h = decode(r, v & 0x7F) % 12;
    return (v & 0x80) ? h + 12 : h;
}

/* Writes the current time into registers 0-9 and the century byte. */
static void latch_time(struct rtc146818 *r)
{
    time_t t = (time_t)rtc_now_sec(r);
    struct tm tm;
    gmtime_r(&t, &tm);
    r->cmos[0x00] = encode(r, tm.tm_sec);
    r->cmos[0x02] = encode(r, tm.tm_min);
    r->cmos[0x04] = encode_hour(r, tm.tm_hour);
    r->cmos[0x06] = encode(r, tm.tm_wday + 1);
    r->cmos[0x07] = encode(r, tm.tm_mday);
    r->cmos[0x08] = encode(r, tm.tm_mon + 1);
    int year = tm.tm_year + 1900;
    r->cmos[0x09] = encode(r, mod100(year));
    r->cmos[RTC_CENTURY] = to_bcd(mod100((year - mod100(year)) / 100));
}

/* After the guest set the time (SET cleared): registers become the base. */
static void take_time_from_registers(struct rtc146818 *r)
{
    struct tm tm = {0};
    tm.tm_sec = decode(r, r->cmos[0x00]);
    tm.tm_min = decode(r, r->cmos[0x02]);
    tm.tm_hour = decode_hour(r, r->cmos[0x04]);
    tm.tm_mday = decode(r, r->cmos[0x07]);
    tm.tm_mon = decode(r, r->cmos[0x08]) - 1;
    tm.tm_year = from_bcd(r->cmos[RTC_CENTURY]) * 100 + decode(r, r->cmos[0x09]) - 1900;
    time_t t = timegm(&tm);
    r->base_sec = (int64_t)t;
    r->base_ns = now_ns(r);
}

static void update_irq(struct rtc146818 *r)
{
    uint8_t c = r->cmos[RTC_REG_C] & (REG_C_PF | REG_C_AF | REG_C_UF);
    uint8_t enabled = r->cmos[RTC_REG_B] & (REG_B_PIE | REG_B_AIE | REG_B_UIE);
    /* Flag bits and enable bits line up (PF/PIE, AF/AIE, UF/UIE). */
    if (c & enabled) {
        if (!(r->cmos[RTC_REG_C] & REG_C_IRQF)) {
            r->cmos[RTC_REG_C] |= REG_C_IRQF;
            irq_raise(&r->irq);
        }
    }
}

/* Alarm bytes with both top bits set match any value ("don't care"). */
static bool alarm_matches(const struct rtc146818 *r)
{
    static const int pairs[3][2] = {{0x01, 0x00}, {0x03, 0x02}, {0x05, 0x04}};
    for (int i = 0; i < 3; i++) {
        uint8_t alarm = r->cmos[pairs[i][0]];
        if ((alarm & 0xC0) != 0xC0 && alarm != r->cmos[pairs[i][1]])
            return false;
    }
    return true;
}

static int64_t next_second_boundary(const struct rtc146818 *r)
{
    int64_t d = now_ns(r) - r->base_ns;
    int64_t k = d >= 0 ? d / NS_PER_SEC + 1 : 0;
    return r->base_ns + k * NS_PER_SEC;
}

static void second_cb(void *opaque)
{
    struct rtc146818 *r = opaque;
    if (!(r->cmos[RTC_REG_B] & REG_B_SET)) {
        latch_time(r);
        r->cmos[RTC_REG_C] |= REG_C_UF;
        if (alarm_matches(r))
            r->cmos[RTC_REG_C] |= REG_C_AF;
        update_irq(r);
    }
    timer_mod(&r->second_timer, next_second_boundary(r));
}

/* Periodic interrupt period from RS (register A bits 3-0), 32.768 kHz base. */
static int64_t periodic_period_ns(const struct rtc146818 *r)
{
    int rs = r->cmos[RTC_REG_A] & 0x0F;
    if (rs == 0)
        return 0;
    if (rs <= 2)
        rs += 7; /* RS 1, 2 repeat rates 8, 9 on a 32.768 kHz base */
    int64_t hz = 32768 >> (rs - 1);
    return NS_PER_SEC / hz;
}

static void periodic_arm(struct rtc146818 *r)
{
    int64_t period = periodic_period_ns(r);
    if (!(r->cmos[RTC_REG_B] & REG_B_PIE) || period == 0) {
        timer_del(&r->periodic_timer);
        return;
    }
    int64_t now = now_ns(r);
    timer_mod(&r->periodic_timer, now - now % period + period);
}

static void periodic_cb(void *opaque)
{
    struct rtc146818 *r = opaque;
    r->cmos[RTC_REG_C] |= REG_C_PF;
    update_irq(r);
    int64_t period = periodic_period_ns(r);
    if (period)
        timer_mod(&r->periodic_timer, r->periodic_timer.expire_ns + period);
}

/* Seconds, minutes, hours, day of week, date, month, year, century. */
static bool is_time_register(uint8_t idx)
{
    return idx == 0x00 || idx == 0x02 || idx == 0x04 || (idx >= 0x06 && idx <= 0x09) ||
           idx == RTC_CENTURY;
}

static uint8_t read_reg(struct rtc146818 *r, uint8_t idx)
{
    if (is_time_register(idx)) {
        if (!(r->cmos[RTC_REG_B] & REG_B_SET))
            latch_time(r);
        return r->cmos[idx];
    }
    switch (idx) {
    case RTC_REG_A: {
        uint8_t a = r->cmos[RTC_REG_A] & ~REG_A_UIP;
        int64_t frac = (now_ns(r) - r->base_ns) % NS_PER_SEC;
        if (!(r->cmos[RTC_REG_B] & REG_B_SET) && frac >= NS_PER_SEC - UIP_WINDOW_NS)
            a |= REG_A_UIP;
        return a;
    }
    case RTC_REG_C: {
        /* Reading C acknowledges every flag and releases IRQ8. */
        uint8_t c = r->cmos[RTC_REG_C];
        r->cmos[RTC_REG_C] = 0;
        if (c & REG_C_IRQF)
            irq_lower(&r->irq);
        return c;
    }
    case RTC_REG_D: return REG_D_VRT;
    default: return r->cmos[idx];
    }
}

static void write_reg(struct rtc146818 *r, uint8_t idx, uint8_t v)
{
    switch (idx) {
    case RTC_REG_A:
        r->cmos[RTC_REG_A] = v & 0x7F; /* UIP is read-only */
        periodic_arm(r);
        break;
    case RTC_REG_B: {
        uint8_t old = r->cmos[RTC_REG_B];
        if ((v & REG_B_SET) && !(old & REG_B_SET)) {
            latch_time(r);   /* freeze: the guest now edits these registers */
            v &= ~REG_B_UIE; /* SET clears UIE (datasheet, register B) */
        }
        r->cmos[RTC_REG_B] = v;
        if (!(v & REG_B_SET) && (old & REG_B_SET))
            take_time_from_registers(r);
        else if (!(v & REG_B_SET))
            latch_time(r); /* a DM or 24/12 change re-encodes the time */
        periodic_arm(r);
        update_irq(r);
        break;
    }
    case RTC_REG_C:
    case RTC_REG_D:
        log_mask_printf(LOG_GUEST_ERRORS, "rtc: write to read-only register %#x\n", idx);
        break;
    default:
        if (!is_time_register(idx) || (r->cmos[RTC_REG_B] & REG_B_SET)) {
            r->cmos[idx] = v;
        } else {
            /* Setting one field of a running clock keeps the others. */
            latch_time(r);
            r->cmos[idx] = v;
            take_time_from_registers(r);
        }
        break;
    }
}

static uint64_t rtc_io_read(void *opaque, uint64_t offset, unsigned size)
{
    struct rtc146818 *r = opaque;
    (void)size;
    if (offset == 0)
        return 0xFF; /* the index register is write-only */
    return read_reg(r, r->index);
}

static void rtc_io_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct rtc146818 *r = opaque;
    (void)size;
    if (offset == 0) {
        r->index = val & 0x7F;
        r->nmi_disabled = val & 0x80;
    } else {
        write_reg(r, r->index, (uint8_t)val);
    }
}

static const struct mmu_io_ops rtc_ops = {rtc_io_read, rtc_io_write, MMU_WIDTH_1};

bool rtc_register_io(struct rtc146818 *r, struct mmu_io_space *io, uint16_t base)
{
    return mmu_io_register(io, base, 2, &rtc_ops, r);
}

void rtc_set_cmos(struct rtc146818 *r, uint8_t index, uint8_t val)
{
    r->cmos[index & 0x7F] = val;
}

uint8_t rtc_get_cmos(struct rtc146818 *r, uint8_t index)
{
    return r->cmos[index & 0x7F];
}

void rtc_reset(struct rtc146818 *r)
{
    /* Reset clears the interrupt enables and flags; time and NVRAM persist
     * (battery backed). Register A: 32.768 kHz base, 1024 Hz periodic rate. */
    r->cmos[RTC_REG_A] = 0x26;
    r->cmos[RTC_REG_B] = REG_B_24H;
    r->cmos[RTC_REG_C] = 0;
    r->cmos[RTC_REG_D] = REG_D_VRT;
    irq_lower(&r->irq);
    timer_del(&r->periodic_timer);
    latch_time(r);
    timer_mod(&r->second_timer, next_second_boundary(r));
}

void rtc_init(struct rtc146818 *r, struct hw_clock *clock, int64_t base_sec)
{
    *r = (struct rtc146818){.clock = clock, .base_sec = base_sec};
    r->base_ns = 0;
    timer_init(&r->second_timer, clock, second_cb, r);
    timer_init(&r->periodic_timer, clock, periodic_cb, r);
    rtc_reset(r);
}

bool rtc_parse_base(const char *spec, int64_t host_now, int64_t *out)
{
    if (strcmp(spec, "utc") == 0) {
        *out = host_now;
        return true;
    }
    if (strcmp(spec, "localtime") == 0) {
        time_t t = (time_t)host_now;
        struct tm tm;
        localtime_r(&t, &tm);
        *out = host_now + tm.tm_gmtoff;
        return true;
    }
    struct tm tm = {0};
    int n = 0;
    if (sscanf(spec, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3)
        return false;
    if (spec[n] == 'T') {
        int m = 0;
        if (sscanf(spec + n, "T%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &m) != 3)
            return false;
        n += m;
    }
    if (spec[n] != '\0' || tm.tm_year < 1970 || tm.tm_year > 2099 || tm.tm_mon < 1 ||
        tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
        tm.tm_sec > 59)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = (int64_t)timegm(&tm);
    return true;
}

static bool rtc_post_load(void *opaque)
{
    struct rtc146818 *r = opaque;
    r->index &= 0x7F;
    irq_set(&r->irq, (r->cmos[RTC_REG_C] & REG_C_IRQF) != 0);
    return true;
}

static const struct vms_field rtc_fields[] = {
    VMS_ARRAY(struct rtc146818, cmos, VMS_U8),
    VMS_FIELD(struct rtc146818, index, VMS_U8),
    VMS_FIELD(struct rtc146818, nmi_disabled, VMS_BOOL),
    VMS_FIELD(struct rtc146818, base_sec, VMS_I64),
    VMS_FIELD(struct rtc146818, base_ns, VMS_I64),
    VMS_FIELD(struct rtc146818, second_timer, VMS_TIMER),
    VMS_FIELD(struct rtc146818, periodic_timer, VMS_TIMER),
    VMS_END,
};

const struct vms_desc rtc_vmstate = {
    .name = "rtc146818",
    .version = 1,
    .min_version = 1,
    .fields = rtc_fields,
    .post_load = rtc_post_load,
};
