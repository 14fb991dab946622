/* Suspend and resume (docs/savevm.md): the whole machine to a state file
 * (`migrate file:PATH`, `-incoming file:PATH`) and snapshots inside qcow2
 * images (`savevm`, `loadvm`, `delvm`, `info snapshots`, `-loadvm`). Called
 * with the machine lock held, the CPU between blocks. */
#ifndef JIT86_UI_SAVEVM_H
#define JIT86_UI_SAVEVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct mon_out;

/* Saves the machine to uri ("file:PATH", "exec:CMD", or "tcp:HOST:PORT" /
 * "unix:PATH" of a jit86 started with -incoming) and leaves it paused, as
 * QEMU leaves a migration source; when that fails a running machine runs on.
 * A running machine migrates to a socket live, in the migration thread: this
 * returns once it started (QMP migrate), vm_migrate_wait when it ended (HMP
 * migrate without -d). */
bool vm_migrate(struct vm *vm, const char *uri, char *err, size_t errlen);
bool vm_migrate_wait(struct vm *vm, const char *uri, char *err, size_t errlen);
/* A migration is running: true with one line (commands that would change the
 * machine under it refuse). */
bool vm_migration_busy(const struct vm *vm, char *err, size_t errlen);
/* The machine's migration parameters and progress (migration.h). */
struct migration_info *vm_migration(struct vm *vm);
/* At exit (machine lock not held): ends and joins a running migration. */
void vm_migration_end(struct vm *vm);
/* Replaces the machine's state with the stream at uri ("file:PATH",
 * "exec:CMD" reading the command's stdout, or a
 * listening "tcp:HOST:PORT" / "unix:PATH" that waits for one source). On
 * failure err has one line and the machine is unchanged. */
bool vm_incoming(struct vm *vm, const char *uri, char *err, size_t errlen);

/* Internal snapshots: the disks' state as a qcow2 snapshot on every writable
 * disk, the machine state in the VM-state area of the first one. */
bool vm_savevm(struct vm *vm, const char *name, char *err, size_t errlen);
bool vm_loadvm(struct vm *vm, const char *name, char *err, size_t errlen);
bool vm_delvm(struct vm *vm, const char *name, char *err, size_t errlen);
/* `info snapshots`: QEMU's table of the snapshots every disk has. */
bool vm_info_snapshots(struct vm *vm, struct mon_out *out);

/* The machine state stream of this machine (shared by savevm*.c). */
struct vms_buf;
bool vm_save_stream(struct vm *vm, struct vms_buf *out, char *err, size_t errlen);
bool vm_load_stream(struct vm *vm, const uint8_t *data, size_t len, char *err, size_t errlen);
/* Without RAM (live migration sent it before). */
bool vm_save_devices(struct vm *vm, struct vms_buf *out, char *err, size_t errlen);
bool vm_load_devices(struct vm *vm, const uint8_t *data, size_t len, char *err, size_t errlen);

/* At start, after the machine is built: -incoming, then -loadvm. */
bool vm_savevm_start(struct vm *vm, char *err, size_t errlen);

#endif
