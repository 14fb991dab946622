/* Snapshots inside qcow2 images, as QEMU's savevm/loadvm/delvm: every
 * writable disk gets an internal snapshot of its contents; the machine state
 * stream goes into the VM-state area of the first one (docs/savevm.md). */
#include "monitor.h"
#include "savevm.h"
#include "vm.h"

#include "block/block.h"
#include "hw/core/vmstate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DISKS 4

struct disk {
    char name[16]; /* QEMU's drive name: ide0-hd0 */
    struct blk *blk;
};

/* Writable IDE disks in QEMU's order; the first holds the VM state. */
static int writable_disks(struct vm *vm, struct disk *out, char *err, size_t errlen)
{
    int n = 0;
    for (int b = 0; b < 2; b++) {
        for (int u = 0; u < 2; u++) {
            const struct ide_drive *d = &vm->pc->ide.bus[b].drive[u];
            if (d->kind != IDE_DISK || !d->blk || blk_is_read_only(d->blk))
                continue;
            snprintf(out[n].name, sizeof(out[n].name), "ide%d-hd%d", b, u);
            out[n++].blk = d->blk;
        }
    }
    if (!n)
        snprintf(err, errlen, "No block device can accept snapshots");
    return n;
}

/* The snapshot called name (or with that id) on bs; false when absent. */
static bool find_snapshot(struct blk *bs, const char *name, struct blk_snapshot_info *sn)
{
    struct blk_info in;
    struct blk_error e;
    if (blk_get_info(bs, &in, &e) < 0)
        return false;
    bool found = false;
    for (unsigned i = 0; i < in.nb_snapshots && !found; i++) {
        if (strcmp(in.snapshots[i].name, name) == 0 || strcmp(in.snapshots[i].id, name) == 0) {
            *sn = in.snapshots[i];
            found = true;
        }
    }
    blk_info_free(&in);
    return found;
}

static bool write_snapshots(struct vm *vm, const struct disk *d, int n, const char *name, char *err,
                            size_t errlen)
{
    struct vms_buf b = {0};
    struct blk_error e = {""};
    if (!vm_save_stream(vm, &b, err, errlen))
        return false;
    bool ok = true;
    int ret = blk_vmstate_write(d[0].blk, 0, b.data, b.len);
    if (ret < 0) {
        snprintf(err, errlen, "Device '%s' cannot hold a VM state: %s", d[0].name,
                 ret == -ENOTSUP ? "not a qcow2 image" : strerror(-ret));
        ok = false;
    } else if (blk_snapshot_create_vm(d[0].blk, name, b.len, (uint64_t)clock_now(&vm->pc->clock),
                                      &e) < 0) {
        snprintf(err, errlen, "Error while creating snapshot on '%s': %s", d[0].name, e.msg);
        ok = false;
    }
    for (int i = 1; ok && i < n; i++) {
        if (blk_snapshot_create(d[i].blk, name, &e) < 0) {
            snprintf(err, errlen, "Error while creating snapshot on '%s': %s", d[i].name, e.msg);
            ok = false;
        }
    }
    vms_buf_free(&b);
    return ok;
}

bool vm_savevm(struct vm *vm, const char *name, char *err, size_t errlen)
{
    struct disk d[MAX_DISKS];
    if (vm_migration_busy(vm, err, errlen))
        return false;
    int n = writable_disks(vm, d, err, errlen);
    if (!n)
        return false;
    char auto_name[32];
    if (!name[0]) { /* QEMU's default tag */
        time_t now = time(NULL);
        struct tm tm;
        strftime(auto_name, sizeof(auto_name), "vm-%Y%m%d%H%M%S", localtime_r(&now, &tm));
        name = auto_name;
    }
    bool was_running = vm_state(vm) == VM_RUNNING;
    vm_stop(vm);
    /* An existing snapshot of that name is replaced, as QEMU does. */
    struct blk_error e;
    struct blk_snapshot_info sn;
    for (int i = 0; i < n; i++)
        if (find_snapshot(d[i].blk, name, &sn))
            blk_snapshot_delete(d[i].blk, sn.id, &e);
    bool ok = write_snapshots(vm, d, n, name, err, errlen);
    for (int i = 0; i < n; i++)
        blk_flush(d[i].blk);
    if (was_running)
        vm_cont(vm);
    return ok;
}

