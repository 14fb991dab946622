/* Resource accounting: gathers the counters the CPU, translator, TLB,
 * network backends and the run loop keep into one snapshot, printed by
 * `info stats`, returned by query-stats and written by -stats-file. */
#include "stats.h"

#include "machine-net.h"

#include "softmmu/softmmu.h"
#include "softmmu/tlb.h"
#include "translator/translator.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* The icount convention (machine.c): a block counts as this many instructions. */
#define STATS_INSNS_PER_BLOCK 8

/* Guest RAM is one lazily backed mapping: resident pages are the ones the
 * guest (or the firmware loader) touched. */
static uint64_t ram_touched(struct mmu_phys_space *space)
{
    uint8_t *ram = mmu_phys_ram(space);
    uint64_t size = mmu_phys_ram_size(space);
    long page = sysconf(_SC_PAGESIZE);
    if (!ram || size == 0 || page <= 0 || ((uintptr_t)ram % (uintptr_t)page) != 0)
        return 0;
    uint64_t touched = 0;
    unsigned char vec[4096];
    uint64_t chunk = (uint64_t)sizeof(vec) * (uint64_t)page;
    for (uint64_t off = 0; off < size; off += chunk) {
        uint64_t len = size - off < chunk ? size - off : chunk;
        if (mincore(ram + off, len, vec) != 0)
            return 0;
        uint64_t pages = (len + (uint64_t)page - 1) / (uint64_t)page;
        for (uint64_t i = 0; i < pages; i++)
            touched += vec[i] & 1;
    }
    return touched * (uint64_t)page;
}

static double timeval_s(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

static void collect_tlb(const struct mmu_tlb *tlb, struct vm_stats_snapshot *s)
{
    for (int a = 0; a < MMU_ACCESS_COUNT; a++) {
        s->tlb_hits += tlb->stats.hits[a];
        s->tlb_slow += tlb->stats.slow[a];
        s->tlb_fills += tlb->stats.misses[a];
    }
}

static void collect_net(struct vm *vm, struct vm_stats_snapshot *s)
{
    struct vm_net *n = vm_net(vm);
    for (int i = 0; i < n->count && s->nnet < STATS_MAX_NET; i++) {
        const struct netdev *nd = n->nd[i];
        snprintf(s->net[s->nnet].id, sizeof(s->net[0].id), "%s", nd->id);
        s->net[s->nnet].tx_frames = nd->stats.tx_frames;
        s->net[s->nnet].tx_bytes = nd->stats.tx_bytes;
        s->net[s->nnet].rx_frames = nd->stats.rx_frames;
        s->net[s->nnet].rx_bytes = nd->stats.rx_bytes;
        s->nnet++;
    }
}

static void collect_drives(struct vm *vm, struct vm_stats_snapshot *s)
{
    for (int i = 0; i < STATS_MAX_DRIVES; i++) {
        struct blk *b = NULL;
        char *name = s->drive[s->ndrive].device;
        if (!monitor_block_drive(vm, i, name, sizeof(s->drive[0].device), &b))
            continue;
        if (b)
            s->drive[s->ndrive].st = *blk_stats(b);
        s->ndrive++;
    }
}

void vm_stats_collect(struct vm *vm, struct vm_stats_snapshot *s)
{
    memset(s, 0, sizeof(*s));
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        s->host_user_s = timeval_s(ru.ru_utime);
        s->host_sys_s = timeval_s(ru.ru_stime);
    }
    const struct vm_stats *vs = vm_stats(vm);
    s->wall_s = (double)(clock_host_ns() - vs->start_host_ns) / 1e9;
    s->blocks_executed = vs->blocks_executed;
    s->resets = vs->resets;
    s->serial_tx_bytes[0] = vs->serial_tx_bytes[0];
    s->serial_tx_bytes[1] = vs->serial_tx_bytes[1];
    struct pc_machine *pc = vm_pc(vm);
    s->insns_exact = pc->clock.icount_shift >= 0;
    s->guest_insns = s->insns_exact ? pc->clock.insns : vs->blocks_executed * STATS_INSNS_PER_BLOCK;
    const struct translator_stats *t = translator_stats(cpu_translator(vm_cpu(vm)));
    s->blocks_translated = t->blocks_translated;
    s->blocks_live = t->blocks_live;
    s->lookups_jump_cache = t->jc_hits;
    s->lookups_hash = t->hash_hits;
    s->lookup_misses = t->lookup_misses;
    s->chained_jumps = t->chained_jumps;
    s->code_bytes = t->code_bytes;
    s->code_flushes = t->flushes;
    s->invalidations = t->invalidations;
    collect_tlb(&cpu_env(vm_cpu(vm))->tlb, s);
    s->smc_invalidations = mmu_phys_stats(pc->mem)->smc_invalidations;
    collect_net(vm, s);
    collect_drives(vm, s);
    s->nio = pc_io_accounting(pc, s->io, STATS_MAX_IO);
    s->ram_bytes = mmu_phys_ram_size(pc->mem);
    s->ram_touched_bytes = ram_touched(pc->mem);
}

