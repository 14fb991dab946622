/* Migration parameters and progress as QEMU shows them: migrate_set_parameter
 * / migrate-set-parameters (downtime-limit, max-bandwidth), info migrate and
 * query-migrate (QEMU's MigrationInfo: status, ram {...}, times). */
#include "migration.h"
#include "monitor.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {
    [MIGRATION_NONE] = "none",     [MIGRATION_SETUP] = "setup",
    [MIGRATION_ACTIVE] = "active", [MIGRATION_COMPLETED] = "completed",
    [MIGRATION_FAILED] = "failed",
};

const char *migration_status_name(enum migration_status s)
{
    return status_names[s];
}

uint64_t migration_downtime_limit(const struct migration_info *m)
{
    return m->downtime_limit_ms ? m->downtime_limit_ms : MIGRATION_DEFAULT_DOWNTIME_MS;
}

/* QEMU's limits: downtime-limit at most 2000 s, max-bandwidth at most
 * SIZE_MAX; a value with a k/M/G/T suffix counts in powers of 1024. */
#define MAX_DOWNTIME_MS 2000000ull

static bool set_downtime(struct migration_info *m, uint64_t ms, char *err, size_t errlen)
{
    if (ms > MAX_DOWNTIME_MS) {
        snprintf(err, errlen,
                 "Parameter 'downtime-limit' expects an integer in the range of 0 to "
                 "2000 seconds");
        return false;
    }
    m->downtime_limit_ms = ms ? ms : 1; /* 0 would mean the default */
    return true;
}

static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *s == '-')
        return false;
    int shift = 0;
    switch (*end) {
    case '\0': break;
    case 'k':
    case 'K':
        shift = 10;
        end++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        end++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        end++;
        break;
    case 't':
    case 'T':
        shift = 40;
        end++;
        break;
    default: return false;
    }
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

bool migration_set_parameter(struct migration_info *m, const char *name, const char *value,
                             char *err, size_t errlen)
{
    uint64_t v;
    if (strcmp(name, "downtime-limit") == 0) {
        char *end;
        unsigned long long ms = strtoull(value, &end, 10);
        if (end == value || *end || *value == '-') {
            snprintf(err, errlen, "Parameter 'downtime-limit' expects an integer (ms)");
            return false;
        }
        return set_downtime(m, ms, err, errlen);
    }
    if (strcmp(name, "max-bandwidth") == 0) {
        if (!parse_size(value, &v)) {
            snprintf(err, errlen, "Parameter 'max-bandwidth' expects a size (bytes/s, k/M/G)");
            return false;
        }
        m->max_bandwidth = v;
        return true;
    }
    snprintf(err, errlen, "Invalid parameter '%s' (downtime-limit, max-bandwidth)", name);
    return false;
}

bool migration_set_parameters_json(struct migration_info *m, json_t *args, char *err, size_t errlen)
{
    const char *key;
    json_t *v;
    json_object_foreach(args, key, v)
    {
        if (strcmp(key, "downtime-limit") && strcmp(key, "max-bandwidth")) {
            snprintf(err, errlen, "Parameter '%s' is unexpected", key);
            return false;
        }
        if (!json_is_integer(v) || json_integer_value(v) < 0) {
            snprintf(err, errlen, "Parameter '%s' expects a non-negative integer", key);
            return false;
        }
    }
    json_t *d = json_object_get(args, "downtime-limit");
    json_t *b = json_object_get(args, "max-bandwidth");
    if (d && !set_downtime(m, (uint64_t)json_integer_value(d), err, errlen))
        return false;
    if (b)
        m->max_bandwidth = (uint64_t)json_integer_value(b);
    return true;
}

json_t *migration_parameters_json(const struct migration_info *m)
{
    return json_pack("{s:I, s:I}", "downtime-limit", (json_int_t)migration_downtime_limit(m),
                     "max-bandwidth", (json_int_t)m->max_bandwidth);
}