static bool read_vmstate(const struct disk *d, uint64_t size, struct vms_buf *b, char *err,
                         size_t errlen)
{
    b->data = malloc(size ? size : 1);
    b->len = b->cap = size;
    if (!b->data || blk_vmstate_read(d->blk, 0, b->data, size) < 0) {
        snprintf(err, errlen, "Error while reading the VM state from '%s'", d->name);
        vms_buf_free(b);
        return false;
    }
    return true;
}

bool vm_loadvm(struct vm *vm, const char *name, char *err, size_t errlen)
{
    struct disk d[MAX_DISKS];
    if (vm_migration_busy(vm, err, errlen))
        return false;
    int n = writable_disks(vm, d, err, errlen);
    if (!n)
        return false;
    struct blk_snapshot_info sn;
    for (int i = 0; i < n; i++) {
        if (!find_snapshot(d[i].blk, name, &sn)) {
            snprintf(err, errlen, "Device '%s' does not have the requested snapshot '%s'",
                     d[i].name, name);
            return false;
        }
    }
    find_snapshot(d[0].blk, name, &sn);
    if (!sn.vm_state_size) {
        snprintf(err, errlen, "Snapshot '%s' has no VM state (a disk-only snapshot)", name);
        return false;
    }
    bool was_running = vm_state(vm) == VM_RUNNING;
    vm_stop(vm);
    struct blk_error e = {""};
    bool ok = true;
    for (int i = 0; ok && i < n; i++) {
        if (blk_snapshot_apply(d[i].blk, sn.id, &e) < 0) {
            snprintf(err, errlen, "Error while reverting '%s' to '%s': %s", d[i].name, name, e.msg);
            ok = false;
        }
    }
    struct vms_buf b = {0};
    ok = ok && read_vmstate(&d[0], sn.vm_state_size, &b, err, errlen) &&
         vm_load_stream(vm, b.data, b.len, err, errlen);
    vms_buf_free(&b);
    /* A failed load leaves the machine paused, as QEMU does. */
    if (ok && was_running)
        vm_cont(vm);
    return ok;
}

bool vm_delvm(struct vm *vm, const char *name, char *err, size_t errlen)
{
    struct disk d[MAX_DISKS];
    int n = writable_disks(vm, d, err, errlen);
    bool any = false;
    struct blk_snapshot_info sn;
    struct blk_error e = {""};
    for (int i = 0; i < n; i++) {
        if (!find_snapshot(d[i].blk, name, &sn))
            continue;
        any = true;
        if (blk_snapshot_delete(d[i].blk, sn.id, &e) < 0) {
            snprintf(err, errlen, "Error while deleting snapshot on '%s': %s", d[i].name, e.msg);
            return false;
        }
        blk_flush(d[i].blk);
    }
    if (n && !any)
        snprintf(err, errlen, "Snapshot '%s' not found", name);
    return any;
}

static void print_row(struct mon_out *out, const struct blk_snapshot_info *sn)
{
    char date[32];
    time_t t = sn->date_sec;
    struct tm tm;
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
    uint64_t secs = sn->vm_clock_nsec / 1000000000;
    mon_printf(
        out, "%-9s %-16s %8.1f MiB %19s %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64 "\n",
        sn->id, sn->name, (double)sn->vm_state_size / (1 << 20), date, secs / 3600, secs / 60 % 60,
        secs % 60, sn->vm_clock_nsec / 1000000 % 1000);
}

bool vm_info_snapshots(struct vm *vm, struct mon_out *out)
{
    char err[128];
    struct disk d[MAX_DISKS];
    int n = writable_disks(vm, d, err, sizeof(err));
    if (!n) {
        mon_printf(out, "%s\n", err);
        return false;
    }
    struct blk_info in;
    struct blk_error e;
    if (blk_get_info(d[0].blk, &in, &e) < 0) {
        mon_printf(out, "%s\n", e.msg);
        return false;
    }
    mon_printf(out, "List of snapshots present on all disks:\n");
    mon_printf(out, "%-9s %-16s %12s %19s %12s\n", "ID", "TAG", "VM SIZE", "DATE", "VM CLOCK");
    unsigned shown = 0;
    for (unsigned i = 0; i < in.nb_snapshots; i++) {
        struct blk_snapshot_info other;
        bool everywhere = true;
        for (int k = 1; k < n && everywhere; k++)
            everywhere = find_snapshot(d[k].blk, in.snapshots[i].name, &other);
        if (everywhere) {
            print_row(out, &in.snapshots[i]);
            shown++;
        }
    }
    if (!shown)
        mon_printf(out, "None\n");
    blk_info_free(&in);
    return true;
}
