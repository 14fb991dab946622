/* Save/restore walker over device state descriptions. Stream format of one
 * section, little-endian: u8 name length, name, u32 version, u32 payload
 * length, payload = the fields in table order at fixed widths. */
#include "vmstate.h"

#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t type_width(enum vms_type t)
{
    switch (t) {
    case VMS_U8:
    case VMS_BOOL: return 1;
    case VMS_U16: return 2;
    case VMS_U32:
    case VMS_I32: return 4;
    case VMS_U64:
    case VMS_I64: return 8;
    case VMS_TIMER: return 9; /* u8 pending, i64 expiry */
    case VMS_STRUCT: return 0;
    }
    return 0;
}

static size_t payload_size(const struct vms_desc *d, uint32_t version);

static size_t field_size(const struct vms_field *f)
{
    size_t one =
        f->type == VMS_STRUCT ? payload_size(f->sub, f->sub->version) : type_width(f->type);
    return one * f->count;
}

static size_t payload_size(const struct vms_desc *d, uint32_t version)
{
    size_t n = 0;
    for (const struct vms_field *f = d->fields; f->name; f++) {
        if (f->since <= version)
            n += field_size(f);
    }
    return n;
}

bool vms_check(const struct vms_desc *d, char *err, size_t errlen)
{
    if (!d->name || strlen(d->name) > 255 || d->min_version > d->version) {
        snprintf(err, errlen, "%s: bad name or versions", d->name ? d->name : "?");
        return false;
    }
    for (const struct vms_field *f = d->fields; f->name; f++) {
        size_t want = f->type == VMS_TIMER    ? sizeof(struct hw_timer)
                      : f->type == VMS_STRUCT ? f->size
                                              : type_width(f->type);
        if (f->type == VMS_BOOL)
            want = sizeof(bool);
        if (f->size != want || f->count == 0 || f->since > d->version) {
            snprintf(err, errlen, "%s.%s: size %zu does not match its type (%zu) or bad count",
                     d->name, f->name, f->size, want);
            return false;
        }
        if (f->type == VMS_STRUCT && (!f->sub || !vms_check(f->sub, err, errlen)))
            return false;
    }
    return true;
}

static bool buf_reserve(struct vms_buf *b, size_t more)
{
    if (b->len + more <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more)
        cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p)
        return false;
    b->data = p;
    b->cap = cap;
    return true;
}

bool vms_buf_put(struct vms_buf *b, const void *p, size_t n)
{
    if (!buf_reserve(b, n))
        return false;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return true;
}

void vms_buf_free(struct vms_buf *b)
{
    free(b->data);
    *b = (struct vms_buf){0};
}

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t read_scalar(const uint8_t *src, enum vms_type t)
{
    switch (t) {
    case VMS_U8: return *src;
    case VMS_BOOL: return *(const bool *)src;
    case VMS_U16: {
        uint16_t v;
        memcpy(&v, src, 2);
        return v;
    }
    case VMS_U32:
    case VMS_I32: {
        uint32_t v;
        memcpy(&v, src, 4);
        return v;
    }
    default: {
        uint64_t v;
        memcpy(&v, src, 8);
        return v;
    }
    }
}

static void write_scalar(uint8_t *dst, enum vms_type t, uint64_t v)
{
    switch (t) {
    case VMS_U8: *dst = (uint8_t)v; break;
    case VMS_BOOL: *(bool *)dst = v != 0; break;
    case VMS_U16: {
        uint16_t x = (uint16_t)v;
        memcpy(dst, &x, 2);
        break;
    }
    case VMS_U32:
    case VMS_I32: {
        uint32_t x = (uint32_t)v;
        memcpy(dst, &x, 4);
        break;
    }
    default: memcpy(dst, &v, 8); break;
    }
}

static void save_fields(const struct vms_desc *d, const uint8_t *base, uint8_t **out)
{
    for (const struct vms_field *f = d->fields; f->name; f++) {
        for (uint32_t i = 0; i < f->count; i++) {
            const uint8_t *src = base + f->offset + i * f->size;
            if (f->type == VMS_STRUCT) {
                save_fields(f->sub, src, out);
            } else if (f->type == VMS_TIMER) {
                const struct hw_timer *t = (const struct hw_timer *)src;
                put_le(*out, t->pending, 1);
                put_le(*out + 1, (uint64_t)t->expire_ns, 8);
                *out += 9;
            } else {
                size_t w = type_width(f->type);
                put_le(*out, read_scalar(src, f->type), w);
                *out += w;
            }
        }
    }
}

bool vms_save(const struct vms_desc *d, const void *opaque, struct vms_buf *out)
{
    size_t name_len = strlen(d->name);
    size_t payload = payload_size(d, d->version);
    if (!buf_reserve(out, 1 + name_len + 8 + payload))
        return false;
    uint8_t *p = out->data + out->len;
    *p++ = (uint8_t)name_len;
    memcpy(p, d->name, name_len);
    p += name_len;
    put_le(p, d->version, 4);
    put_le(p + 4, payload, 4);
    p += 8;
    save_fields(d, opaque, &p);
    out->len = (size_t)(p - out->data);
    return true;
}

/* Validates a payload before anything is written: bools are 0/1 and timer
 * flags too, so a corrupt stream never half-loads. */
