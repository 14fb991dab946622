/* Suspend to a state file and resume from one: `migrate file:PATH` in the
 * monitor and QMP, `-incoming file:PATH` at start (QEMU's spelling), and the
 * same over a socket to another jit86 (migration.c). The
 * file is the machine state stream of hw/core/vmstate.h (docs/savevm.md). */
#include "savevm.h"

#include "migration.h"
#include "vm.h"

#include "hw/core/vmstate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
                 "migration URI '%s' not supported (file:PATH, tcp:HOST:PORT, unix:PATH)", uri);
        return NULL;
    }
    return uri + 5;
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

/* The source stays paused after a migration that completed, as QEMU's does;
 * after one that failed it runs on if it was running. */
bool vm_migrate(struct vm *vm, const char *uri, char *err, size_t errlen)
{
    bool sock = migration_uri_is_socket(uri);
    const char *path = sock ? uri : file_uri(uri, err, errlen);
    if (!path)
        return false;
    if (sock && vm_state(vm) == VM_RUNNING)
        return migration_live_send(vm, uri, err, errlen);
    bool was_running = vm_state(vm) == VM_RUNNING;
    vm_stop(vm);
    struct vms_buf b = {0};
    bool ok = vm_save_stream(vm, &b, err, errlen) &&
              (sock ? migration_send(uri, b.data, b.len, err, errlen)
                    : write_file(path, &b, err, errlen));
    vms_buf_free(&b);
    vm_emit_event(vm, "MIGRATION", json_pack("{s:s}", "status", ok ? "completed" : "failed"));
    if (!ok && was_running)
        vm_cont(vm);
    return ok;
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
    const char *path = file_uri(uri, err, errlen);
    struct vms_buf b = {0};
    if (!path || !read_file(path, &b, err, errlen))
        return false;
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
