/* Reader for the MOO single-step CPU test format (SingleStepTests; format
 * described in shared/testdata/README.md): gzip'd little-endian chunks. The
 * parser is bad-input code: every length is checked against its container. */
#ifndef JIT86_TESTS_MOO_H
#define JIT86_TESTS_MOO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Register order of REGS chunks (bit n of the mask). */
enum moo_reg {
    MOO_AX,
    MOO_BX,
    MOO_CX,
    MOO_DX,
    MOO_CS,
    MOO_SS,
    MOO_DS,
    MOO_ES,
    MOO_SP,
    MOO_BP,
    MOO_SI,
    MOO_DI,
    MOO_IP,
    MOO_FLAGS,
    MOO_NREGS
};

struct moo_ram_entry {
    uint32_t addr;
    uint8_t val;
};

struct moo_state {
    uint16_t mask; /* which of regs[] are present */
    uint16_t regs[MOO_NREGS];
    uint32_t nram;
    struct moo_ram_entry *ram;
};

#define MOO_MAX_BYTES 32
#define MOO_MAX_NAME  96

struct moo_test {
    uint32_t index;          /* upstream index */
    char name[MOO_MAX_NAME]; /* disassembly, NUL-terminated (truncated if longer) */
    uint8_t bytes[MOO_MAX_BYTES];
    uint32_t nbytes;
    struct moo_state init, final;
    bool has_exception;
    uint8_t exc_vector;
    uint32_t exc_flags_addr;
    uint8_t hash[20];
};

struct moo_file {
    char cpu[5]; /* "C286" */
    uint32_t opcode;
    char mnemonic[9];
    uint8_t cpu_mode; /* 0: real mode */
    uint32_t ntests;
    struct moo_test *tests;
};

/* Parses a whole decompressed file. Returns false with one line in err on any
 * malformed input; out is then empty (nothing to free). */
bool moo_parse(const uint8_t *data, size_t len, struct moo_file *out, char *err, size_t errlen);
/* Reads and parses a .MOO.gz (or plain .MOO) file. */
bool moo_load(const char *path, struct moo_file *out, char *err, size_t errlen);
void moo_free(struct moo_file *f);
/* The test's hash as 40 hex digits (buf of at least 41 bytes). */
void moo_hash_hex(const struct moo_test *t, char *buf);

#endif
