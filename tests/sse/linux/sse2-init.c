/* A Linux i386 userland program built with -msse2 -mfpmath=sse (no libc: raw system calls),
 * run as /init of an initramfs on jit86 and natively on the host, whose output must match:
 * scalar and packed double arithmetic, sqrt, float<->int conversions, packed integers. As
 * PID 1 it restarts the machine with reboot(2) (-no-reboot ends the run), elsewhere exit(2). */
#include <stdint.h>

typedef double v2df __attribute__((vector_size(16)));
typedef uint32_t v4si __attribute__((vector_size(16)));

static long sys3(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

static void put(const char *s)
{
    unsigned n = 0;
    while (s[n])
        n++;
    sys3(4, 1, (long)s, n); /* write */
}

static void put_hex(const char *label, uint64_t v)
{
    char buf[40];
    unsigned i = 0;
    while (*label)
        buf[i++] = *label++;
    buf[i++] = ' ';
    for (int k = 60; k >= 0; k -= 4)
        buf[i++] = "0123456789abcdef"[(v >> k) & 15];
    buf[i++] = '\n';
    buf[i] = 0;
    put(buf);
}

static uint64_t bits(double d)
{
    union {
        double d;
        uint64_t u;
    } u = {d};
    return u.u;
}

/* Volatile inputs keep the compiler from folding the arithmetic at build time. */
static volatile double in[4] = {1.0 / 3.0, 2.5, -7.25, 1e-310};
static volatile int32_t iin = -123456789;

static void run(void)
{
    double a = in[0], b = in[1], c = in[2], tiny = in[3];
    put_hex("mul", bits(a * b));
    put_hex("div", bits(c / a));
    put_hex("sqrt", bits(__builtin_sqrt(b)));
    put_hex("denormal*3", bits(tiny * 3.0));
    put_hex("i2d", bits((double)iin));
    put_hex("d2i", (uint32_t)(int32_t)(c * 1e6));
    double s = 0;
    for (int i = 1; i <= 100000; i++)
        s += 1.0 / ((double)i * i);
    put_hex("basel", bits(s));
    v2df x = {a, b}, v = {c, tiny};
    for (int i = 0; i < 1000; i++)
        x = x * (v2df){0.999, 1.0001} + v * (v2df){1e-3, 1e-3};
    put_hex("packed0", bits(x[0]));
    put_hex("packed1", bits(x[1]));
    v4si h = {1, 2, 3, 4};
    for (int i = 0; i < 1000; i++)
        h = (h + (v4si){0x9e3779b9u, 7, 11, 13}) ^ (h << 3) ^ (h >> 5);
    put_hex("ints", (uint64_t)h[0] << 32 | (h[1] ^ h[2] ^ h[3]));
    put("JIT86-SSE2: done\n");
}

void _start(void)
{
    run();
    if (sys3(20, 0, 0, 0) == 1) /* getpid: PID 1 powers the machine off */
        sys3(88, (long)0xfee1dead, 672274793, 0x01234567); /* restart: -no-reboot ends */
    sys3(1, 0, 0, 0);                                      /* exit */
    for (;;)
        ;
}
