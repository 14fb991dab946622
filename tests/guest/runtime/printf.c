/* Guest test runtime: a small printf (%d %i %u %x %X %o %s %c %p %%, flags
 * '-', '+' and '0', width, precision for strings, length l/ll/h/hh). 64-bit values
 * are converted with 32-bit arithmetic only, so no libgcc helper is needed. */
#include "runtime.h"

struct spec {
    int left, zero, plus, width, precision;
    int longs; /* 0: int, 1: long, 2: long long, -1: short, -2: char */
    char conv;
};

/* Divide *n by base (<= 16) in place, returning the remainder, 16 bits at a
 * time so every step fits in 32 bits. */
static unsigned divmod64(uint64_t *n, unsigned base)
{
    uint32_t r = 0;
    uint64_t q = 0;

    for (int shift = 48; shift >= 0; shift -= 16) {
        uint32_t cur = (r << 16) | (uint32_t)((*n >> shift) & 0xFFFF);
        q |= (uint64_t)(cur / base) << shift;
        r = cur % base;
    }
    *n = q;
    return r;
}

static int emit_padded(const char *s, int len, const struct spec *sp, char pad_char)
{
    int pad = sp->width > len ? sp->width - len : 0;
    int out = 0;

    if (!sp->left)
        for (; pad > 0; pad--, out++)
            rt_putc(pad_char);
    for (int i = 0; i < len; i++, out++)
        rt_putc(s[i]);
    for (; pad > 0; pad--, out++)
        rt_putc(' ');
    return out;
}

static int emit_number(uint64_t v, int negative, unsigned base, int upper, const struct spec *sp)
{
    char sign = negative ? '-' : '+';
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int n = sizeof(buf);

    do
        buf[--n] = digits[divmod64(&v, base)];
    while (v);
    negative |= sp->plus;
    if (negative && sp->zero && !sp->left && sp->width > 0) {
        /* Sign before the zero padding: "-0042". */
        struct spec rest = *sp;
        rt_putc(sign);
        rest.width--;
        return 1 + emit_padded(buf + n, sizeof(buf) - n, &rest, '0');
    }
    if (negative)
        buf[--n] = sign;
    return emit_padded(buf + n, sizeof(buf) - n, sp, sp->zero && !sp->left ? '0' : ' ');
}

static uint64_t fetch_unsigned(va_list *ap, int longs)
{
    if (longs >= 2)
        return va_arg(*ap, unsigned long long);
    uint32_t v = va_arg(*ap, unsigned int);
    if (longs == -1)
        v &= 0xFFFF;
    if (longs == -2)
        v &= 0xFF;
    return v;
}

static int64_t fetch_signed(va_list *ap, int longs)
{
    if (longs >= 2)
        return va_arg(*ap, long long);
    int32_t v = va_arg(*ap, int);
    if (longs == -1)
        v = (int16_t)v;
    if (longs == -2)
        v = (int8_t)v;
    return v;
}

static const char *parse_spec(const char *f, struct spec *sp)
{
    *sp = (struct spec){.precision = -1};
    for (;; f++) {
        if (*f == '-')
            sp->left = 1;
        else if (*f == '0')
            sp->zero = 1;
        else if (*f == '+')
            sp->plus = 1;
        else
            break;
    }
    for (; *f >= '0' && *f <= '9'; f++)
        sp->width = sp->width * 10 + (*f - '0');
    if (*f == '.')
        for (sp->precision = 0, f++; *f >= '0' && *f <= '9'; f++)
            sp->precision = sp->precision * 10 + (*f - '0');
    for (; *f == 'l'; f++)
        sp->longs++;
    for (; *f == 'h'; f++)
        sp->longs--;
    sp->conv = *f;
    return *f ? f + 1 : f;
}

static int emit_one(const struct spec *sp, va_list *ap)
{
    switch (sp->conv) {
    case 'd':
    case 'i': {
        int64_t v = fetch_signed(ap, sp->longs);
        return emit_number(v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, 0, sp);
    }
    case 'u':
        return emit_number(fetch_unsigned(ap, sp->longs), 0, 10, 0, sp);
    case 'x':
    case 'X':
        return emit_number(fetch_unsigned(ap, sp->longs), 0, 16, sp->conv == 'X', sp);
    case 'o':
        return emit_number(fetch_unsigned(ap, sp->longs), 0, 8, 0, sp);
    case 'p': {
        struct spec p = {.zero = 1, .width = 8};
        return emit_number(va_arg(*ap, uint32_t), 0, 16, 0, &p);
    }
    case 'c': {
        char c = (char)va_arg(*ap, int);
        return emit_padded(&c, 1, sp, ' ');
    }
    case 's': {
        const char *s = va_arg(*ap, const char *);
        int len = 0;
        if (!s)
            s = "(null)";
        while (s[len] && (sp->precision < 0 || len < sp->precision))
            len++;
        return emit_padded(s, len, sp, ' ');
    }
    case '%':
        rt_putc('%');
        return 1;
    default:
        return 0;
    }
}

int rt_vprintf(const char *fmt, va_list ap)
{
    int out = 0;
    va_list aq;

    va_copy(aq, ap);
    while (*fmt) {
        if (*fmt != '%') {
            rt_putc(*fmt++);
            out++;
            continue;
        }
        struct spec sp;
        fmt = parse_spec(fmt + 1, &sp);
        out += emit_one(&sp, &aq);
    }
    va_end(aq);
    return out;
}

int rt_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = rt_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
