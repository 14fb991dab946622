/* MOO parser: a cursor over nested chunks, each length checked against the
 * enclosing chunk; unknown tags skipped. */
#include "moo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MOO_MAX_FILE (256u << 20) /* refuse absurd decompressed sizes */

struct cursor {
    const uint8_t *p;
    size_t len, pos;
};

static bool take(struct cursor *c, size_t n, const uint8_t **out)
{
    if (n > c->len - c->pos)
        return false;
    *out = c->p + c->pos;
    c->pos += n;
    return true;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* Next chunk: tag and a sub-cursor over its payload. */
static bool next_chunk(struct cursor *c, char tag[5], struct cursor *payload)
{
    const uint8_t *h, *body;
    if (!take(c, 8, &h))
        return false;
    uint32_t n = le32(h + 4);
    if (!take(c, n, &body))
        return false;
    memcpy(tag, h, 4);
    tag[4] = '\0';
    *payload = (struct cursor){body, n, 0};
    return true;
}

static bool fail(char *err, size_t errlen, const char *what, uint32_t test)
{
    snprintf(err, errlen, "malformed MOO data: %s (test %u)", what, test);
    return false;
}

static bool parse_regs(struct cursor *c, struct moo_state *s)
{
    const uint8_t *p;
    if (!take(c, 2, &p))
        return false;
    s->mask = le16(p);
    if (s->mask >> MOO_NREGS)
        return false;
    for (int i = 0; i < MOO_NREGS; i++) {
        if (!(s->mask & (1u << i)))
            continue;
        if (!take(c, 2, &p))
            return false;
        s->regs[i] = le16(p);
    }
    return true;
}

static bool parse_ram(struct cursor *c, struct moo_state *s)
{
    const uint8_t *p;
    if (!take(c, 4, &p) || s->ram)
        return false;
    uint32_t n = le32(p);
    if (n > (c->len - c->pos) / 5)
        return false;
    s->ram = calloc(n ? n : 1, sizeof(*s->ram));
    if (!s->ram)
        return false;
    s->nram = n;
    for (uint32_t i = 0; i < n; i++) {
        take(c, 5, &p);
        s->ram[i].addr = le32(p);
        s->ram[i].val = p[4];
        if (s->ram[i].addr > 0xFFFFFF)
            return false; /* the 286 has 24 address lines */
    }
    return true;
}

static bool parse_state(struct cursor *c, struct moo_state *s)
{
    char tag[5];
    struct cursor sub;
    while (c->pos < c->len) {
        if (!next_chunk(c, tag, &sub))
            return false;
        if (strcmp(tag, "REGS") == 0 && !parse_regs(&sub, s))
            return false;
        if (strcmp(tag, "RAM ") == 0 && !parse_ram(&sub, s))
            return false;
    }
    return true;
}

static bool parse_counted(struct cursor *c, uint8_t *dst, size_t cap, uint32_t *n_out,
                          bool truncate)
{
    const uint8_t *p, *body;
    if (!take(c, 4, &p))
        return false;
    uint32_t n = le32(p);
    if (!take(c, n, &body))
        return false;
    if (n > cap && !truncate)
        return false;
    uint32_t keep = n > cap ? (uint32_t)cap : n;
    memcpy(dst, body, keep);
    *n_out = keep;
    return true;
}

static void free_test(struct moo_test *t)
{
    free(t->init.ram);
    free(t->final.ram);
}

static bool parse_test(struct cursor *c, struct moo_test *t, char *err, size_t errlen)
{
    const uint8_t *p;
    if (!take(c, 4, &p))
        return fail(err, errlen, "TEST without index", 0);
    t->index = le32(p);
    char tag[5];
    struct cursor sub;
    bool have_init = false, have_bytes = false;
    while (c->pos < c->len) {
        if (!next_chunk(c, tag, &sub))
            return fail(err, errlen, "subchunk overruns TEST", t->index);
        bool ok = true;
        uint32_t n;
        if (strcmp(tag, "NAME") == 0) {
            ok = parse_counted(&sub, (uint8_t *)t->name, MOO_MAX_NAME - 1, &n, true);
            t->name[ok ? n : 0] = '\0';
        } else if (strcmp(tag, "BYTS") == 0) {
            ok = parse_counted(&sub, t->bytes, MOO_MAX_BYTES, &t->nbytes, false);
            have_bytes = ok;
        } else if (strcmp(tag, "INIT") == 0) {
            ok = !have_init && parse_state(&sub, &t->init);
            have_init = true;
        } else if (strcmp(tag, "FINA") == 0) {
            ok = parse_state(&sub, &t->final);
        } else if (strcmp(tag, "EXCP") == 0) {
            ok = take(&sub, 5, &p);
            if (ok) {
                t->has_exception = true;
                t->exc_vector = p[0];
                t->exc_flags_addr = le32(p + 1);
            }
        } else if (strcmp(tag, "HASH") == 0) {
            ok = take(&sub, 20, &p);
            if (ok)
                memcpy(t->hash, p, 20);
        }
        if (!ok)
            return fail(err, errlen, tag, t->index);
    }
    if (!have_init || !have_bytes || t->init.mask != (1u << MOO_NREGS) - 1)
        return fail(err, errlen, "test without full INIT state or BYTS", t->index);
    return true;
}

static bool parse_meta(struct cursor *c, struct moo_file *f)
{
    const uint8_t *p;
    /* u8 major, minor, cpu_type; u32 opcode; char mnemonic[8]; u32 count;
     * u64 seed; u8 cpu_mode; u8 reserved[3] */
    if (!take(c, 28, &p))
        return false;
    f->opcode = le32(p + 3);
    memcpy(f->mnemonic, p + 7, 8);
    f->mnemonic[8] = '\0';
    for (int i = 7; i >= 0 && f->mnemonic[i] == ' '; i--)
        f->mnemonic[i] = '\0';
    f->cpu_mode = p[27];
    return true;
}

void moo_free(struct moo_file *f)
{
    for (uint32_t i = 0; i < f->ntests; i++)
        free_test(&f->tests[i]);
    free(f->tests);
    *f = (struct moo_file){0};
}

bool moo_parse(const uint8_t *data, size_t len, struct moo_file *out, char *err, size_t errlen)
{
    struct cursor c = {data, len, 0};
    struct moo_file f = {0};
    char tag[5];
    struct cursor sub;
    const uint8_t *p;
    if (!next_chunk(&c, tag, &sub) || strcmp(tag, "MOO ") != 0 || !take(&sub, 12, &p))
        return fail(err, errlen, "no MOO header", 0);
    memcpy(f.cpu, p + 8, 4);
    /* Count TEST chunks first (the header counts are not trusted). */
    size_t tests_at = c.pos, count = 0;
    while (c.pos < c.len) {
        if (!next_chunk(&c, tag, &sub))
            return fail(err, errlen, "chunk overruns file", 0);
        count += strcmp(tag, "TEST") == 0;
    }
    f.tests = calloc(count ? count : 1, sizeof(*f.tests));
    if (!f.tests)
        return fail(err, errlen, "out of memory", 0);
    c.pos = tests_at;
    while (c.pos < c.len) {
        next_chunk(&c, tag, &sub);
        bool ok = true;
        if (strcmp(tag, "META") == 0) {
            ok = parse_meta(&sub, &f) || fail(err, errlen, "short META", 0);
        } else if (strcmp(tag, "TEST") == 0) {
            ok = parse_test(&sub, &f.tests[f.ntests], err, errlen);
            f.ntests++; /* counted even on failure, so moo_free releases it */
        }
        if (!ok) {
            moo_free(&f);
            return false;
        }
    }
    *out = f;
    return true;
}

bool moo_load(const char *path, struct moo_file *out, char *err, size_t errlen)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        snprintf(err, errlen, "%s: cannot open", path);
        return false;
    }
    size_t cap = 1 << 20, len = 0;
    uint8_t *buf = malloc(cap);
    int n = 0;
    while (buf && (n = gzread(gz, buf + len, (unsigned)(cap - len))) > 0) {
        len += (size_t)n;
        if (len == cap) {
            uint8_t *nb = cap < MOO_MAX_FILE ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    gzclose(gz);
    if (!buf || n < 0) {
        free(buf);
        snprintf(err, errlen, "%s: read error or file too large", path);
        return false;
    }
    char inner[200];
    bool ok = moo_parse(buf, len, out, inner, sizeof(inner));
    free(buf);
    if (!ok)
        snprintf(err, errlen, "%s: %s", path, inner);
    return ok;
}

void moo_hash_hex(const struct moo_test *t, char *buf)
{
    for (int i = 0; i < 20; i++)
        sprintf(buf + 2 * i, "%02x", t->hash[i]);
}
