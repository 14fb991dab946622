/* Schemas of state descriptions: the field names, types and counts a stream
 * carries in front of each section, so a saved machine describes itself and
 * a loader names the field where a stream and this build disagree. */
#include "vmstate.h"

#include <stdio.h>
#include <string.h>

/* Per field: u8 type, u32 count (little-endian), u8 name length, name; a
 * nested description follows its field and ends with SCHEMA_END. */
#define SCHEMA_END 0xff

static bool put_field(const struct vms_field *f, struct vms_buf *out)
{
    size_t n = strlen(f->name);
    uint8_t h[6] = {(uint8_t)f->type,          (uint8_t)f->count,
                    (uint8_t)(f->count >> 8),  (uint8_t)(f->count >> 16),
                    (uint8_t)(f->count >> 24), (uint8_t)(n > 255 ? 255 : n)};
    return vms_buf_put(out, h, sizeof(h)) && vms_buf_put(out, f->name, h[5]);
}

static bool put_schema(const struct vms_desc *d, uint32_t version, struct vms_buf *out)
{
    for (const struct vms_field *f = d->fields; f->name; f++) {
        if (f->since > version)
            continue;
        if (!put_field(f, out))
            return false;
        if (f->type == VMS_STRUCT && !put_schema(f->sub, f->sub->version, out))
            return false;
    }
    uint8_t end = SCHEMA_END;
    return vms_buf_put(out, &end, 1);
}

bool vms_schema(const struct vms_desc *d, uint32_t version, struct vms_buf *out)
{
    return put_schema(d, version, out);
}

/* Length of the entry at p (0 when it runs past end). */
static size_t entry_len(const uint8_t *p, const uint8_t *end)
{
    if (p >= end)
        return 0;
    if (*p == SCHEMA_END)
        return 1;
    if (end - p < 6 || (size_t)(end - p) < 6u + p[5])
        return 0;
    return 6u + p[5];
}

bool vms_schema_match(const struct vms_desc *d, uint32_t version, const uint8_t *data, size_t len,
                      char *err, size_t errlen)
{
    struct vms_buf want = {0};
    if (!vms_schema(d, version, &want)) {
        snprintf(err, errlen, "%s: out of memory", d->name);
        return false;
    }
    const uint8_t *a = want.data, *a_end = want.data + want.len;
    const uint8_t *b = data, *b_end = data + len;
    bool ok = true;
    while (a < a_end) {
        size_t la = entry_len(a, a_end), lb = entry_len(b, b_end);
        if (la != lb || memcmp(a, b, la) != 0) {
            if (*a == SCHEMA_END)
                snprintf(err, errlen, "%s: stream has a field this build does not know", d->name);
            else
                snprintf(err, errlen, "%s.%.*s: field differs in the stream (type, count or name)",
                         d->name, a[5], (const char *)a + 6);
            ok = false;
            break;
        }
        a += la;
        b += lb;
    }
    if (ok && b != b_end) {
        snprintf(err, errlen, "%s: trailing bytes after the schema", d->name);
        ok = false;
    }
    vms_buf_free(&want);
    return ok;
}
