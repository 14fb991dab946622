/* `info mtree`: the regions of a physical address space as text, sorted by
 * address, then by the priority that decides overlaps (highest first); the
 * access counts of the MMIO regions for `info stats`. */
#include "phys-internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const kind_name[] = {
    [PHYS_RAM] = "ram", [PHYS_ROM] = "rom", [PHYS_MMIO] = "i/o", [PHYS_DEVRAM] = "device ram"};

static int by_address(const void *a, const void *b)
{
    const struct mmu_region *x = *(const struct mmu_region *const *)a;
    const struct mmu_region *y = *(const struct mmu_region *const *)b;
    if (x->base != y->base)
        return x->base < y->base ? -1 : 1;
    if (x->priority != y->priority)
        return x->priority > y->priority ? -1 : 1;
    return x->seq > y->seq ? -1 : x->seq < y->seq;
}

static void appendf(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(*pos < len ? buf + *pos : NULL, *pos < len ? len - *pos : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        *pos += (size_t)n;
}

int mmu_phys_format_regions(const struct mmu_phys_space *s, char *buf, size_t len)
{
    size_t pos = 0, n = 0;
    appendf(buf, len, &pos, "%s", "");
    struct mmu_region **list = malloc(sizeof(*list) * (s->region_cap + 1));
    if (!list)
        return 0;
    for (uint32_t i = 1; i < s->region_cap; i++) {
        if (s->regions[i])
            list[n++] = s->regions[i];
    }
    qsort(list, n, sizeof(*list), by_address);
    for (size_t i = 0; i < n; i++) {
        const struct mmu_region *r = list[i];
        appendf(buf, len, &pos, "  %016llx-%016llx (prio %d, %s): %s%s",
                (unsigned long long)r->base, (unsigned long long)(r->base + r->size - 1),
                r->priority, kind_name[r->kind], r->enabled[PHYS_READ] ? "r" : "-",
                r->enabled[PHYS_WRITE] ? "w" : "-");
        if (r->kind == PHYS_RAM && r->host)
            appendf(buf, len, &pos, " @ram+%#llx", (unsigned long long)(r->host - s->ram));
        appendf(buf, len, &pos, "\n");
    }
    free(list);
    return (int)pos;
}

void mmu_phys_foreach_mmio_counts(const struct mmu_phys_space *s, mmu_io_count_fn *fn, void *ctx)
{
    for (uint32_t i = 1; i < s->region_cap; i++) {
        const struct mmu_region *r = s->regions[i];
        if (r && r->kind == PHYS_MMIO)
            fn(ctx, r->opaque, r->base, r->size, &r->counts);
    }
}
