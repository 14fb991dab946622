/* Device state descriptions: each device lists its fields once, and save,
 * restore and migration are derived from the table (shared/DESIGN.md
 * "Device API"); no device writes its own serializer. */
#ifndef JIT86_HW_CORE_VMSTATE_H
#define JIT86_HW_CORE_VMSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vms_type {
    VMS_U8,
    VMS_U16,
    VMS_U32,
    VMS_U64,
    VMS_I32,
    VMS_I64,
    VMS_BOOL,
    VMS_TIMER,  /* struct hw_timer: pending flag and expiry; re-armed on load */
    VMS_STRUCT, /* nested description, `count` instances */
};

struct vms_desc;

struct vms_field {
    const char *name;
    enum vms_type type;
    size_t offset;
    size_t size;                /* sizeof one element, checked against the type */
    uint32_t count;             /* array length (1 for a scalar) */
    uint32_t since;             /* first stream version holding this field */
    const struct vms_desc *sub; /* VMS_STRUCT */
};

struct vms_desc {
    const char *name;
    uint32_t version;
    uint32_t min_version;           /* oldest stream version load accepts */
    const struct vms_field *fields; /* ends with an entry whose name is NULL */
    /* Runs after a successful load (recompute derived state, re-raise IRQs).
     * Returns false to reject state that is inconsistent. */
    bool (*post_load)(void *opaque);
};

#define VMS_MEMBER_SIZE(T, f) sizeof(((T *)0)->f)
#define VMS_FIELD(T, f, ty)                                                                        \
    {                                                                                              \
        .name = #f, .type = (ty), .offset = offsetof(T, f), .size = VMS_MEMBER_SIZE(T, f),         \
        .count = 1                                                                                 \
    }
#define VMS_ARRAY(T, f, ty)                                                                        \
    {                                                                                              \
        .name = #f, .type = (ty), .offset = offsetof(T, f), .size = VMS_MEMBER_SIZE(T, f[0]),      \
        .count = VMS_MEMBER_SIZE(T, f) / VMS_MEMBER_SIZE(T, f[0])                                  \
    }
#define VMS_SUB(T, f, d)                                                                           \
    {                                                                                              \
        .name = #f, .type = VMS_STRUCT, .offset = offsetof(T, f), .size = VMS_MEMBER_SIZE(T, f),   \
        .count = 1, .sub = (d)                                                                     \
    }
#define VMS_END                                                                                    \
    {                                                                                              \
        .name = NULL                                                                               \
    }

/* A growable output buffer. */
struct vms_buf {
    uint8_t *data;
    size_t len, cap;
};
void vms_buf_free(struct vms_buf *b);

/* Checks a description: sizes match types, sub-descriptions valid. Returns
 * false with a message naming the field. Tests call it for every device. */
bool vms_check(const struct vms_desc *d, char *err, size_t errlen);

/* Appends one section (name, version, length, fields) to out. Returns false
 * only when memory runs out. */
bool vms_save(const struct vms_desc *d, const void *opaque, struct vms_buf *out);

/* Reads one section at *pos of data[len] into opaque; advances *pos. Any
 * format error (name, version, length, bad flag value) is reported in one
 * message and leaves opaque unchanged; a post_load rejection is reported too
 * (the fields are loaded by then, so the caller resets the device). */
bool vms_load(const struct vms_desc *d, void *opaque, const uint8_t *data, size_t len, size_t *pos,
              char *err, size_t errlen);

/* Checks one section at *pos like vms_load (header, version, length, flag
 * values) without writing anything; advances *pos and gives its version. */
bool vms_probe(const struct vms_desc *d, const uint8_t *data, size_t len, size_t *pos,
               uint32_t *version, char *err, size_t errlen);

/* The schema of a description at a stream version: every field's type,
 * count and name, nested descriptions inline (vmstate-schema.c). Streams
 * carry it in front of each section so they describe themselves. */
bool vms_schema(const struct vms_desc *d, uint32_t version, struct vms_buf *out);
/* Compares the schema at data[len] with the description's at version; on a
 * difference names the first field that differs. */
bool vms_schema_match(const struct vms_desc *d, uint32_t version, const uint8_t *data, size_t len,
                      char *err, size_t errlen);
/* Appends bytes to a buffer (false when memory runs out). */
bool vms_buf_put(struct vms_buf *b, const void *p, size_t n);

/* RAM in a stream (vmstate-ram.c): 4 KiB pages in ascending order, each run
 * of zero pages as one record, other pages zlib-compressed or raw when that
 * does not pay. Parsing with ram NULL only checks (every page decoded to
 * a scratch page): a loader validates everything before touching RAM. */
