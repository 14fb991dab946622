/* Block devices for the monitor and QMP: QEMU's drive names (ide0-hd0,
 * ide1-cd0, floppy0), `info block`, and CD-ROM medium change and eject
 * (ATAPI: the guest sees UNIT ATTENTION, MMC-5 §4.1.6.2). */
#include "monitor.h"

#include "block/block.h"

#include <stdio.h>
#include <string.h>

/* Drive index i (0-3 IDE, 4-5 floppy) as QEMU names it; NULL when absent. */
static const char *drive_name(struct pc_machine *pc, int i, char *buf, size_t len)
{
    if (i >= PC_MAX_IDE) {
        if (!pc->fdc.drive[i - PC_MAX_IDE].blk)
            return NULL;
        snprintf(buf, len, "floppy%d", i - PC_MAX_IDE);
        return buf;
    }
    const struct ide_drive *d = &pc->ide.bus[i / 2].drive[i % 2];
    if (d->kind == IDE_NONE)
        return NULL;
    snprintf(buf, len, "ide%d-%s%d", i / 2, d->kind == IDE_CDROM ? "cd" : "hd", i % 2);
    return buf;
}

static struct blk *drive_blk(struct pc_machine *pc, int i)
{
    return i >= PC_MAX_IDE ? pc->fdc.drive[i - PC_MAX_IDE].blk
                           : pc->ide.bus[i / 2].drive[i % 2].blk;
}

const char *monitor_block_drive(struct vm *vm, int i, char *name, size_t len, struct blk **blk)
{
    struct pc_machine *pc = vm_pc(vm);
    if (i < 0 || i >= PC_MAX_IDE + PC_MAX_FLOPPY || !drive_name(pc, i, name, len))
        return NULL;
    *blk = drive_blk(pc, i);
    return name;
}

static bool drive_removable(struct pc_machine *pc, int i)
{
    return i < PC_MAX_IDE && pc->ide.bus[i / 2].drive[i % 2].kind == IDE_CDROM;
}

bool monitor_block_info(struct vm *vm, struct mon_out *out)
{
    struct pc_machine *pc = vm_pc(vm);
    char name[32];
    bool any = false;
    for (int i = 0; i < PC_MAX_IDE + PC_MAX_FLOPPY; i++) {
        if (!drive_name(pc, i, name, sizeof(name)))
            continue;
        any = true;
        struct blk *b = drive_blk(pc, i);
        if (b)
            mon_printf(out, "%s: %s (%s%s)\n", name, blk_filename(b), blk_format_name(b),
                       blk_is_read_only(b) ? ", read-only" : "");
        else
            mon_printf(out, "%s: [not inserted]\n", name);
        if (drive_removable(pc, i))
            mon_printf(out, "    Removable device: %slocked, tray closed\n",
                       pc->ide.bus[i / 2].drive[i % 2].locked ? "" : "not ");
    }
    if (!any)
        mon_printf(out, "no block devices\n");
    return true;
}

/* The drive index of a QEMU device name; -1 when there is none. */
static int find_drive(struct pc_machine *pc, const char *device)
{
    char name[32];
    for (int i = 0; i < PC_MAX_IDE + PC_MAX_FLOPPY; i++) {
        if (drive_name(pc, i, name, sizeof(name)) && strcmp(name, device) == 0)
            return i;
    }
    return -1;
}

static int find_removable(struct pc_machine *pc, const char *device, char *err, size_t errlen)
{
    int i = find_drive(pc, device);
    if (i < 0) {
        snprintf(err, errlen, "Device '%s' not found", device);
        return -1;
    }
    if (!drive_removable(pc, i)) {
        snprintf(err, errlen, "Device '%s' is not removable", device);
        return -1;
    }
    return i;
}

/* The board closes the images it owns; a changed medium takes the old one's place. */
static void replace_owned(struct pc_machine *pc, int i, struct blk *old, struct blk *new_blk)
{
    if (old && pc->owned[i] == old) {
        blk_close(old);
        pc->owned[i] = NULL;
    }
    if (!pc->owned[i])
        pc->owned[i] = new_blk;
}

bool monitor_block_change(struct vm *vm, const char *device, const char *file, const char *format,
                          char *err, size_t errlen)
{
    struct pc_machine *pc = vm_pc(vm);
    int i = find_removable(pc, device, err, errlen);
    if (i < 0)
        return false;
    struct ide_drive *d = &pc->ide.bus[i / 2].drive[i % 2];
    if (d->locked) {
        snprintf(err, errlen, "Device '%s' is locked and force was not specified", device);
        return false;
    }
    struct blk_open_opts opts = {.format = format, .flags = BLK_OPEN_READ_ONLY};
    struct blk_error be = {{0}};
    struct blk *b = blk_open(file, &opts, &be);
    if (!b) {
        snprintf(err, errlen, "Could not open '%s': %s", file, be.msg);
        return false;
    }
    struct blk *old = d->blk;
    ide_cd_change(&pc->ide.bus[i / 2], i % 2, b);
    replace_owned(pc, i, old, b);
    return true;
}

bool monitor_block_eject(struct vm *vm, const char *device, bool force, char *err, size_t errlen)
{
    struct pc_machine *pc = vm_pc(vm);
    int i = find_removable(pc, device, err, errlen);
    if (i < 0)
        return false;
    struct ide_drive *d = &pc->ide.bus[i / 2].drive[i % 2];
    if (d->locked && !force) {
        snprintf(err, errlen, "Device '%s' is locked and force was not specified", device);
        return false;
    }
    struct blk *old = d->blk;
    ide_cd_change(&pc->ide.bus[i / 2], i % 2, NULL);
    replace_owned(pc, i, old, NULL);
    return true;
}
