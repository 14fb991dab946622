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

#endif