static double mbps(const struct migration_info *m)
{
    return (double)m->bandwidth * 8.0 / 1e6;
}

static json_t *ram_json(const struct migration_info *m)
{
    json_t *r = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:I}", "transferred",
        (json_int_t)m->transferred, "remaining", (json_int_t)m->remaining, "total",
        (json_int_t)m->total_bytes, "duplicate", (json_int_t)m->duplicate, "normal",
        (json_int_t)m->normal, "normal-bytes", (json_int_t)(m->normal * VMS_PAGE_SIZE),
        "dirty-sync-count", (json_int_t)m->dirty_syncs, "page-size", (json_int_t)VMS_PAGE_SIZE,
        "mbps", mbps(m), "pages-per-second", (json_int_t)(m->bandwidth / VMS_PAGE_SIZE));
    json_object_set_new(r, "dirty-pages-rate", json_integer((json_int_t)m->dirty_rate));
    json_object_set_new(r, "skipped", json_integer(0));
    return r;
}

json_t *migration_info_json(const struct migration_info *m)
{
    if (m->status == MIGRATION_NONE)
        return json_object();
    json_t *o = json_pack("{s:s, s:I, s:o}", "status", migration_status_name(m->status),
                          "total-time", (json_int_t)m->total_ms, "ram", ram_json(m));
    if (m->status != MIGRATION_SETUP)
        json_object_set_new(o, "setup-time", json_integer(m->setup_ms));
    if (m->status == MIGRATION_ACTIVE)
        json_object_set_new(o, "expected-downtime", json_integer(m->expected_downtime_ms));
    if (m->status == MIGRATION_COMPLETED)
        json_object_set_new(o, "downtime", json_integer(m->downtime_ms));
    if (m->status == MIGRATION_FAILED && m->error[0])
        json_object_set_new(o, "error-desc", json_string(m->error));
    return o;
}

void migration_info_print(const struct migration_info *m, struct mon_out *out)
{
    mon_printf(out, "Migration status: %s\n", migration_status_name(m->status));
    if (m->status == MIGRATION_NONE)
        return;
    if (m->status == MIGRATION_FAILED && m->error[0])
        mon_printf(out, "error description: %s\n", m->error);
    mon_printf(out, "total time: %" PRId64 " ms\n", m->total_ms);
    if (m->status == MIGRATION_ACTIVE)
        mon_printf(out, "expected downtime: %" PRId64 " ms\n", m->expected_downtime_ms);
    if (m->status == MIGRATION_COMPLETED)
        mon_printf(out, "downtime: %" PRId64 " ms\n", m->downtime_ms);
    mon_printf(out, "setup: %" PRId64 " ms\n", m->setup_ms);
    mon_printf(out, "transferred ram: %" PRIu64 " kbytes\n", m->transferred >> 10);
    mon_printf(out, "throughput: %.2f mbps\n", mbps(m));
    mon_printf(out, "remaining ram: %" PRIu64 " kbytes\n", m->remaining >> 10);
    mon_printf(out, "total ram: %" PRIu64 " kbytes\n", m->total_bytes >> 10);
    mon_printf(out, "duplicate: %" PRIu64 " pages\n", m->duplicate);
    mon_printf(out, "normal: %" PRIu64 " pages\n", m->normal);
    mon_printf(out, "normal bytes: %" PRIu64 " kbytes\n", (m->normal * VMS_PAGE_SIZE) >> 10);
    mon_printf(out, "dirty sync count: %" PRIu64 "\n", m->dirty_syncs);
    mon_printf(out, "page size: %u kbytes\n", VMS_PAGE_SIZE >> 10);
    mon_printf(out, "dirty pages rate: %" PRIu64 " pages\n", m->dirty_rate);
    mon_printf(out, "downtime-limit: %" PRIu64 " ms\n", migration_downtime_limit(m));
    mon_printf(out, "max-bandwidth: %" PRIu64 " bytes/second\n", m->max_bandwidth);
}
