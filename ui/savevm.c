/* Suspend to a state file and resume from one: `migrate file:PATH` in the
 * monitor and QMP, `-incoming file:PATH` at start (QEMU's spelling), the
 * same through a shell command (`exec:CMD`: its stdin / its stdout) and over
 * a socket to another jit86 (migration.c, live: migration-live.c). The
 * file is the machine state stream of hw/core/vmstate.h (docs/savevm.md). */
#include "savevm.h"

#include "migration.h"
#include "vm.h"

#include "hw/core/vmstate.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The CPU the stream is for: -cpu's model and feature mask, as cpu_new got them. */
static void cpu_identity(const struct vm *vm, const char **name, uint64_t *features)
{
    const struct cpu_model *model = NULL;
    uint64_t f = 0;
    if (vm->opts->cpu_model)
        cpu_model_parse(vm->opts->cpu_model, &f, &model); /* checked when the CPU was built */
    *name = (model ? model : cpu_model_default())->name;
    *features = f ? f : CPU_FEATURES_IMPLEMENTED;
}

bool vm_save_stream(struct vm *vm, struct vms_buf *out, char *err, size_t errlen)
{
    const char *model;
    uint64_t features;
    cpu_identity(vm, &model, &features);
    if (!vms_pc_save(vm->pc, vm->cpu, model, features, out)) {
        snprintf(err, errlen, "out of memory saving the machine state");
        return false;
    }
    return true;
}

bool vm_load_stream(struct vm *vm, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    const char *model;
    uint64_t features;
    cpu_identity(vm, &model, &features);
    return vms_pc_load(vm->pc, vm->cpu, model, features, data, len, err, errlen);
}

bool vm_save_devices(struct vm *vm, struct vms_buf *out, char *err, size_t errlen)
{
    const char *model;
    uint64_t features;
    cpu_identity(vm, &model, &features);
    if (!vms_pc_save_devices(vm->pc, vm->cpu, model, features, out)) {
        snprintf(err, errlen, "out of memory saving the machine state");
        return false;
    }
    return true;
}

bool vm_load_devices(struct vm *vm, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    const char *model;
    uint64_t features;
    cpu_identity(vm, &model, &features);
    return vms_pc_load_devices(vm->pc, vm->cpu, model, features, data, len, err, errlen);
}

static const char *file_uri(const char *uri, char *err, size_t errlen)
{
    if (strncmp(uri, "file:", 5) != 0 || !uri[5]) {
        snprintf(err, errlen,
                 "migration URI '%s' not supported (file:PATH, exec:CMD, tcp:HOST:PORT, "
                 "unix:PATH)",
                 uri);
        return NULL;
    }
    return uri + 5;
}

/* exec:CMD, as QEMU: the stream goes to the stdin of `/bin/sh -c CMD`, or
 * comes from its stdout. */
static const char *exec_cmd(const char *uri)
{
    return strncmp(uri, "exec:", 5) == 0 && uri[5] ? uri + 5 : NULL;
}

static bool exec_status(FILE *p, const char *cmd, char *err, size_t errlen)
{
    int st = pclose(p);
    if (st == 0)
        return true;
    if (st != -1 && WIFEXITED(st))
        snprintf(err, errlen, "exec:%s: the command exited with status %d", cmd, WEXITSTATUS(st));
    else
        snprintf(err, errlen, "exec:%s: the command failed", cmd);
    return false;
}

/* A command that exits before reading everything must fail the migration,
 * not kill jit86 with SIGPIPE: the signal is blocked in this thread while
 * writing and a pending one is taken back. */
static bool write_exec(const char *cmd, const struct vms_buf *b, char *err, size_t errlen)
{
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    FILE *p = popen(cmd, "w");
    if (!p) {
        snprintf(err, errlen, "exec:%s: %s", cmd, strerror(errno));
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return false;
    }
    bool wrote = fwrite(b->data, 1, b->len, p) == b->len && fflush(p) == 0;
    bool ok = exec_status(p, cmd, err, errlen);
    if (ok && !wrote) {
        snprintf(err, errlen, "exec:%s: the command did not read the whole state", cmd);
        ok = false;
    }
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
        ;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return ok;
}

