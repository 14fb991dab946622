/* Per-opcode metadata of a SingleStepTests suite (metadata.json): status and
 * the undefined-flags mask, looked up by opcode file name. */
#ifndef JIT86_TESTS_METADATA_H
#define JIT86_TESTS_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct moo_meta;

/* Loads metadata.json; NULL with err filled when missing or malformed. */
struct moo_meta *moo_meta_load(const char *path, char *err, size_t errlen);
void moo_meta_free(struct moo_meta *m);

/* Splits a test file name "F6.7.MOO.gz" into opcode key "F6" and group reg 7
 * (-1 for "00.MOO.gz"). Returns false for names not of that form. */
bool moo_file_key(const char *filename, char key[8], int *reg);

/* flags-mask for key/reg (0xFFFF when the suite gives none). */
uint16_t moo_meta_flags_mask(const struct moo_meta *m, const char *key, int reg);
/* status string ("normal", "alias", "undefined", ...) or "" when unknown. */
const char *moo_meta_status(const struct moo_meta *m, const char *key, int reg);

#endif
