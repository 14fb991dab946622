/* Resource accounting of one machine (`info stats`, QMP query-stats,
 * -stats-file): host CPU time, guest execution, JIT, TLB, devices, RAM. */
#ifndef JIT86_UI_STATS_H
#define JIT86_UI_STATS_H

#include "monitor.h"

#include "block/block.h"
#include "hw/pc/pc.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Counters the run loop keeps (written by the CPU thread under the lock). */
struct vm_stats {
    uint64_t blocks_executed; /* chained ones included */
    uint64_t resets;
    uint64_t serial_tx_bytes[2]; /* guest -> host through COM1/COM2 */
    int64_t start_host_ns;       /* clock_host_ns() when the machine started */
};

#define STATS_MAX_NET    16
#define STATS_MAX_DRIVES 6 /* PC_MAX_IDE + PC_MAX_FLOPPY */
#define STATS_MAX_IO     48

struct vm_stats_snapshot {
    double host_user_s, host_sys_s, wall_s;
    uint64_t guest_insns;
    bool insns_exact; /* -icount: the virtual clock's instruction count */
    uint64_t blocks_executed, blocks_translated, blocks_live;
    uint64_t lookups_jump_cache, lookups_hash, lookup_misses, chained_jumps;
    uint64_t code_bytes, code_flushes, invalidations;
    uint64_t tlb_hits, tlb_slow, tlb_fills;
    uint64_t smc_invalidations;
    uint64_t serial_tx_bytes[2];
    int nnet;
    struct {
        char id[32];
        uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes;
    } net[STATS_MAX_NET];
    int ndrive;
    struct {
        char device[16]; /* QEMU's name: ide0-hd0, ide1-cd0, floppy0 */
        struct blk_stats st; /* zero for an empty tray */
    } drive[STATS_MAX_DRIVES];
    int nio;
    struct pc_io_account io[STATS_MAX_IO]; /* port I/O, then MMIO, per device */
    uint64_t ram_bytes, ram_touched_bytes;
    uint64_t resets;
};

void vm_stats_collect(struct vm *vm, struct vm_stats_snapshot *s);
void vm_stats_print(const struct vm_stats_snapshot *s, struct mon_out *out);
/* A new JSON object (the query-stats reply and the -stats-file content). */
json_t *vm_stats_json(const struct vm_stats_snapshot *s);
/* `info blockstats` and query-blockstats: QEMU's per-drive fields. */
void vm_blockstats_print(const struct vm_stats_snapshot *s, struct mon_out *out);
json_t *vm_blockstats_json(const struct vm_stats_snapshot *s);
/* Writes the snapshot as JSON to path; false with one line in err. */
bool vm_stats_write_file(struct vm *vm, const char *path, char *err, size_t errlen);

#endif