/* Chained jumps never reach the lookup, so every block entry that did not
 * need a translation counts as a hit of the block cache. */
static double chain_hit_rate(const struct vm_stats_snapshot *s)
{
    uint64_t entries = s->blocks_executed;
    if (entries == 0)
        return 0;
    uint64_t looked_up = s->lookups_jump_cache + s->lookups_hash + s->lookup_misses;
    return looked_up >= entries ? 0 : (double)(entries - looked_up) / (double)entries;
}

static double tlb_hit_rate(const struct vm_stats_snapshot *s)
{
    uint64_t all = s->tlb_hits + s->tlb_slow;
    return all ? (double)s->tlb_hits / (double)all : 0;
}

void vm_stats_print(const struct vm_stats_snapshot *s, struct mon_out *o)
{
    mon_printf(o, "host cpu time: user %.3f s, system %.3f s (wall %.3f s)\n", s->host_user_s,
               s->host_sys_s, s->wall_s);
    mon_printf(o, "guest instructions: %" PRIu64 " (%s)\n", s->guest_insns,
               s->insns_exact ? "exact, icount" : "estimated from blocks");
    mon_printf(o, "blocks executed: %" PRIu64 ", translated: %" PRIu64 ", live: %" PRIu64 "\n",
               s->blocks_executed, s->blocks_translated, s->blocks_live);
    mon_printf(o,
               "block lookups: jump cache %" PRIu64 ", hash %" PRIu64 ", misses %" PRIu64
               "; chained entries %.1f%%\n",
               s->lookups_jump_cache, s->lookups_hash, s->lookup_misses, 100 * chain_hit_rate(s));
    mon_printf(o,
               "code buffer: %" PRIu64 " bytes, %" PRIu64 " flushes, %" PRIu64
               " invalidations (%" PRIu64 " by self-modifying code)\n",
               s->code_bytes, s->code_flushes, s->invalidations, s->smc_invalidations);
    mon_printf(o,
               "tlb: %" PRIu64 " fast hits, %" PRIu64 " slow accesses, %" PRIu64
               " fills; hit rate %.1f%%\n",
               s->tlb_hits, s->tlb_slow, s->tlb_fills, 100 * tlb_hit_rate(s));
    mon_printf(o, "serial: COM1 %" PRIu64 " bytes out, COM2 %" PRIu64 " bytes out\n",
               s->serial_tx_bytes[0], s->serial_tx_bytes[1]);
    for (int i = 0; i < s->nnet; i++)
        mon_printf(o,
                   "net %s: tx %" PRIu64 " frames %" PRIu64 " bytes, rx %" PRIu64 " frames %" PRIu64
                   " bytes\n",
                   s->net[i].id, s->net[i].tx_frames, s->net[i].tx_bytes, s->net[i].rx_frames,
                   s->net[i].rx_bytes);
    for (int i = 0; i < s->nio; i++) {
        const struct mmu_io_counts *c = &s->io[i].counts;
        if (c->reads + c->writes == 0)
            continue; /* idle devices: only in the JSON */
        mon_printf(o,
                   "%s %s: %" PRIu64 " reads (%" PRIu64 " bytes), %" PRIu64 " writes (%" PRIu64
                   " bytes)\n",
                   s->io[i].mmio ? "mmio" : "port I/O", s->io[i].name, c->reads, c->read_bytes,
                   c->writes, c->write_bytes);
    }
    vm_blockstats_print(s, o);
    mon_printf(o, "ram: %" PRIu64 " KiB touched of %" PRIu64 " KiB\n", s->ram_touched_bytes >> 10,
               s->ram_bytes >> 10);
    mon_printf(o, "resets: %" PRIu64 "\n", s->resets);
}

/* [{"device", "reads", "writes", "read-bytes", "write-bytes"}] of one space. */
static json_t *io_json(const struct vm_stats_snapshot *s, bool mmio)
{
    json_t *a = json_array();
    for (int i = 0; i < s->nio; i++) {
        const struct mmu_io_counts *c = &s->io[i].counts;
        if (s->io[i].mmio != mmio)
            continue;
        json_array_append_new(
            a, json_pack("{s:s, s:I, s:I, s:I, s:I}", "device", s->io[i].name, "reads",
                         (json_int_t)c->reads, "writes", (json_int_t)c->writes, "read-bytes",
                         (json_int_t)c->read_bytes, "write-bytes", (json_int_t)c->write_bytes));
    }
    return a;
}

