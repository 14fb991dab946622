/* jit86-translate: one translation block made visible, stage by stage, per
 * guest instruction (guest bytes, decoded instruction, IR, optimized IR, host
 * code). The pipeline fills a struct xl_result; the printers render it. */
#ifndef JIT86_UI_TRANSLATE_H
#define JIT86_UI_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A growable string. */
struct xl_text {
    char *s;
    size_t len, cap;
};
void xl_printf(struct xl_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *xl_str(const struct xl_text *t);
void xl_free(struct xl_text *t);

#define XL_MAX_INSNS  64
/* The scratch translator's code buffer: host addresses within it are the
 * block's own code, the prologue and the epilogue. */
#define XL_CODE_SIZE (1u << 20)
#define XL_MAX_PASSES 8

struct xl_insn {
    uint32_t addr;
    unsigned len;
    uint8_t bytes[16];
    char decoded[160];  /* jit86's decoder: mnemonic, opcode, operand forms */
    char capstone[200]; /* Capstone's disassembly of the same bytes */
    struct xl_text ir, ir_opt, host;
};

struct xl_pass {
    const char *name;
    unsigned before, after; /* op counts */
    struct xl_text diff;    /* "- op" removed, "+ op" added in its place */
};

struct xl_options {
    unsigned mode;       /* 16 or 32 */
    uint32_t addr;       /* linear (= physical) address of the first byte */
    uint32_t cs_base;    /* CS base (real mode: a multiple of 16); EIP = addr - cs_base */
    const char *backend; /* x86_64, aarch64 or interp */
    const uint8_t *code;
    size_t len;
};

struct xl_result {
    struct xl_options opt;
    unsigned ninsns;
    struct xl_insn insn[XL_MAX_INSNS];
    struct xl_text entry_ir, entry_ir_opt, entry_host; /* block entry (before insn 1) */
    struct xl_text slow_host;                          /* out-of-line slow paths */
    struct xl_pass pass[XL_MAX_PASSES];
    unsigned npasses;
    unsigned ops_before, ops_after;
    uint32_t guest_bytes, host_bytes;
    unsigned nrestore, nslots;
    bool crosses_page;
};

/* translate-pipeline.c: runs the stages; false with a one-line reason in err. */
bool xl_translate(const struct xl_options *opt, struct xl_result *r, char *err, size_t errlen);
void xl_result_free(struct xl_result *r);
/* The guest instruction at eip (offset in CS), -1 if none. */
int xl_insn_index(const struct xl_result *r, uint64_t eip);

/* translate-host.c: the host code of tb (translated from opt, the optimized
 * block) into r's per-instruction host listings. */
struct translator;
struct tb;
struct ir_block;
void xl_host_code(struct xl_result *r, struct translator *tr, const struct tb *tb,
                  const struct ir_block *opt);

/* translate-info.c: `info tb ADDR` for the monitor: the code at linear ADDR
 * of the running guest, in its current mode, through every stage (a fresh
 * translation on a scratch machine: the live cache is untouched). False
 * with a one-line reason in f when the address is not mapped. */
struct x86_cpu;
bool xl_info_tb(struct x86_cpu *cpu, uint32_t addr, FILE *f);

/* translate-print.c */
void xl_print_text(const struct xl_result *r, FILE *f);
void xl_print_json(const struct xl_result *r, FILE *f);
void xl_print_html(const struct xl_result *r, FILE *f);

#endif
