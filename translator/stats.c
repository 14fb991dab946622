/* Translator statistics as text, for the monitor's `info jit`. */
#include "tb-internal.h"

int translator_stats_format(const struct translator_stats *s, char *buf, size_t len)
{
    unsigned long long lookups = s->jc_hits + s->hash_hits + s->lookup_misses;
    double ratio = s->ir_ops_in ? 100.0 * (double)s->ir_ops_out / (double)s->ir_ops_in : 0.0;
    double per = lookups ? 100.0 / (double)lookups : 0.0;
    return snprintf(buf, len,
                    "blocks translated     %llu\n"
                    "blocks live           %llu\n"
                    "IR ops in / out       %llu / %llu (%.1f%%)\n"
                    "code bytes            %llu\n"
                    "lookups               %llu: jump cache %llu, hash %llu, miss %llu\n"
                    "lookup hit rates      jump cache %.1f%%, hash %.1f%%\n"
                    "chained jumps taken   %llu\n"
                    "flushes               %llu\n"
                    "invalidations         %llu\n",
                    (unsigned long long)s->blocks_translated, (unsigned long long)s->blocks_live,
                    (unsigned long long)s->ir_ops_in, (unsigned long long)s->ir_ops_out, ratio,
                    (unsigned long long)s->code_bytes, lookups, (unsigned long long)s->jc_hits,
                    (unsigned long long)s->hash_hits, (unsigned long long)s->lookup_misses,
                    (double)s->jc_hits * per, (double)s->hash_hits * per,
                    (unsigned long long)s->chained_jumps, (unsigned long long)s->flushes,
                    (unsigned long long)s->invalidations);
}

int translator_info_format(const struct translator *t, char *buf, size_t len)
{
    int n = snprintf(buf, len,
                     "backend               %s\n"
                     "code buffer           %zu of %zu KiB used, %s\n",
                     t->backend->name, t->cb.used / 1024, t->cb.size / 1024,
                     codebuf_mode_name(t->cb.mode));
    if (n < 0)
        return n;
    size_t off = (size_t)n < len ? (size_t)n : len;
    int m = translator_stats_format(&t->stats, buf + off, len - off);
    return m < 0 ? m : n + m;
}

unsigned translator_hot_blocks(const struct translator *t, const struct tb **out, unsigned n)
{
    unsigned got = 0;
    for (unsigned i = 0; i < t->nall; i++) {
        const struct tb *tb = t->all[i];
        if (tb->invalid || !tb->exec_count)
            continue;
        /* Insertion into the sorted top n: n is small (20). */
        unsigned at = got < n ? got++ : n;
        while (at > 0 && out[at - 1]->exec_count < tb->exec_count) {
            if (at < n)
                out[at] = out[at - 1];
            at--;
        }
        if (at < n)
            out[at] = tb;
    }
    return got;
}