static bool read_exec(const char *cmd, struct vms_buf *b, char *err, size_t errlen)
{
    FILE *p = popen(cmd, "r");
    if (!p) {
        snprintf(err, errlen, "exec:%s: %s", cmd, strerror(errno));
        return false;
    }
    uint8_t chunk[65536];
    size_t n;
    bool ok = true;
    while (ok && (n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        ok = vms_buf_put(b, chunk, n);
    ok = exec_status(p, cmd, err, errlen) && ok;
    if (!ok && !err[0])
        snprintf(err, errlen, "exec:%s: out of memory reading the state", cmd);
    if (!ok)
        vms_buf_free(b);
    return ok;
}

/* Written beside the target and renamed, so a crash never leaves half a file
 * under the name a resume would read. */
static bool write_file(const char *path, const struct vms_buf *b, char *err, size_t errlen)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(b->data, 1, b->len, f) == b->len;
    if (f && fclose(f) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    return ok;
}

static bool read_file(const char *path, struct vms_buf *b, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        if (f)
            fclose(f);
        return false;
    }
    b->data = malloc(st.st_size ? (size_t)st.st_size : 1);
    b->len = b->cap = (size_t)st.st_size;
    bool ok = b->data && fread(b->data, 1, b->len, f) == b->len;
    fclose(f);
    if (!ok) {
        snprintf(err, errlen, "cannot read %s", path);
        vms_buf_free(b);
    }
    return ok;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static bool send_stream(const char *uri, const struct vms_buf *b, char *err, size_t errlen)
{
    if (migration_uri_is_socket(uri))
        return migration_send(uri, b->data, b->len, err, errlen);
    if (exec_cmd(uri))
        return write_exec(exec_cmd(uri), b, err, errlen);
    return write_file(uri + 5, b, err, errlen);
}

/* Stop and copy: the whole stream at once, the guest paused meanwhile. */
static bool migrate_stopped(struct vm *vm, const char *uri, char *err, size_t errlen)
{
    struct migration_info *m = &vm->migration;
    int64_t t0 = now_ms();
    bool was_running = vm_state(vm) == VM_RUNNING;
    vm_stop(vm);
    struct vms_buf b = {0};
    bool ok = vm_save_stream(vm, &b, err, errlen) && send_stream(uri, &b, err, errlen);
    *m = (struct migration_info){.downtime_limit_ms = m->downtime_limit_ms,
                                 .max_bandwidth = m->max_bandwidth,
                                 .thread = m->thread,
                                 .thread_started = m->thread_started,
                                 .status = ok ? MIGRATION_COMPLETED : MIGRATION_FAILED,
                                 .transferred = b.len,
                                 .total_bytes = mmu_phys_ram_size(vm->pc->mem)};
    m->total_ms = m->downtime_ms = now_ms() - t0;
    if (!ok)
        snprintf(m->error, sizeof(m->error), "%s", err);
    vms_buf_free(&b);
    vm_emit_event(vm, "MIGRATION", json_pack("{s:s}", "status", ok ? "completed" : "failed"));
    if (!ok && was_running)
        vm_cont(vm);
    return ok;
}

/* The source stays paused after a migration that completed, as QEMU's does;
 * after one that failed it runs on if it was running. A running machine
 * migrates live to a socket: this returns once the migration thread runs. */
bool vm_migrate(struct vm *vm, const char *uri, char *err, size_t errlen)
{
    enum migration_status st = vm->migration.status;
    if (st == MIGRATION_SETUP || st == MIGRATION_ACTIVE) {
        snprintf(err, errlen, "There's a migration process in progress");
        return false;
    }
    bool sock = migration_uri_is_socket(uri);
    if (!sock && !exec_cmd(uri) && !file_uri(uri, err, errlen))
        return false;
    if (sock && vm_state(vm) == VM_RUNNING)
        return migration_live_start(vm, uri, err, errlen);
    return migrate_stopped(vm, uri, err, errlen);
}

bool vm_migrate_wait(struct vm *vm, const char *uri, char *err, size_t errlen)
{
    return vm_migrate(vm, uri, err, errlen) && migration_live_wait(vm, err, errlen);
}

bool vm_migration_busy(const struct vm *vm, char *err, size_t errlen)
{
    enum migration_status st = vm->migration.status;
    if (st != MIGRATION_SETUP && st != MIGRATION_ACTIVE)
        return false;
    snprintf(err, errlen, "There's a migration process in progress");
    return true;
}

struct migration_info *vm_migration(struct vm *vm)
{
    return &vm->migration;
}

void vm_migration_end(struct vm *vm)
{
    migration_live_join(vm);
}

static bool incoming_socket(struct vm *vm, const char *uri, char *err, size_t errlen)
{
    int fd = migration_accept(uri, err, errlen);
    uint8_t first[8];
    if (fd < 0)
        return false;
    if (!migration_read(fd, first, 8)) {
        snprintf(err, errlen, "%s: the source went away", uri);
        close(fd);
        return false;
    }
    if (memcmp(first, MIGRATION_LIVE_MAGIC, 8) == 0)
        return migration_live_receive(vm, fd, err, errlen);
    uint64_t len = 0;
    for (int i = 0; i < 8; i++)
        len |= (uint64_t)first[i] << (8 * i);
    struct vms_buf b = {0};
    bool ok = migration_read_stream(fd, len, &b, err, errlen) &&
              vm_load_stream(vm, b.data, b.len, err, errlen);
    vms_buf_free(&b);
    migration_reply(fd, ok, err);
    return ok;
}

bool vm_incoming(struct vm *vm, const char *uri, char *err, size_t errlen)
{
    if (migration_uri_is_socket(uri))
        return incoming_socket(vm, uri, err, errlen);
    struct vms_buf b = {0};
    if (exec_cmd(uri)) {
        if (!read_exec(exec_cmd(uri), &b, err, errlen))
            return false;
    } else {
        const char *path = file_uri(uri, err, errlen);
        if (!path || !read_file(path, &b, err, errlen))
            return false;
    }
    bool ok = vm_load_stream(vm, b.data, b.len, err, errlen);
    vms_buf_free(&b);
    return ok;
}

bool vm_savevm_start(struct vm *vm, char *err, size_t errlen)
{
    if (vm->opts->incoming && !vm_incoming(vm, vm->opts->incoming, err, errlen))
        return false;
    return !vm->opts->loadvm || vm_loadvm(vm, vm->opts->loadvm, err, errlen);
}
