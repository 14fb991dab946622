/* Code buffer: W^X by a memfd mapped twice (RW + RX), else one RWX mapping,
 * else RW only (the interpreter needs no execute permission). */
#include "codebuf.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static bool map_dual(struct codebuf *cb, size_t size)
{
    int fd = memfd_create("jit86-code", MFD_CLOEXEC);
    if (fd < 0)
        return false;
    if (ftruncate(fd, (off_t)size) != 0) {
        close(fd);
        return false;
    }
    void *rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    void *rx =
        rw == MAP_FAILED ? MAP_FAILED : mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd); /* the mappings keep the memory */
    if (rx == MAP_FAILED) {
        if (rw != MAP_FAILED)
            munmap(rw, size);
        return false;
    }
    cb->rw = rw;
    cb->rx = rx;
    return true;
}

#if defined(__aarch64__)
/* Whether code changed through the RW view runs from the RX view after the
 * cache maintenance (Arm ARM, "Instruction cache maintenance"). It does on
 * hardware; user-mode emulators that notice code changes by write-protecting
 * the pages they translated (qemu-aarch64) miss writes through the other
 * mapping, and patched jumps would never take effect there: use one RWX
 * mapping then. */
static bool dual_coherent(struct codebuf *cb)
{
    typedef uint32_t (*probe_fn)(void);
    probe_fn fn = (probe_fn)(uintptr_t)cb->rx;
    uint32_t got[2];
    for (uint32_t i = 0; i < 2; i++) {
        uint32_t code[2] = {0x52800000u | (i + 1) << 5, 0xd65f03c0u}; /* MOVZ w0, #i+1; RET */
        memcpy(cb->rw, code, sizeof(code));
        codebuf_flush_icache(cb->rx, sizeof(code));
        got[i] = fn();
    }
    return got[0] == 1 && got[1] == 2;
}
#else
static bool dual_coherent(struct codebuf *cb)
{
    (void)cb;
    return true;
}
#endif

static bool map_single(struct codebuf *cb, size_t size, int prot)
{
    void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return false;
    cb->rw = cb->rx = p;
    return true;
}

bool codebuf_init(struct codebuf *cb, size_t size, enum codebuf_mode best)
{
    memset(cb, 0, sizeof(*cb));
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size = (size + page - 1) & ~(page - 1);
    cb->size = size;
    if (best <= CODEBUF_DUAL && map_dual(cb, size)) {
        if (dual_coherent(cb)) {
            cb->mode = CODEBUF_DUAL;
            return true;
        }
        munmap(cb->rw, size);
        munmap(cb->rx, size);
        cb->rw = cb->rx = NULL;
    }
    if (best <= CODEBUF_RWX && map_single(cb, size, PROT_READ | PROT_WRITE | PROT_EXEC))
        cb->mode = CODEBUF_RWX;
    else if (map_single(cb, size, PROT_READ | PROT_WRITE))
        cb->mode = CODEBUF_RW;
    else
        return false;
    return true;
}

void codebuf_destroy(struct codebuf *cb)
{
    if (cb->rw)
        munmap(cb->rw, cb->size);
    if (cb->rx && cb->rx != cb->rw)
        munmap(cb->rx, cb->size);
    memset(cb, 0, sizeof(*cb));
}

void codebuf_commit(struct codebuf *cb, size_t n)
{
    size_t end = (cb->used + n + 15) & ~(size_t)15;
    cb->used = end < cb->size ? end : cb->size;
}

void codebuf_reset(struct codebuf *cb)
{
    cb->used = 0;
}

const char *codebuf_mode_name(enum codebuf_mode m)
{
    static const char *const names[] = {"dual-mapped W^X", "rwx", "rw (no exec)"};
    return names[m];
}

void codebuf_flush_icache(const void *rx, size_t len)
{
    char *p = (char *)(uintptr_t)rx;
    __builtin___clear_cache(p, p + len);
}
