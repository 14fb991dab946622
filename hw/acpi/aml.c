/* AML emitter (ACPI 6.5 §20.2): the encodings of the few terms the DSDT of
 * jit86 needs, written from the grammar in the specification. */
#include "aml.h"

#include <stdlib.h>
#include <string.h>

#define AML_ZERO_OP    0x00
#define AML_ONE_OP     0x01
#define AML_NAME_OP    0x08
#define AML_BYTE_PFX   0x0A
#define AML_WORD_PFX   0x0B
#define AML_DWORD_PFX  0x0C
#define AML_QWORD_PFX  0x0E
#define AML_PACKAGE_OP 0x12
#define AML_BUFFER_OP  0x11
#define AML_DUAL_NAME  0x2E
#define AML_EXT_PREFIX 0x5B
#define AML_DEVICE_OP  0x82
#define AML_ROOT_CHAR  0x5C
#define AML_ONES_OP    0xFF

void aml_free(struct aml_buf *b)
{
    free(b->data);
    *b = (struct aml_buf){0};
}

void aml_append(struct aml_buf *b, const uint8_t *data, size_t len)
{
    if (b->oom)
        return;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + len)
            cap *= 2;
        uint8_t *grown = realloc(b->data, cap);
        if (!grown) {
            b->oom = true;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

void aml_byte(struct aml_buf *b, uint8_t v)
{
    aml_append(b, &v, 1);
}

static void little_endian(struct aml_buf *b, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        aml_byte(b, (uint8_t)(v >> (8 * i)));
}

void aml_integer(struct aml_buf *b, uint64_t v)
{
    if (v == 0 || v == 1) {
        aml_byte(b, v ? AML_ONE_OP : AML_ZERO_OP);
    } else if (v == UINT64_MAX) {
        aml_byte(b, AML_ONES_OP);
    } else if (v <= 0xFF) {
        aml_byte(b, AML_BYTE_PFX);
        little_endian(b, v, 1);
    } else if (v <= 0xFFFF) {
        aml_byte(b, AML_WORD_PFX);
        little_endian(b, v, 2);
    } else if (v <= 0xFFFFFFFFu) {
        aml_byte(b, AML_DWORD_PFX);
        little_endian(b, v, 4);
    } else {
        aml_byte(b, AML_QWORD_PFX);
        little_endian(b, v, 8);
    }
}

/* One NameSeg from up to four characters of s (stopping at '.' or the end),
 * padded with '_'; returns the characters used. */
static size_t name_seg(struct aml_buf *b, const char *s)
{
    uint8_t seg[4] = {'_', '_', '_', '_'};
    size_t n = 0;
    while (n < 4 && s[n] && s[n] != '.') {
        seg[n] = (uint8_t)s[n];
        n++;
    }
    aml_append(b, seg, 4);
    return n;
}

void aml_name_string(struct aml_buf *b, const char *path)
{
    if (*path == '\\') {
        aml_byte(b, AML_ROOT_CHAR);
        path++;
    }
    const char *dot = strchr(path, '.');
    if (dot)
        aml_byte(b, AML_DUAL_NAME);
    name_seg(b, path);
    if (dot)
        name_seg(b, dot + 1);
}

/* One byte holds up to 63 (bits 5:0); with 1-3 following bytes the lead
 * byte keeps bits 3:0 and the following ones 8 bits each. */
bool aml_pkg_length(struct aml_buf *b, size_t len)
{
    for (unsigned extra = 0; extra <= 3; extra++) {
        size_t total = len + 1 + extra;
        size_t limit = extra == 0 ? 0x40 : (size_t)1 << (4 + 8 * extra);
        if (total >= limit)
            continue;
        if (extra == 0) {
            aml_byte(b, (uint8_t)total);
            return true;
        }
        aml_byte(b, (uint8_t)(extra << 6 | (total & 0x0F)));
        little_endian(b, total >> 4, extra);
        return true;
    }
    return false;
}

/* op, PkgLength, then head and body (either may be NULL). */
static void with_length(struct aml_buf *b, const uint8_t *op, size_t oplen,
                        const struct aml_buf *head, const struct aml_buf *body)
{
    size_t hl = head ? head->len : 0, bl = body ? body->len : 0;
    if ((head && head->oom) || (body && body->oom)) {
        b->oom = true;
        return;
    }
    aml_append(b, op, oplen);
    if (!aml_pkg_length(b, hl + bl)) {
        b->oom = true;
        return;
    }
    if (hl)
        aml_append(b, head->data, hl);
    if (bl)
        aml_append(b, body->data, bl);
}

void aml_name(struct aml_buf *b, const char *path, const struct aml_buf *value)
{
    if (value->oom) {
        b->oom = true;
        return;
    }
    aml_byte(b, AML_NAME_OP);
    aml_name_string(b, path);
    aml_append(b, value->data, value->len);
}

void aml_package(struct aml_buf *b, unsigned n, const struct aml_buf *elements)
{
    static const uint8_t op = AML_PACKAGE_OP;
    struct aml_buf head = {0};
    aml_byte(&head, (uint8_t)n); /* NumElements: at most 255 */
    with_length(b, &op, 1, &head, elements);
    aml_free(&head);
}

void aml_buffer(struct aml_buf *b, const uint8_t *bytes, size_t len)
{
    static const uint8_t op = AML_BUFFER_OP;
    struct aml_buf head = {0}, body = {0};
    aml_integer(&head, len); /* BufferSize */
    aml_append(&body, bytes, len);
    with_length(b, &op, 1, &head, &body);
    aml_free(&head);
    aml_free(&body);
}

void aml_device(struct aml_buf *b, const char *path, const struct aml_buf *body)
{
    static const uint8_t op[2] = {AML_EXT_PREFIX, AML_DEVICE_OP};
    struct aml_buf head = {0};
    aml_name_string(&head, path);
    with_length(b, op, 2, &head, body);
    aml_free(&head);
}

/* Three letters of five bits each (A = 1), then four hex digits. */
uint32_t aml_eisa_id(const char *id)
{
    unsigned c1 = (unsigned)(id[0] - '@'), c2 = (unsigned)(id[1] - '@'),
             c3 = (unsigned)(id[2] - '@');
    uint32_t product = (uint32_t)strtoul(id + 3, NULL, 16);
    uint8_t bytes[4] = {(uint8_t)(c1 << 2 | c2 >> 3), (uint8_t)((c2 & 7) << 5 | c3),
                        (uint8_t)(product >> 8), (uint8_t)product};
    return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
           (uint32_t)bytes[3] << 24;
}

void aml_name_package(struct aml_buf *b, const char *name, const uint64_t *v, unsigned n)
{
    struct aml_buf elements = {0}, pkg = {0};
    for (unsigned i = 0; i < n; i++)
        aml_integer(&elements, v[i]);
    aml_package(&pkg, n, &elements);
    aml_name(b, name, &pkg);
    aml_free(&elements);
    aml_free(&pkg);
}
