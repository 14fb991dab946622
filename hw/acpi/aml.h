/* A small AML byte-code emitter for the DSDT (ACPI 6.5 §20, "ACPI Machine
 * Language Specification"): integers, names, packages, and the package
 * length encoding. Only what jit86's tables use. */
#ifndef JIT86_HW_ACPI_AML_H
#define JIT86_HW_ACPI_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growing byte buffer; on allocation failure it stops growing and sets oom. */
struct aml_buf {
    uint8_t *data;
    size_t len, cap;
    bool oom;
};

void aml_free(struct aml_buf *b);
void aml_byte(struct aml_buf *b, uint8_t v);
void aml_append(struct aml_buf *b, const uint8_t *data, size_t len);
/* An integer with the shortest encoding: ZeroOp, OneOp, OnesOp, BytePrefix,
 * WordPrefix, DWordPrefix or QWordPrefix (§20.2.3). */
void aml_integer(struct aml_buf *b, uint64_t v);
/* PkgLength for a body of len bytes: the encoded length counts itself
 * (§20.2.4). Returns false when len does not fit in 28 bits. */
bool aml_pkg_length(struct aml_buf *b, size_t len);
/* A NameString: "\\_SB.PCI0", "_HID": an optional root char, then one or
 * two dot-separated segments (§20.2.2 NameSeg, DualNamePath). */
void aml_name_string(struct aml_buf *b, const char *path);
/* Name(PATH, value): value is the encoded data object (§20.2.5.1 DefName). */
void aml_name(struct aml_buf *b, const char *path, const struct aml_buf *value);
/* Package(n) {elements}: elements holds n encoded data objects (§20.2.5.4). */
void aml_package(struct aml_buf *b, unsigned n, const struct aml_buf *elements);
/* Buffer(len) {bytes} (§20.2.5.4 DefBuffer), e.g. a ResourceTemplate. */
void aml_buffer(struct aml_buf *b, const uint8_t *bytes, size_t len);
/* Device(PATH) {body} (§20.2.5.2 DefDevice). */
void aml_device(struct aml_buf *b, const char *path, const struct aml_buf *body);
/* EISA ID "PNP0A03" as its compressed 32-bit integer (§6.1.5 _HID). */
uint32_t aml_eisa_id(const char *id);
/* Name(\NAME, Package() {v[0], ..., v[n-1]}) of integers. */
void aml_name_package(struct aml_buf *b, const char *name, const uint64_t *v, unsigned n);

#endif