json_t *vm_stats_json(const struct vm_stats_snapshot *s)
{
    json_t *net = json_array();
    for (int i = 0; i < s->nnet; i++)
        json_array_append_new(net, json_pack("{s:s, s:I, s:I, s:I, s:I}", "id", s->net[i].id,
                                             "tx-frames", (json_int_t)s->net[i].tx_frames,
                                             "tx-bytes", (json_int_t)s->net[i].tx_bytes,
                                             "rx-frames", (json_int_t)s->net[i].rx_frames,
                                             "rx-bytes", (json_int_t)s->net[i].rx_bytes));
    json_t *o = json_pack(
        "{s:f, s:f, s:f, s:I, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "host-user-seconds",
        s->host_user_s, "host-system-seconds", s->host_sys_s, "wall-seconds", s->wall_s,
        "guest-instructions", (json_int_t)s->guest_insns, "guest-instructions-exact",
        s->insns_exact, "blocks-executed", (json_int_t)s->blocks_executed, "blocks-translated",
        (json_int_t)s->blocks_translated, "blocks-live", (json_int_t)s->blocks_live,
        "lookup-jump-cache", (json_int_t)s->lookups_jump_cache, "lookup-hash",
        (json_int_t)s->lookups_hash, "lookup-misses", (json_int_t)s->lookup_misses, "chained-jumps",
        (json_int_t)s->chained_jumps);
    json_object_set_new(o, "chain-hit-rate", json_real(chain_hit_rate(s)));
    json_object_set_new(o, "code-bytes", json_integer((json_int_t)s->code_bytes));
    json_object_set_new(o, "code-flushes", json_integer((json_int_t)s->code_flushes));
    json_object_set_new(o, "invalidations", json_integer((json_int_t)s->invalidations));
    json_object_set_new(o, "smc-invalidations", json_integer((json_int_t)s->smc_invalidations));
    json_object_set_new(o, "tlb-hits", json_integer((json_int_t)s->tlb_hits));
    json_object_set_new(o, "tlb-slow", json_integer((json_int_t)s->tlb_slow));
    json_object_set_new(o, "tlb-fills", json_integer((json_int_t)s->tlb_fills));
    json_object_set_new(o, "tlb-hit-rate", json_real(tlb_hit_rate(s)));
    json_object_set_new(
        o, "serial-tx-bytes",
        json_pack("[I, I]", (json_int_t)s->serial_tx_bytes[0], (json_int_t)s->serial_tx_bytes[1]));
    json_object_set_new(o, "net", net);
    json_object_set_new(o, "port-io", io_json(s, false));
    json_object_set_new(o, "mmio", io_json(s, true));
    json_object_set_new(o, "block", vm_blockstats_json(s));
    json_object_set_new(o, "ram-bytes", json_integer((json_int_t)s->ram_bytes));
    json_object_set_new(o, "ram-touched-bytes", json_integer((json_int_t)s->ram_touched_bytes));
    json_object_set_new(o, "resets", json_integer((json_int_t)s->resets));
    return o;
}

/* QEMU's `info blockstats` line (the fields jit86 keeps). */
void vm_blockstats_print(const struct vm_stats_snapshot *s, struct mon_out *o)
{
    for (int i = 0; i < s->ndrive; i++) {
        const struct blk_stats *b = &s->drive[i].st;
        mon_printf(o,
                   "%s: rd_bytes=%" PRIu64 " wr_bytes=%" PRIu64 " rd_operations=%" PRIu64
                   " wr_operations=%" PRIu64 " flush_operations=%" PRIu64 "\n",
                   s->drive[i].device, b->rd_bytes, b->wr_bytes, b->rd_operations, b->wr_operations,
                   b->flush_operations);
    }
}

/* QEMU's BlockStats: [{"device", "stats": {"rd_bytes", ...}}]. */
json_t *vm_blockstats_json(const struct vm_stats_snapshot *s)
{
    json_t *a = json_array();
    for (int i = 0; i < s->ndrive; i++) {
        const struct blk_stats *b = &s->drive[i].st;
        json_array_append_new(
            a, json_pack("{s:s, s:{s:I, s:I, s:I, s:I, s:I}}", "device", s->drive[i].device,
                         "stats", "rd_bytes", (json_int_t)b->rd_bytes, "wr_bytes",
                         (json_int_t)b->wr_bytes, "rd_operations", (json_int_t)b->rd_operations,
                         "wr_operations", (json_int_t)b->wr_operations, "flush_operations",
                         (json_int_t)b->flush_operations));
    }
    return a;
}

bool vm_stats_write_file(struct vm *vm, const char *path, char *err, size_t errlen)
{
    struct vm_stats_snapshot s;
    vm_stats_collect(vm, &s);
    json_t *o = vm_stats_json(&s);
    int rc = json_dump_file(o, path, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(o);
    if (rc != 0) {
        snprintf(err, errlen, "-stats-file: cannot write '%s': %s", path, strerror(errno));
        return false;
    }
    return true;
}
