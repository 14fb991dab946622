/* Code buffer: one mmap'd region for host code, W^X by dual mapping of a
 * memfd (RW view to emit, RX view to run) where the host allows it. */
#ifndef JIT86_TRANSLATOR_CODEBUF_H
#define JIT86_TRANSLATOR_CODEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum codebuf_mode {
    CODEBUF_DUAL, /* memfd mapped twice: RW + RX */
    CODEBUF_RWX,  /* one RWX mapping */
    CODEBUF_RW,   /* not executable: enough for the interpreter */
};

struct codebuf {
    uint8_t *rw;
    uint8_t *rx;
    size_t size;
    size_t used;
    enum codebuf_mode mode;
};

/* Maps size bytes, trying the modes from best down (tests pass a worse best
 * to exercise the fallbacks); false if none works. */
bool codebuf_init(struct codebuf *cb, size_t size, enum codebuf_mode best);
void codebuf_destroy(struct codebuf *cb);
static inline size_t codebuf_room(const struct codebuf *cb)
{
    return cb->size - cb->used;
}
/* Marks n bytes at the current position used, keeping 16-byte alignment. */
void codebuf_commit(struct codebuf *cb, size_t n);
void codebuf_reset(struct codebuf *cb);
/* Writable alias of an address in the executable view. */
static inline uint8_t *codebuf_rw_of(const struct codebuf *cb, const void *rx)
{
    return cb->rw + ((const uint8_t *)rx - cb->rx);
}
static inline bool codebuf_contains(const struct codebuf *cb, uintptr_t rx)
{
    return rx >= (uintptr_t)cb->rx && rx < (uintptr_t)cb->rx + cb->used;
}
const char *codebuf_mode_name(enum codebuf_mode m);
/* Makes freshly written code visible to instruction fetch. */
void codebuf_flush_icache(const void *rx, size_t len);

#endif
