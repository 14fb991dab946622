/* jit86-cputest: runs hardware-captured single-instruction tests (MOO files,
 * shared/testdata/README.md) on the real cpu_exec path and compares the
 * result. Shared declarations of its three files. */
#ifndef JIT86_TESTS_CPUTEST_H
#define JIT86_TESTS_CPUTEST_H

#include "tests/conformance/moo.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* ---- the machine (cputest-run.c) ---- */
struct cputest_machine;
/* A machine with a CPU of these features (X86_FEATURE_BIT() mask; the runner leaves the
 * x87 out: the recording machines had none). */
struct cputest_machine *cputest_machine_new(uint64_t features);
void cputest_machine_free(struct cputest_machine *m);
/* Runs one test; false with the first difference in diff. flags_mask applies
 * to FLAGS and to a FLAGS image an exception pushed. */
bool cputest_run(struct cputest_machine *m, const struct moo_test *t, uint16_t flags_mask,
                 char *diff, size_t difflen);

/* ---- the exception table (cputest-exceptions.c) ---- */
struct cputest_rule {
    char kind[16]; /* "prefix", "length", "modrm-reg", "hash", "file" */
    char key[48];
    bool i386_only; /* scope "386+": only models with the 386 extensions differ so */
    char category[32];
    char reason[256];
    unsigned hits;
};
struct cputest_rules {
    struct cputest_rule *rule;
    unsigned n;
};
/* Reads the table; false with a message in err. */
bool cputest_rules_load(const char *path, struct cputest_rules *r, char *err, size_t errlen);
void cputest_rules_free(struct cputest_rules *r);
/* Whether the rule describes a difference of a model with (i386) or without the 386
 * extensions. */
bool cputest_rule_applies(const struct cputest_rule *rule, bool i386);
/* The first rule applying to the model and covering this failing test, or NULL. */
struct cputest_rule *cputest_rules_match(struct cputest_rules *r, const char *file_key,
                                         const struct moo_test *t, bool i386);

#endif
