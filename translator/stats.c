/* Translator statistics as text, for the monitor's `info jit`. */
#include "tb-internal.h"

int translator_stats_format(const struct translator_stats *s, char *buf, size_t len)
{
    unsigned long long lookups = s->jc_hits + s->hash_hits + s->lookup_misses;
    double ratio = s->ir_ops_in ? 100.0 * (double)s->ir_ops_out / (double)s->ir_ops_in : 0.0;
    return snprintf(buf, len,
                    "blocks translated     %llu\n"
                    "blocks live           %llu\n"
                    "IR ops in / out       %llu / %llu (%.1f%%)\n"
                    "code bytes            %llu\n"
                    "lookups               %llu: jump cache %llu, hash %llu, miss %llu\n"
                    "chained jumps taken   %llu\n"
                    "flushes               %llu\n"
                    "invalidations         %llu\n",
                    (unsigned long long)s->blocks_translated, (unsigned long long)s->blocks_live,
                    (unsigned long long)s->ir_ops_in, (unsigned long long)s->ir_ops_out, ratio,
                    (unsigned long long)s->code_bytes, lookups, (unsigned long long)s->jc_hits,
                    (unsigned long long)s->hash_hits, (unsigned long long)s->lookup_misses,
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