static bool validate_fields(const struct vms_desc *d, uint32_t version, const uint8_t **in,
                            char *err, size_t errlen)
{
    for (const struct vms_field *f = d->fields; f->name; f++) {
        if (f->since > version)
            continue;
        for (uint32_t i = 0; i < f->count; i++) {
            if (f->type == VMS_STRUCT) {
                if (!validate_fields(f->sub, f->sub->version, in, err, errlen))
                    return false;
                continue;
            }
            if ((f->type == VMS_BOOL || f->type == VMS_TIMER) && **in > 1) {
                snprintf(err, errlen, "%s.%s: invalid flag value %u", d->name, f->name, **in);
                return false;
            }
            *in += type_width(f->type);
        }
    }
    return true;
}

static void load_fields(const struct vms_desc *d, uint32_t version, uint8_t *base,
                        const uint8_t **in)
{
    for (const struct vms_field *f = d->fields; f->name; f++) {
        if (f->since > version)
            continue;
        for (uint32_t i = 0; i < f->count; i++) {
            uint8_t *dst = base + f->offset + i * f->size;
            if (f->type == VMS_STRUCT) {
                load_fields(f->sub, f->sub->version, dst, in);
            } else if (f->type == VMS_TIMER) {
                struct hw_timer *t = (struct hw_timer *)dst;
                int64_t expire = (int64_t)get_le(*in + 1, 8);
                if ((*in)[0])
                    timer_mod(t, expire);
                else
                    timer_del(t);
                *in += 9;
            } else {
                size_t w = type_width(f->type);
                write_scalar(dst, f->type, get_le(*in, w));
                *in += w;
            }
        }
    }
}

/* Nested descriptions' post_load hooks run innermost first, then the outer. */
static bool run_post_load(const struct vms_desc *d, void *base)
{
    for (const struct vms_field *f = d->fields; f->name; f++) {
        if (f->type != VMS_STRUCT)
            continue;
        for (uint32_t i = 0; i < f->count; i++) {
            if (!run_post_load(f->sub, (uint8_t *)base + f->offset + i * f->size))
                return false;
        }
    }
    return !d->post_load || d->post_load(base);
}

/* A section name from the stream for an error line: bytes other than
 * printable ASCII become '?', so a corrupt stream cannot break the line. */
static void printable_name(const uint8_t *name, size_t n, char *out, size_t outlen)
{
    size_t i = 0;
    for (; i < n && i + 1 < outlen; i++)
        out[i] = name[i] >= 0x20 && name[i] < 0x7F ? (char)name[i] : '?';
    out[i] = 0;
}

/* Checks the section header at *pos: name, version, payload length. On
 * success *version and *payload describe it and *pos points at the payload. */
static bool parse_header(const struct vms_desc *d, const uint8_t *data, size_t len, size_t *pos,
                         uint32_t *version, uint32_t *payload, char *err, size_t errlen)
{
    size_t p = *pos;
    size_t name_len = strlen(d->name);
    if (p >= len || len - p < 1 + (size_t)data[p] + 8) {
        snprintf(err, errlen, "%s: truncated section header", d->name);
        return false;
    }
    if (data[p] != name_len || memcmp(data + p + 1, d->name, name_len) != 0) {
        char found[256];
        printable_name(data + p + 1, data[p], found, sizeof(found));
        snprintf(err, errlen, "%s: expected this section, found '%s'", d->name, found);
        return false;
    }
    p += 1 + name_len;
    *version = (uint32_t)get_le(data + p, 4);
    *payload = (uint32_t)get_le(data + p + 4, 4);
    p += 8;
    if (*version < d->min_version || *version > d->version) {
        snprintf(err, errlen, "%s: version %u not supported (%u to %u)", d->name, *version,
                 d->min_version, d->version);
        return false;
    }
    if (*payload != payload_size(d, *version) || *payload > len - p) {
        snprintf(err, errlen, "%s: payload of %u bytes, expected %zu", d->name, *payload,
                 payload_size(d, *version));
        return false;
    }
    *pos = p;
    return true;
}

bool vms_probe(const struct vms_desc *d, const uint8_t *data, size_t len, size_t *pos,
               uint32_t *version, char *err, size_t errlen)
{
    size_t p = *pos;
    uint32_t payload;
    if (!parse_header(d, data, len, &p, version, &payload, err, errlen))
        return false;
    const uint8_t *in = data + p;
    if (!validate_fields(d, *version, &in, err, errlen))
        return false;
    *pos = p + payload;
    return true;
}

bool vms_load(const struct vms_desc *d, void *opaque, const uint8_t *data, size_t len, size_t *pos,
              char *err, size_t errlen)
{
    size_t p = *pos;
    uint32_t version, payload;
    if (!parse_header(d, data, len, &p, &version, &payload, err, errlen))
        return false;
    const uint8_t *in = data + p;
    if (!validate_fields(d, version, &in, err, errlen))
        return false;
    in = data + p;
    load_fields(d, version, opaque, &in);
    if (!run_post_load(d, opaque)) {
        snprintf(err, errlen, "%s: inconsistent state rejected", d->name);
        return false;
    }
    *pos = p + payload;
    return true;
}