#define VMS_PAGE_SIZE 4096u
bool vms_ram_save(const uint8_t *ram, uint64_t size, struct vms_buf *out);
bool vms_ram_parse(const uint8_t *data, size_t len, size_t *pos, uint8_t *ram, uint64_t size,
                   char *err, size_t errlen);

/* A whole machine as one stream (vmstate-stream.c, format in docs/savevm.md):
 * magic and version, a header naming RAM size, CPU model and the sections,
 * the virtual clock, each section with its schema, RAM, and a trailer with a
 * CRC-32 of everything before it. */
#define VMS_STREAM_VERSION 1
#define VMS_STREAM_MAGIC   "JIT86VM\n"
#define VMS_TRAILER_MAGIC  "JIT86END"

struct hw_clock;

struct vms_section {
    char id[32]; /* instance name in the stream: "uart.0", "cpu.0" */
    const struct vms_desc *desc;
    void *opaque;
};

/* A block of guest-visible memory: main RAM, video RAM. */
struct vms_ram {
    char id[16];
    uint8_t *host;
    uint64_t size; /* multiple of VMS_PAGE_SIZE */
};

struct vms_machine {
    const struct vms_section *sections;
    size_t nsections;
    const struct vms_ram *ram; /* ram[0]: the main RAM */
    size_t nram;
    const char *cpu_model; /* CPUID model name; the features must match too */
    uint64_t cpu_features;
    struct hw_clock *clock; /* timers are absolute on it: saved and restored with them */
};

bool vms_stream_save(const struct vms_machine *m, struct vms_buf *out);
/* Checks the whole stream first (trailer, checksum, version, RAM size, CPU,
 * section set, every section and page); only then loads. On failure err has
 * one line and the machine is untouched, except when a device's post_load
 * rejects the loaded values (the caller then resets the machine). */
bool vms_stream_load(const struct vms_machine *m, const uint8_t *data, size_t len, char *err,
                     size_t errlen);
/* The two halves of vms_stream_load: check changes nothing; apply, on a
 * checked stream, fails only when a device's post_load rejects its values. */
bool vms_stream_check(const struct vms_machine *m, const uint8_t *data, size_t len, char *err,
                      size_t errlen);
bool vms_stream_apply(const struct vms_machine *m, const uint8_t *data, size_t len, char *err,
                      size_t errlen);

/* The x86 CPU (vmstate-cpu.c), over cpu_env(); after loading it call
 * vms_cpu_loaded, which resyncs the paging mode and flushes the TLB and all
 * translated code. */
struct x86_cpu;
extern const struct vms_desc vms_cpu_x86;
void vms_cpu_loaded(struct x86_cpu *cpu);

/* The `pc` machine (vmstate-pc.c): every device of the board, the CPU, RAM
 * and video RAM. cpu_model and cpu_features identify the CPU the stream is
 * for (the -cpu model name and feature mask). */
#define VMS_PC_MAX_SECTIONS 40
struct pc_machine;
struct vms_pc {
    struct vms_section sec[VMS_PC_MAX_SECTIONS];
    struct vms_ram ram[2];
    struct vms_machine m;
};
extern const struct vms_desc vms_pc_board;
void vms_pc_describe(struct vms_pc *v, struct pc_machine *pc, struct x86_cpu *cpu,
                     const char *cpu_model, uint64_t cpu_features);
bool vms_pc_save(struct pc_machine *pc, struct x86_cpu *cpu, const char *cpu_model,
                 uint64_t cpu_features, struct vms_buf *out);
/* Loads a stream vms_pc_save wrote. On failure err has one line and the
 * machine is as it was, or, when a device rejected the values it was given
 * after the checks passed, reset to power-on state (err says so). */
bool vms_pc_load(struct pc_machine *pc, struct x86_cpu *cpu, const char *cpu_model,
                 uint64_t cpu_features, const uint8_t *data, size_t len, char *err, size_t errlen);
/* The same without the memory blocks (live migration sends RAM page by
 * page before; the stream still names the CPU and the sections). */
bool vms_pc_save_devices(struct pc_machine *pc, struct x86_cpu *cpu, const char *cpu_model,
                         uint64_t cpu_features, struct vms_buf *out);
bool vms_pc_load_devices(struct pc_machine *pc, struct x86_cpu *cpu, const char *cpu_model,
                         uint64_t cpu_features, const uint8_t *data, size_t len, char *err,
                         size_t errlen);

#endif