/* Guest RAM in a state stream: pages in ascending order as zero runs, zlib
 * pages and raw pages, so a mostly idle guest's suspend file stays small. */
#include "vmstate.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

enum ram_record { RAM_ZERO_RUN, RAM_RAW, RAM_ZLIB, RAM_END = 0xff };

static void le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool page_is_zero(const uint8_t *p)
{
    static const uint8_t zero[64];
    for (unsigned off = 0; off < VMS_PAGE_SIZE; off += sizeof(zero))
        if (memcmp(p + off, zero, sizeof(zero)))
            return false;
    return true;
}

static bool put_zero_run(struct vms_buf *out, uint32_t first, uint32_t count)
{
    uint8_t r[9] = {RAM_ZERO_RUN};
    le32(r + 1, first);
    le32(r + 5, count);
    return vms_buf_put(out, r, sizeof(r));
}

static bool put_page(struct vms_buf *out, uint32_t index, const uint8_t *page)
{
    uint8_t z[VMS_PAGE_SIZE + 128];
    uLongf zlen = sizeof(z);
    uint8_t r[9];
    le32(r + 1, index);
    if (compress2(z, &zlen, page, VMS_PAGE_SIZE, 1) == Z_OK && zlen < VMS_PAGE_SIZE - 64) {
        r[0] = RAM_ZLIB;
        le32(r + 5, (uint32_t)zlen);
        return vms_buf_put(out, r, 9) && vms_buf_put(out, z, zlen);
    }
    r[0] = RAM_RAW;
    return vms_buf_put(out, r, 5) && vms_buf_put(out, page, VMS_PAGE_SIZE);
}

bool vms_ram_save(const uint8_t *ram, uint64_t size, struct vms_buf *out)
{
    uint32_t pages = (uint32_t)(size / VMS_PAGE_SIZE);
    uint32_t zero_from = 0, zeros = 0;
    for (uint32_t i = 0; i < pages; i++) {
        const uint8_t *page = ram + (uint64_t)i * VMS_PAGE_SIZE;
        if (page_is_zero(page)) {
            if (!zeros++)
                zero_from = i;
            continue;
        }
        if (zeros && !put_zero_run(out, zero_from, zeros))
            return false;
        zeros = 0;
        if (!put_page(out, i, page))
            return false;
    }
    if (zeros && !put_zero_run(out, zero_from, zeros))
        return false;
    uint8_t end = RAM_END;
    return vms_buf_put(out, &end, 1);
}

/* One record at data[*pos]; next is the page it must start at. */
static bool parse_record(const uint8_t *data, size_t len, size_t *pos, uint8_t *ram, uint32_t pages,
                         uint32_t *next, char *err, size_t errlen)
{
    size_t p = *pos;
    uint8_t kind = data[p];
    if (len - p < 5 || (kind != RAM_ZERO_RUN && kind != RAM_RAW && kind != RAM_ZLIB)) {
        snprintf(err, errlen, "ram: bad or truncated page record at byte %zu", p);
        return false;
    }
    uint32_t index = rd32(data + p + 1);
    if (index != *next) {
        snprintf(err, errlen, "ram: page %u out of order (expected %u)", index, *next);
        return false;
    }
    p += 5;
    uint8_t scratch[VMS_PAGE_SIZE];
    uint8_t *dst = ram ? ram + (uint64_t)index * VMS_PAGE_SIZE : scratch;
    if (kind == RAM_ZERO_RUN) {
        uint32_t count = len - p < 4 ? 0 : rd32(data + p);
        if (count == 0 || count > pages - index) {
            snprintf(err, errlen, "ram: bad zero run at page %u", index);
            return false;
        }
        if (ram)
            memset(dst, 0, (size_t)count * VMS_PAGE_SIZE);
        *next = index + count;
        *pos = p + 4;
        return true;
    }
    if (index >= pages) {
        snprintf(err, errlen, "ram: page %u beyond RAM (%u pages)", index, pages);
        return false;
    }
    if (kind == RAM_RAW) {
        if (len - p < VMS_PAGE_SIZE) {
            snprintf(err, errlen, "ram: truncated page %u", index);
            return false;
        }
        if (ram)
            memcpy(dst, data + p, VMS_PAGE_SIZE);
        *pos = p + VMS_PAGE_SIZE;
    } else {
        uint32_t zlen = len - p < 4 ? 0 : rd32(data + p);
        uLongf out = VMS_PAGE_SIZE;
        if (len - p < 4 || zlen > len - p - 4 ||
            uncompress(dst, &out, data + p + 4, zlen) != Z_OK || out != VMS_PAGE_SIZE) {
            snprintf(err, errlen, "ram: page %u does not decompress to 4096 bytes", index);
            return false;
        }
        *pos = p + 4 + zlen;
    }
    *next = index + 1;
    return true;
}

bool vms_ram_parse(const uint8_t *data, size_t len, size_t *pos, uint8_t *ram, uint64_t size,
                   char *err, size_t errlen)
{
    uint32_t pages = (uint32_t)(size / VMS_PAGE_SIZE), next = 0;
    while (*pos < len && data[*pos] != RAM_END) {
        if (!parse_record(data, len, pos, ram, pages, &next, err, errlen))
            return false;
    }
    if (*pos >= len || next != pages) {
        snprintf(err, errlen, "ram: stream ends at page %u of %u", next, pages);
        return false;
    }
    (*pos)++;
    return true;
}
