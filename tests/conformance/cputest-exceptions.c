/* The exception table of jit86-cputest: failures that are correct behaviour
 * for the selected CPU model when the suite's reference CPU (an 80286) differs,
 * each with a scope (386+ models, or all), a category and a reason
 * (shared/testdata/README.md, "This is a 286"). */
#include "tests/conformance/cputest.h"

#include <stdlib.h>
#include <string.h>

bool cputest_rules_load(const char *path, struct cputest_rules *r, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    *r = (struct cputest_rules){0};
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return false;
    }
    char line[512];
    unsigned lineno = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *p = line + strspn(line, " \t");
        if (*p == '#' || *p == '\n' || *p == 0)
            continue;
        struct cputest_rule rule = {0};
        int used = 0;
        char scope[8] = "";
        if (sscanf(p, "%15s %47s %7s %31s %n", rule.kind, rule.key, scope, rule.category, &used) <
                4 ||
            (strcmp(scope, "386+") != 0 && strcmp(scope, "all") != 0)) {
            snprintf(err, errlen, "%s:%u: expected KIND KEY SCOPE(386+|all) CATEGORY REASON", path,
                     lineno);
            fclose(f);
            cputest_rules_free(r);
            return false;
        }
        rule.i386_only = !strcmp(scope, "386+");
        static const char *const kinds[] = {"prefix",      "length", "modrm-reg",
                                            "opcode-excp", "hash",   "file"};
        bool known = false;
        for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
            known |= !strcmp(rule.kind, kinds[k]);
        if (!known || p[used] == '\n' || p[used] == 0) {
            snprintf(err, errlen, "%s:%u: %s", path, lineno,
                     known ? "a rule needs a reason" : "unknown rule kind");
            fclose(f);
            cputest_rules_free(r);
            return false;
        }
        snprintf(rule.reason, sizeof(rule.reason), "%s", p + used);
        rule.reason[strcspn(rule.reason, "\n")] = 0;
        struct cputest_rule *nr = realloc(r->rule, (r->n + 1) * sizeof(*nr));
        if (!nr) {
            fclose(f);
            cputest_rules_free(r);
            snprintf(err, errlen, "out of memory");
            return false;
        }
        r->rule = nr;
        r->rule[r->n++] = rule;
    }
    fclose(f);
    return true;
}

void cputest_rules_free(struct cputest_rules *r)
{
    free(r->rule);
    *r = (struct cputest_rules){0};
}

static bool is_prefix(uint8_t b)
{
    return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0xf0 || b == 0xf2 ||
           b == 0xf3 || b == 0x64 || b == 0x65 || b == 0x66 || b == 0x67;
}

static unsigned prefix_count(const struct moo_test *t)
{
    unsigned n = 0;
    while (n < t->nbytes && is_prefix(t->bytes[n]))
        n++;
    return n;
}

static bool has_prefix(const struct moo_test *t, uint8_t b)
{
    unsigned n = prefix_count(t);
    for (unsigned i = 0; i < n; i++)
        if (t->bytes[i] == b)
            return true;
    return false;
}

static bool rule_matches(const struct cputest_rule *rule, const char *file_key,
                         const struct moo_test *t)
{
    if (!strcmp(rule->kind, "prefix"))
        return has_prefix(t, (uint8_t)strtoul(rule->key, NULL, 16));
    if (!strcmp(rule->kind, "length")) {
        /* The test bytes end with the HLT that stops the run. */
        return t->nbytes > 0 && t->nbytes - 1 >= strtoul(rule->key, NULL, 10) && t->has_exception &&
               t->exc_vector == 13;
    }
    if (!strcmp(rule->kind, "modrm-reg")) {
        /* key "8C/4": the opcode byte and ModRM.reg. */
        unsigned op = 0, reg = 0, p = prefix_count(t);
        if (sscanf(rule->key, "%x/%u", &op, &reg) != 2 || p + 1 >= t->nbytes)
            return false;
        return t->bytes[p] == op && ((t->bytes[p + 1] >> 3) & 7) == reg;
    }
    if (!strcmp(rule->kind, "opcode-excp")) {
        /* key "A5/13": the opcode byte and the exception the reference took. */
        unsigned op = 0, vec = 0, p = prefix_count(t);
        if (sscanf(rule->key, "%x/%u", &op, &vec) != 2 || p >= t->nbytes)
            return false;
        return t->bytes[p] == op && t->has_exception && t->exc_vector == vec;
    }
    if (!strcmp(rule->kind, "file"))
        return !strcmp(rule->key, file_key);
    if (!strcmp(rule->kind, "hash")) {
        char hex[41];
        moo_hash_hex(t, hex);
        return !strcmp(rule->key, hex);
    }
    return false;
}

bool cputest_rule_applies(const struct cputest_rule *rule, bool i386)
{
    return i386 || !rule->i386_only;
}

struct cputest_rule *cputest_rules_match(struct cputest_rules *r, const char *file_key,
                                         const struct moo_test *t, bool i386)
{
    for (unsigned i = 0; i < r->n; i++)
        if (cputest_rule_applies(&r->rule[i], i386) && rule_matches(&r->rule[i], file_key, t))
            return &r->rule[i];
    return NULL;
}
