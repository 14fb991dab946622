/* metadata.json lookups with jansson (Debian's libjansson). */
#include "metadata.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

struct moo_meta {
    json_t *root;
    json_t *opcodes;
};

struct moo_meta *moo_meta_load(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
        return NULL;
    }
    json_t *ops = json_object_get(root, "opcodes");
    if (!json_is_object(ops)) {
        snprintf(err, errlen, "%s: no \"opcodes\" object", path);
        json_decref(root);
        return NULL;
    }
    struct moo_meta *m = malloc(sizeof(*m));
    if (!m) {
        json_decref(root);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->root = root;
    m->opcodes = ops;
    return m;
}

void moo_meta_free(struct moo_meta *m)
{
    if (!m)
        return;
    json_decref(m->root);
    free(m);
}

bool moo_file_key(const char *filename, char key[8], int *reg)
{
    const char *base = strrchr(filename, '/');
    base = base ? base + 1 : filename;
    size_t n = 0;
    while (isxdigit((unsigned char)base[n]) && n < 7)
        n++;
    if (n == 0 || n % 2 || base[n] != '.')
        return false;
    memcpy(key, base, n);
    key[n] = '\0';
    for (size_t i = 0; i < n; i++)
        key[i] = (char)toupper((unsigned char)key[i]);
    *reg = -1;
    const char *rest = base + n + 1;
    if (rest[0] >= '0' && rest[0] <= '7' && rest[1] == '.') {
        *reg = rest[0] - '0';
        rest += 2;
    }
    return strncmp(rest, "MOO", 3) == 0;
}

static json_t *entry(const struct moo_meta *m, const char *key, int reg)
{
    json_t *op = json_object_get(m->opcodes, key);
    if (!json_is_object(op))
        return NULL;
    json_t *regs = json_object_get(op, "reg");
    if (reg >= 0 && json_is_object(regs)) {
        char r[2] = {(char)('0' + reg), '\0'};
        return json_object_get(regs, r);
    }
    return op;
}

uint16_t moo_meta_flags_mask(const struct moo_meta *m, const char *key, int reg)
{
    json_t *e = entry(m, key, reg);
    json_t *mask = e ? json_object_get(e, "flags-mask") : NULL;
    if (!json_is_integer(mask))
        return 0xFFFF;
    json_int_t v = json_integer_value(mask);
    return v < 0 || v > 0xFFFF ? 0xFFFF : (uint16_t)v;
}

const char *moo_meta_status(const struct moo_meta *m, const char *key, int reg)
{
    json_t *e = entry(m, key, reg);
    json_t *s = e ? json_object_get(e, "status") : NULL;
    return json_is_string(s) ? json_string_value(s) : "";
}
