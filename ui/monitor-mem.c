/* `x /FMT ADDR` and `xp /FMT ADDR`: guest memory dumps in QEMU's format
 * syntax (count, format x d u o c, unit size b h w g). Virtual addresses go
 * through the guest's page tables (SDM Vol. 3A §4.3, 32-bit paging). */
#include "monitor.h"

#include "cpu/cpu.h"
#include "softmmu/paging.h"
#include "softmmu/softmmu.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define DUMP_MAX_BYTES (64u * 1024)

struct dump_fmt {
    unsigned count;
    char format; /* x d u o c */
    unsigned size;
};

/* "/4xw": every part optional; defaults: 1 word in hex, as QEMU's first use. */
static bool parse_fmt(const char **p, struct dump_fmt *f, struct mon_out *out)
{
    *f = (struct dump_fmt){1, 'x', 4};
    if (**p != '/')
        return true;
    const char *s = *p + 1;
    if (isdigit((unsigned char)*s))
        f->count = (unsigned)strtoul(s, (char **)&s, 10);
    for (; *s && !isspace((unsigned char)*s); s++) {
        const char *fmts = "xduoc", *sizes = "bhwg";
        if (strchr(fmts, *s)) {
            f->format = *s;
            if (*s == 'c')
                f->size = 1;
        } else if (strchr(sizes, *s)) {
            f->size = 1u << (strchr(sizes, *s) - sizes);
        } else {
            mon_printf(out, "invalid char in format: '%c'\n", *s);
            return false;
        }
    }
    if (f->count == 0 || (uint64_t)f->count * f->size > DUMP_MAX_BYTES) {
        mon_printf(out, "count out of range (1..%u bytes)\n", DUMP_MAX_BYTES);
        return false;
    }
    *p = s;
    return true;
}

static struct mmu_paging paging_of(const CPUX86State *env)
{
    return (struct mmu_paging){
        .pg = (env->cr[0] >> 31) & 1,
        .wp = (env->cr[0] >> 16) & 1,
        .pse = (env->cr[4] >> 4) & 1,
        .pge = (env->cr[4] >> 7) & 1,
        .pae = (env->cr[4] >> 5) & 1,
        .cr3 = env->cr[3],
    };
}

/* Reads len bytes at addr; virtual reads walk the page tables page by page
 * (the walk sets Accessed bits as a guest read would). */
static bool read_mem(struct vm *vm, uint64_t addr, bool physical, uint8_t *buf, size_t len,
                     struct mon_out *out)
{
    struct mmu_phys_space *space = vm_pc(vm)->mem;
    if (physical) {
        mmu_phys_read(space, addr, buf, len);
        return true;
    }
    const CPUX86State *env = cpu_env(vm_cpu(vm));
    struct mmu_paging mode = paging_of(env);
    size_t done = 0;
    while (done < len) {
        uint32_t va = (uint32_t)(addr + done);
        size_t chunk = 4096 - (va & 4095);
        if (chunk > len - done)
            chunk = len - done;
        uint64_t pa = va;
        if (mode.pg) {
            struct mmu_translation t;
            struct mmu_fault f;
            if (!mmu_translate(space, &mode, va, MMU_ACCESS_READ, false, &t, &f)) {
                mon_printf(out, "Cannot access memory at 0x%08" PRIx32 "\n", va);
                return false;
            }
            pa = t.paddr;
        }
        mmu_phys_read(space, pa & mmu_phys_a20_mask(space), buf + done, chunk);
        done += chunk;
    }
    return true;
}

static uint64_t load_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void print_value(struct mon_out *out, const struct dump_fmt *f, uint64_t v)
{
    int bits = (int)f->size * 8;
    switch (f->format) {
    case 'x': mon_printf(out, " 0x%0*" PRIx64, (int)f->size * 2, v); break;
    case 'o': mon_printf(out, " %#" PRIo64, v); break;
    case 'u': mon_printf(out, " %" PRIu64, v); break;
    case 'd': {
        int64_t sv =
            bits < 64 && (v >> (bits - 1)) & 1 ? (int64_t)(v - (1ull << bits)) : (int64_t)v;
        mon_printf(out, " %" PRId64, sv);
        break;
    }
    default: /* 'c' */
        if (v >= 0x20 && v < 0x7f)
            mon_printf(out, " '%c'", (int)v);
        else
            mon_printf(out, " '\\x%02" PRIx64 "'", v);
        break;
    }
}

bool monitor_memory_dump(struct vm *vm, const char *args, bool physical, struct mon_out *out)
{
    struct dump_fmt f;
    const char *p = args;
    if (!parse_fmt(&p, &f, out))
        return false;
    p += strspn(p, " \t");
    char *end;
    uint64_t addr = strtoull(p, &end, 0);
    if (end == p || *(end + strspn(end, " \t"))) {
        mon_printf(out, "%s: usage: %s /fmt addr (e.g. %s /8xb 0x7c00)\n", physical ? "xp" : "x",
                   physical ? "xp" : "x", physical ? "xp" : "x");
        return false;
    }
    size_t len = (size_t)f.count * f.size;
    uint8_t *buf = malloc(len);
    if (!buf || !read_mem(vm, addr, physical, buf, len, out)) {
        free(buf);
        return false;
    }
    unsigned per_line = f.format == 'c' ? 16 : 16 / f.size;
    for (unsigned i = 0; i < f.count; i++) {
        if (i % per_line == 0)
            mon_printf(out, physical ? "%016" PRIx64 ":" : "%08" PRIx64 ":",
                       addr + (uint64_t)i * f.size);
        print_value(out, &f, load_le(buf + (size_t)i * f.size, f.size));
        if (i % per_line == per_line - 1 || i == f.count - 1)
            mon_printf(out, "\n");
    }
    free(buf);
    return true;
}
