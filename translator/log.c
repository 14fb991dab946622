/* Logging (-d/-D) and error_report(): the text channel every module shares. */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

uint32_t log_mask;
static FILE *log_stream;
static FILE *perfmap_stream;

static const struct {
    const char *name;
    const char *help;
    uint32_t mask;
} log_names[] = {
#define X(id, name, help) {name, help, id},
    LOG_CATEGORIES(X)
#undef X
};

static bool category_lookup(const char *name, size_t len, uint32_t *mask)
{
    for (size_t i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
        if (strlen(log_names[i].name) == len && memcmp(log_names[i].name, name, len) == 0) {
            *mask = log_names[i].mask;
            return true;
        }
    }
    return false;
}

bool log_parse_categories(const char *spec, uint32_t *mask, bool *want_help, char *err,
                          size_t errlen)
{
    uint32_t m = 0;
    *want_help = false;
    for (const char *p = spec; *p;) {
        size_t len = strcspn(p, ",");
        uint32_t bit;
        if (len == 4 && memcmp(p, "help", 4) == 0) {
            *want_help = true;
        } else if (len == 3 && memcmp(p, "all", 3) == 0) {
            m |= (1u << LOG_CATEGORY_COUNT) - 1;
        } else if (len > 0 && category_lookup(p, len, &bit)) {
            m |= bit;
        } else {
            snprintf(err, errlen, "-d: unknown log category '%.*s' (try -d help)", (int)len, p);
            return false;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    *mask = m;
    return true;
}

void log_print_help(void *stream)
{
    FILE *f = stream;
    fprintf(f, "Log items (comma separated):\n");
    for (size_t i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++)
        fprintf(f, "%-14s %s\n", log_names[i].name, log_names[i].help);
    fprintf(f, "%-14s %s\n", "all", "everything above");
}

bool log_set_file(const char *path)
{
    log_close();
    if (!path)
        return true;
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    setvbuf(f, NULL, _IOLBF, 0);
    log_stream = f;
    return true;
}

void log_close(void)
{
    if (log_stream)
        fclose(log_stream);
    log_stream = NULL;
    if (perfmap_stream)
        fclose(perfmap_stream);
    perfmap_stream = NULL;
}

bool log_perfmap_open(void)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/perf-%ld.map", (long)getpid());
    if (!perfmap_stream)
        perfmap_stream = fopen(path, "w");
    return perfmap_stream != NULL;
}

bool log_perfmap_enabled(void)
{
    return perfmap_stream != NULL;
}

/* perf reads the file after the run: one line per block, flushed at once so
 * a killed run still leaves a usable map. */
void log_perfmap_add(const void *code, size_t size, uint64_t guest_pc)
{
    if (!perfmap_stream)
        return;
    fprintf(perfmap_stream, "%lx %zx guest_%08llx\n", (unsigned long)(uintptr_t)code, size,
            (unsigned long long)guest_pc);
    fflush(perfmap_stream);
}

void log_vprintf(const char *fmt, va_list ap)
{
    vfprintf(log_stream ? log_stream : stderr, fmt, ap);
}

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vprintf(fmt, ap);
    va_end(ap);
}

void error_report(const char *fmt, ...)
{
    va_list ap;
    fputs("jit86: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
