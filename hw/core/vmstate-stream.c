/* The machine state stream: header, virtual clock, one self-describing
 * section per device and CPU, RAM, CRC-32 trailer (docs/savevm.md). Loading
 * checks all of it before the first byte of machine state changes. */
#include "vmstate.h"

#include "clock.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#define MAGIC_LEN   8
#define TRAILER_LEN (MAGIC_LEN + 4)

static bool put_u32(struct vms_buf *b, uint32_t v)
{
    uint8_t p[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    return vms_buf_put(b, p, 4);
}

static bool put_u64(struct vms_buf *b, uint64_t v)
{
    return put_u32(b, (uint32_t)v) && put_u32(b, (uint32_t)(v >> 32));
}

static bool put_str(struct vms_buf *b, const char *s)
{
    size_t n = strlen(s);
    uint8_t l = (uint8_t)(n > 255 ? 255 : n);
    return vms_buf_put(b, &l, 1) && vms_buf_put(b, s, l);
}

static bool save_header(const struct vms_machine *m, struct vms_buf *out)
{
    if (!vms_buf_put(out, VMS_STREAM_MAGIC, MAGIC_LEN) || !put_u32(out, VMS_STREAM_VERSION) ||
        !put_u64(out, m->cpu_features) || !put_str(out, m->cpu_model) ||
        !put_u32(out, (uint32_t)m->nram))
        return false;
    for (size_t i = 0; i < m->nram; i++)
        if (!put_str(out, m->ram[i].id) || !put_u64(out, m->ram[i].size))
            return false;
    if (!put_u32(out, (uint32_t)m->nsections))
        return false;
    for (size_t i = 0; i < m->nsections; i++)
        if (!put_str(out, m->sections[i].id))
            return false;
    return put_u64(out, (uint64_t)clock_now(m->clock));
}

static bool save_section(const struct vms_section *s, struct vms_buf *out)
{
    struct vms_buf schema = {0};
    bool ok = vms_schema(s->desc, s->desc->version, &schema) && put_str(out, s->id) &&
              put_u32(out, (uint32_t)schema.len) && vms_buf_put(out, schema.data, schema.len) &&
              vms_save(s->desc, s->opaque, out);
    vms_buf_free(&schema);
    return ok;
}

bool vms_stream_save(const struct vms_machine *m, struct vms_buf *out)
{
    size_t start = out->len;
    if (!save_header(m, out))
        return false;
    for (size_t i = 0; i < m->nsections; i++)
        if (!save_section(&m->sections[i], out))
            return false;
    for (size_t i = 0; i < m->nram; i++)
        if (!vms_ram_save(m->ram[i].host, m->ram[i].size, out))
            return false;
    if (!vms_buf_put(out, VMS_TRAILER_MAGIC, MAGIC_LEN))
        return false;
    return put_u32(out, (uint32_t)crc32(0, out->data + start, (uInt)(out->len - start)));
}

/* A bounds-checked reader: the first failure sticks. */
struct reader {
    const uint8_t *d;
    size_t len, pos;
    bool ok;
};

static const uint8_t *take(struct reader *r, size_t n)
{
    if (!r->ok || r->len - r->pos < n) {
        r->ok = false;
        return NULL;
    }
    r->pos += n;
    return r->d + r->pos - n;
}

static uint64_t get_uint(struct reader *r, unsigned n)
{
    const uint8_t *p = take(r, n);
    uint64_t v = 0;
    for (unsigned i = 0; p && i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The string at the reader equals s. */
static bool get_str_eq(struct reader *r, const char *s, char *got, size_t gotlen)
{
    size_t n = (size_t)get_uint(r, 1);
    const uint8_t *p = take(r, n);
    if (!p)
        return false;
    size_t i = 0;
    for (; i < n && i + 1 < gotlen; i++) /* for error lines: one printable line */
        got[i] = p[i] >= 0x20 && p[i] < 0x7F ? (char)p[i] : '?';
    got[i] = 0;
    return strlen(s) == n && memcmp(p, s, n) == 0;
}

static bool check_envelope(const uint8_t *data, size_t len, char *err, size_t errlen)
{
    if (len < MAGIC_LEN + 4 || memcmp(data, VMS_STREAM_MAGIC, MAGIC_LEN) != 0) {
        snprintf(err, errlen, "not a jit86 machine state stream");
        return false;
    }
    if (len < MAGIC_LEN + 4 + TRAILER_LEN ||
        memcmp(data + len - TRAILER_LEN, VMS_TRAILER_MAGIC, MAGIC_LEN) != 0) {
        snprintf(err, errlen, "machine state is truncated (no trailer)");
        return false;
    }
    uint32_t want = (uint32_t)data[len - 4] | (uint32_t)data[len - 3] << 8 |
                    (uint32_t)data[len - 2] << 16 | (uint32_t)data[len - 1] << 24;
    if ((uint32_t)crc32(0, data, (uInt)(len - 4)) != want) {
        snprintf(err, errlen, "machine state is corrupt (checksum mismatch)");
        return false;
    }
    uint32_t version = (uint32_t)data[8] | (uint32_t)data[9] << 8 | (uint32_t)data[10] << 16 |
                       (uint32_t)data[11] << 24;
    if (version != VMS_STREAM_VERSION) {
        snprintf(err, errlen, "machine state stream version %u not supported (this build: %u)",
                 version, VMS_STREAM_VERSION);
        return false;
    }
    return true;
}

static bool check_ram_blocks(const struct vms_machine *m, struct reader *r, char *err,
                             size_t errlen)
{
    char got[256];
    uint32_t n = (uint32_t)get_uint(r, 4);
    if (r->ok && n != m->nram) {
        snprintf(err, errlen, "machine state has %u memory blocks, this machine %zu", n, m->nram);
        return false;
    }
    for (size_t i = 0; r->ok && i < m->nram; i++) {
        bool id_ok = get_str_eq(r, m->ram[i].id, got, sizeof(got));
        uint64_t size = get_uint(r, 8);
        if (r->ok && !id_ok) {
            snprintf(err, errlen, "machine state has memory '%s' where this machine has '%s'", got,
                     m->ram[i].id);
            return false;
        }
        if (r->ok && size != m->ram[i].size) {
            snprintf(err, errlen,
                     "machine state has %" PRIu64 " MiB of %s, this machine %" PRIu64 " MiB",
                     size >> 20, m->ram[i].id, m->ram[i].size >> 20);
            return false;
        }
    }
    return true;
}

static bool check_header(const struct vms_machine *m, struct reader *r, int64_t *clock_ns,
                         char *err, size_t errlen)
{
    char got[256];
    uint64_t features = get_uint(r, 8);
    bool model_ok = get_str_eq(r, m->cpu_model, got, sizeof(got));
    if (r->ok && (!model_ok || features != m->cpu_features)) {
        snprintf(err, errlen,
                 "machine state is for CPU '%s' (features %#" PRIx64
                 "), this machine has '%s' (%#" PRIx64 ")",
                 got, features, m->cpu_model, m->cpu_features);
        return false;
    }
    if (!check_ram_blocks(m, r, err, errlen))
        return false;
    uint32_t n = (uint32_t)get_uint(r, 4);
    if (r->ok && n != m->nsections) {
        snprintf(err, errlen, "machine state has %u devices, this machine %zu", n, m->nsections);
        return false;
    }
    for (size_t i = 0; r->ok && i < m->nsections; i++) {
        if (!get_str_eq(r, m->sections[i].id, got, sizeof(got)) && r->ok) {
            snprintf(err, errlen, "machine state has device '%s' where this machine has '%s'", got,
                     m->sections[i].id);
            return false;
        }
    }
    *clock_ns = (int64_t)get_uint(r, 8);
    if (!r->ok)
        snprintf(err, errlen, "machine state header is truncated");
    return r->ok;
}

/* One section: id, schema, then the description's own record. */
static bool check_section(const struct vms_section *s, struct reader *r, char *err, size_t errlen)
{
    char got[256];
    if (!get_str_eq(r, s->id, got, sizeof(got))) {
        snprintf(err, errlen, "%s: section missing (found '%s')", s->id, r->ok ? got : "");
        return false;
    }
    size_t schema_len = (size_t)get_uint(r, 4);
    const uint8_t *schema = take(r, schema_len);
    size_t at = r->pos;
    uint32_t version;
    if (!schema) {
        snprintf(err, errlen, "%s: truncated schema", s->id);
        return false;
    }
    if (!vms_probe(s->desc, r->d, r->len, &at, &version, err, errlen) ||
        !vms_schema_match(s->desc, version, schema, schema_len, err, errlen))
        return false;
    r->pos = at;
    return true;
}

static bool check_all(const struct vms_machine *m, const uint8_t *data, size_t len, char *err,
                      size_t errlen)
{
    struct reader r = {data, len - TRAILER_LEN, MAGIC_LEN + 4, true};
    int64_t clock_ns;
    if (!check_header(m, &r, &clock_ns, err, errlen))
        return false;
    if (clock_ns < 0) {
        snprintf(err, errlen, "machine state has a negative virtual time");
        return false;
    }
    for (size_t i = 0; i < m->nsections; i++)
        if (!check_section(&m->sections[i], &r, err, errlen))
            return false;
    for (size_t i = 0; i < m->nram; i++)
        if (!vms_ram_parse(data, r.len, &r.pos, NULL, m->ram[i].size, err, errlen))
            return false;
    if (r.pos != r.len) {
        snprintf(err, errlen, "machine state has %zu stray bytes before the trailer",
                 r.len - r.pos);
        return false;
    }
    return true;
}

static void set_clock(struct hw_clock *clk, int64_t now)
{
    bool running = clk->running;
    if (running)
        clock_stop(clk);
    clock_set_now(clk, now);
    if (running)
        clock_start(clk);
}

bool vms_stream_check(const struct vms_machine *m, const uint8_t *data, size_t len, char *err,
                      size_t errlen)
{
    return check_envelope(data, len, err, errlen) && check_all(m, data, len, err, errlen);
}

bool vms_stream_apply(const struct vms_machine *m, const uint8_t *data, size_t len, char *err,
                      size_t errlen)
{
    /* Everything checked: apply in the same order. */
    struct reader r = {data, len - TRAILER_LEN, MAGIC_LEN + 4, true};
    int64_t clock_ns = 0;
    check_header(m, &r, &clock_ns, err, errlen);
    set_clock(m->clock, clock_ns);
    for (size_t i = 0; i < m->nsections; i++) {
        const struct vms_section *s = &m->sections[i];
        get_uint(&r, 1);
        take(&r, s->id[0] ? strlen(s->id) : 0);
        take(&r, (size_t)get_uint(&r, 4));
        if (!vms_load(s->desc, s->opaque, r.d, r.len, &r.pos, err, errlen))
            return false; /* only a post_load rejection gets here */
    }
    for (size_t i = 0; i < m->nram; i++)
        vms_ram_parse(data, r.len, &r.pos, m->ram[i].host, m->ram[i].size, err, errlen);
    return true;
}

bool vms_stream_load(const struct vms_machine *m, const uint8_t *data, size_t len, char *err,
                     size_t errlen)
{
    return vms_stream_check(m, data, len, err, errlen) &&
           vms_stream_apply(m, data, len, err, errlen);
}
