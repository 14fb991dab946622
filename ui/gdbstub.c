/* GDB remote serial protocol stub (GDB manual, appendix E "GDB Remote Serial
 * Protocol"): packets over TCP, run control (stop, continue, step, Ctrl-C),
 * memory through the guest's page tables, breakpoints and watchpoints. */
#include "gdbstub.h"
#include "translate.h"

#include "translator/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define GDB_PACKET_MAX 4096 /* PacketSize we announce (hex digits of 'g' fit easily) */
#define GDB_MAX_BP     64
#define GDB_MAX_WP     16
#define GDB_MAX_WATCH  8 /* bytes per watchpoint */

enum gdb_state { GDB_STOPPED, GDB_RUNNING, GDB_STEPPING };

struct gdb_watch {
    uint32_t addr, len;
    uint8_t old[GDB_MAX_WATCH];
};

struct gdbstub {
    struct x86_cpu *cpu;
    int listen_fd, fd;
    bool wait_attach;
    enum gdb_state state;
    bool quit;
    bool resumed; /* the first instruction after a resume ignores its breakpoint */
    uint32_t bp[GDB_MAX_BP];
    unsigned nbp;
    struct gdb_watch wp[GDB_MAX_WP];
    unsigned nwp;
    gdbstub_monitor_fn *monitor;
    void *monitor_opaque;
    uint8_t rx[GDB_PACKET_MAX];
    size_t rx_len, rx_pos;
    char pkt[GDB_PACKET_MAX + 1];
    char reply[2 * GDB_PACKET_MAX + 1];
};

/* ---- transport ---- */

static void gdb_disconnect(struct gdbstub *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    g->nbp = g->nwp = 0;
    g->state = GDB_RUNNING; /* a vanished debugger does not freeze the guest */
    cpu_set_debug_step(g->cpu, false);
}

static void gdb_send_raw(struct gdbstub *g, const char *s, size_t n)
{
    while (n && g->fd >= 0) {
        ssize_t w = send(g->fd, s, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            gdb_disconnect(g);
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

/* "$data#checksum"; acknowledgements from gdb are read and ignored (TCP is
 * reliable, and gdb does not wait for ours either once no-ack mode is on). */
static void gdb_send(struct gdbstub *g, const char *data)
{
    size_t n = strlen(data);
    char *buf = malloc(n + 5);
    if (!buf)
        return;
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + (uint8_t)data[i]);
    buf[0] = '$';
    memcpy(buf + 1, data, n);
    snprintf(buf + 1 + n, 4, "#%02x", sum);
    gdb_send_raw(g, buf, n + 4);
    free(buf);
}

/* One byte from the debugger; -1 when none came within timeout_ms (-1:
 * wait) or the connection ended. */
static int gdb_getc(struct gdbstub *g, int timeout_ms)
{
    if (g->rx_pos < g->rx_len)
        return g->rx[g->rx_pos++];
    if (g->fd < 0)
        return -1;
    struct pollfd p = {.fd = g->fd, .events = POLLIN};
    int r = poll(&p, 1, timeout_ms);
    if (r <= 0)
        return -1;
    ssize_t n = recv(g->fd, g->rx, sizeof(g->rx), 0);
    if (n <= 0) {
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return -1;
        gdb_disconnect(g);
        return -1;
    }
    g->rx_len = (size_t)n;
    g->rx_pos = 1;
    return g->rx[0];
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ---- memory: linear addresses through the current page tables ---- */

static bool gdb_access_mem(struct gdbstub *g, uint32_t addr, uint8_t *buf, size_t len, bool write)
{
    CPUX86State *env = cpu_env(g->cpu);
    while (len) {
        struct mmu_translation t = {.paddr = addr & mmu_phys_a20_mask(env->tlb.space)};
        struct mmu_fault f;
        /* A read translation: the debugger may write read-only pages (breakpoints in
         * code) and must not set Dirty bits the guest would see. */
        if (env->tlb.paging.pg &&
            !mmu_translate(env->tlb.space, &env->tlb.paging, addr, MMU_ACCESS_READ, false, &t, &f))
            return false;
        size_t chunk = MMU_PAGE_SIZE - (addr & MMU_PAGE_OFFSET);
        if (chunk > len)
            chunk = len;
        if (write) {
            /* Its result says whether a running block was modified: none runs now,
             * and translated code on the page is invalidated all the same. */
            mmu_phys_write(env->tlb.space, t.paddr, buf, chunk);
        } else {
            mmu_phys_read(env->tlb.space, t.paddr, buf, chunk);
        }
        addr += (uint32_t)chunk;
        buf += chunk;
        len -= chunk;
    }
    return true;
}

/* ---- breakpoints and watchpoints ---- */

static uint32_t gdb_pc(struct gdbstub *g)
{
    CPUX86State *env = cpu_env(g->cpu);
    return (uint32_t)(env->segs[X86_SEG_CS].base + env->eip);
}

static bool gdb_bp_at(const struct gdbstub *g, uint32_t pc)
{
    for (unsigned i = 0; i < g->nbp; i++)
        if (g->bp[i] == pc)
            return true;
    return false;
}

static bool gdb_bp_insert(struct gdbstub *g, uint32_t addr)
{
    if (gdb_bp_at(g, addr))
        return true;
    if (g->nbp == GDB_MAX_BP)
        return false;
    g->bp[g->nbp++] = addr;
    return true;
}

static bool gdb_bp_remove(struct gdbstub *g, uint32_t addr)
{
    for (unsigned i = 0; i < g->nbp; i++) {
        if (g->bp[i] == addr) {
            g->bp[i] = g->bp[--g->nbp];
            return true;
        }
    }
    return false;
}

/* A write watchpoint remembers the watched bytes; after each instruction the
 * stub reads them again through the softmmu and stops when they changed. */
static bool gdb_wp_insert(struct gdbstub *g, uint32_t addr, uint32_t len)
{
    if (g->nwp == GDB_MAX_WP || len == 0 || len > GDB_MAX_WATCH)
        return false;
    struct gdb_watch *w = &g->wp[g->nwp];
    w->addr = addr;
    w->len = len;
    if (!gdb_access_mem(g, addr, w->old, len, false))
        return false;
    g->nwp++;
    return true;
}

static bool gdb_wp_remove(struct gdbstub *g, uint32_t addr, uint32_t len)
{
    for (unsigned i = 0; i < g->nwp; i++) {
        if (g->wp[i].addr == addr && g->wp[i].len == len) {
            g->wp[i] = g->wp[--g->nwp];
            return true;
        }
    }
    return false;
}

/* The first watchpoint whose bytes changed (its copy updated), or NULL. */
static const struct gdb_watch *gdb_wp_changed(struct gdbstub *g)
{
    for (unsigned i = 0; i < g->nwp; i++) {
        struct gdb_watch *w = &g->wp[i];
        uint8_t now[GDB_MAX_WATCH];
        if (!gdb_access_mem(g, w->addr, now, w->len, false) || !memcmp(now, w->old, w->len))
            continue;
        memcpy(w->old, now, w->len);
        return w;
    }
    return NULL;
}

/* ---- stop replies ---- */

static void gdb_stopped(struct gdbstub *g, const char *reply)
{
    g->state = GDB_STOPPED;
    cpu_set_debug_step(g->cpu, false);
    gdb_send(g, reply);
}

/* ---- packets ---- */

static void hex_encode(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static bool hex_decode(uint8_t *out, const char *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(in[2 * i]), lo = hi < 0 ? -1 : hexval(in[2 * i + 1]);
        if (lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* "ADDR,LEN" (hex) followed by end; false on a malformed pair. */
static bool parse_addr_len(const char *s, uint32_t *addr, uint32_t *len, char **end)
{
    char *e;
    *addr = (uint32_t)strtoul(s, &e, 16);
    if (*e != ',')
        return false;
    *len = (uint32_t)strtoul(e + 1, end, 16);
    return *end != e + 1;
}

static void cmd_read_regs(struct gdbstub *g)
{
    char *out = g->reply;
    for (unsigned n = 0; n < GDB_REG_COUNT; n++) {
        uint8_t buf[16];
        size_t size = gdbstub_read_reg(g->cpu, n, buf);
        hex_encode(out, buf, size);
        out += 2 * size;
    }
    gdb_send(g, g->reply);
}

static void cmd_write_regs(struct gdbstub *g, const char *hex)
{
    for (unsigned n = 0; n < GDB_REG_COUNT && *hex; n++) {
        uint8_t buf[16];
        size_t size = gdbstub_read_reg(g->cpu, n, buf);
        if (strlen(hex) < 2 * size || !hex_decode(buf, hex, size)) {
            gdb_send(g, "E01");
            return;
        }
        gdbstub_write_reg(g->cpu, n, buf); /* read-only ones keep their value */
        hex += 2 * size;
    }
    gdb_send(g, "OK");
}

static void cmd_reg(struct gdbstub *g, const char *args, bool write)
{
    char *e;
    unsigned n = (unsigned)strtoul(args, &e, 16);
    uint8_t buf[16];
    size_t size = gdbstub_read_reg(g->cpu, n, buf);
    if (!size) {
        gdb_send(g, write ? "E01" : "E45");
        return;
    }
    if (!write) {
        hex_encode(g->reply, buf, size);
        gdb_send(g, g->reply);
        return;
    }
    bool ok = *e == '=' && strlen(e + 1) >= 2 * size && hex_decode(buf, e + 1, size) &&
              gdbstub_write_reg(g->cpu, n, buf);
    gdb_send(g, ok ? "OK" : "E01");
}

static void cmd_read_mem(struct gdbstub *g, const char *args)
{
    uint32_t addr, len;
    char *e;
    uint8_t buf[GDB_PACKET_MAX / 2];
    if (!parse_addr_len(args, &addr, &len, &e) || len > sizeof(buf)) {
        gdb_send(g, "E01");
        return;
    }
    if (!gdb_access_mem(g, addr, buf, len, false)) {
        gdb_send(g, "E14"); /* EFAULT: not mapped in the current page tables */
        return;
    }
    hex_encode(g->reply, buf, len);
    gdb_send(g, g->reply);
}

static void cmd_write_mem(struct gdbstub *g, const char *args)
{
    uint32_t addr, len;
    char *e;
    uint8_t buf[GDB_PACKET_MAX / 2];
    if (!parse_addr_len(args, &addr, &len, &e) || *e != ':' || len > sizeof(buf) ||
        strlen(e + 1) < 2 * (size_t)len || !hex_decode(buf, e + 1, len)) {
        gdb_send(g, "E01");
        return;
    }
    gdb_send(g, gdb_access_mem(g, addr, buf, len, true) ? "OK" : "E14");
}

/* Z/z TYPE,ADDR,KIND: 0 software and 1 hardware breakpoints are the same
 * thing here (the loop compares EIP; guest memory is never patched); 2 write
 * watchpoints. Read and access watchpoints are not offered: gdb is told so
 * with an empty reply. */
static void cmd_breakpoint(struct gdbstub *g, const char *args, bool insert)
{
    char *e;
    unsigned type = (unsigned)strtoul(args, &e, 16);
    uint32_t addr, len;
    if (*e != ',' || !parse_addr_len(e + 1, &addr, &len, &e)) {
        gdb_send(g, "E01");
        return;
    }
    bool ok;
    if (type <= 1)
        ok = insert ? gdb_bp_insert(g, addr) : gdb_bp_remove(g, addr);
    else if (type == 2)
        ok = insert ? gdb_wp_insert(g, addr, len) : gdb_wp_remove(g, addr, len);
    else {
        gdb_send(g, "");
        return;
    }
    gdb_send(g, ok ? "OK" : "E22");
}

static void resume(struct gdbstub *g, enum gdb_state how, const char *addr)
{
    if (addr && *addr) {
        CPUX86State *env = cpu_env(g->cpu);
        env->eip = (uint32_t)strtoul(addr, NULL, 16) - (uint32_t)env->segs[X86_SEG_CS].base;
    }
    g->state = how;
    g->resumed = true;
}

/* vCont;ACTION[:thread][;ACTION...]: one CPU, so the first action decides. */
static void cmd_vcont(struct gdbstub *g, const char *args)
{
    if (strcmp(args, "?") == 0) {
        gdb_send(g, "vCont;c;C;s;S");
        return;
    }
    if (args[0] != ';') {
        gdb_send(g, "E01");
        return;
    }
    char a = args[1];
    if (a == 's' || a == 'S')
        resume(g, GDB_STEPPING, NULL);
    else if (a == 'c' || a == 'C')
        resume(g, GDB_RUNNING, NULL);
    else
        gdb_send(g, "E01");
}

static void cmd_xfer_features(struct gdbstub *g, const char *args)
{
    const char *xml = gdbstub_target_xml();
    size_t total = strlen(xml);
    uint32_t off, len;
    char *e;
    if (strncmp(args, "target.xml:", 11) != 0) {
        gdb_send(g, "E00");
        return;
    }
    if (!parse_addr_len(args + 11, &off, &len, &e)) {
        gdb_send(g, "E01");
        return;
    }
    if (len > GDB_PACKET_MAX - 2)
        len = GDB_PACKET_MAX - 2;
    if (off >= total) {
        gdb_send(g, "l");
        return;
    }
    size_t n = total - off < len ? total - off : len;
    g->reply[0] = off + n < total ? 'm' : 'l';
    memcpy(g->reply + 1, xml + off, n);
    g->reply[1 + n] = '\0';
    gdb_send(g, g->reply);
}

/* The commands the stub answers itself until a human monitor is connected:
 * the translator's counters and one block's stages. */
static void builtin_monitor(struct gdbstub *g, const char *cmd, FILE *out)
{
    unsigned long addr;
    char *end;
    if (strcmp(cmd, "info jit") == 0) {
        char buf[2048];
        translator_info_format(cpu_translator(g->cpu), buf, sizeof(buf));
        fputs(buf, out);
    } else if (strncmp(cmd, "info tb ", 8) == 0 &&
               (addr = strtoul(cmd + 8, &end, 0), *end == '\0' && end != cmd + 8)) {
        xl_info_tb(g->cpu, (uint32_t)addr, out);
    } else {
        fprintf(out,
                "jit86 gdb stub: no monitor attached; '%s' is not one of: info jit, "
                "info tb ADDR\n",
                cmd);
    }
}

/* monitor CMD: the reply text goes back as console output ('O' packets). */
static void cmd_monitor(struct gdbstub *g, const char *hex)
{
    size_t n = strlen(hex) / 2;
    char cmd[256];
    if (n >= sizeof(cmd) || !hex_decode((uint8_t *)cmd, hex, n)) {
        gdb_send(g, "E01");
        return;
    }
    cmd[n] = '\0';
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out) {
        gdb_send(g, "E12");
        return;
    }
    if (g->monitor)
        g->monitor(g->monitor_opaque, cmd, out);
    else
        builtin_monitor(g, cmd, out);
    fclose(out);
    for (size_t i = 0; i < len && g->fd >= 0; i += 256) {
        size_t chunk = len - i < 256 ? len - i : 256;
        g->reply[0] = 'O';
        hex_encode(g->reply + 1, (const uint8_t *)text + i, chunk);
        gdb_send(g, g->reply);
    }
    free(text);
    gdb_send(g, "OK");
}

static void cmd_query(struct gdbstub *g, const char *q)
{
    if (strncmp(q, "qSupported", 10) == 0)
        gdb_send(g, "PacketSize=1000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+");
    else if (strncmp(q, "qXfer:features:read:", 20) == 0)
        cmd_xfer_features(g, q + 20);
    else if (strncmp(q, "qRcmd,", 6) == 0)
        cmd_monitor(g, q + 6);
    else if (strcmp(q, "qAttached") == 0)
        gdb_send(g, "1");
    else if (strcmp(q, "qC") == 0)
        gdb_send(g, "QC1");
    else if (strcmp(q, "qfThreadInfo") == 0)
        gdb_send(g, "m1");
    else if (strcmp(q, "qsThreadInfo") == 0)
        gdb_send(g, "l");
    else if (strncmp(q, "qSymbol", 7) == 0)
        gdb_send(g, "OK");
    else
        gdb_send(g, "");
}

static void gdb_handle_packet(struct gdbstub *g, char *p)
{
    switch (p[0]) {
    case '?': gdb_send(g, "T05thread:01;"); break;
    case 'g': cmd_read_regs(g); break;
    case 'G': cmd_write_regs(g, p + 1); break;
    case 'p': cmd_reg(g, p + 1, false); break;
    case 'P': cmd_reg(g, p + 1, true); break;
    case 'm': cmd_read_mem(g, p + 1); break;
    case 'M': cmd_write_mem(g, p + 1); break;
    case 'Z': cmd_breakpoint(g, p + 1, true); break;
    case 'z': cmd_breakpoint(g, p + 1, false); break;
    case 'c': resume(g, GDB_RUNNING, p + 1); break;
    case 's': resume(g, GDB_STEPPING, p + 1); break;
    case 'C': resume(g, GDB_RUNNING, NULL); break; /* signals mean nothing to a PC */
    case 'S': resume(g, GDB_STEPPING, NULL); break;
    case 'H':
    case 'T': gdb_send(g, "OK"); break;
    case 'q': cmd_query(g, p); break;
    case 'v':
        if (strncmp(p, "vCont", 5) == 0)
            cmd_vcont(g, p + 5);
        else
            gdb_send(g, "");
        break;
    case 'D':
        gdb_send(g, "OK");
        gdb_disconnect(g);
        break;
    case 'k':
        g->quit = true;
        gdb_disconnect(g);
        break;
    default: gdb_send(g, ""); break;
    }
}

/* Reads one packet (or a Ctrl-C) within timeout_ms and handles it. */
static void gdb_serve(struct gdbstub *g, int timeout_ms)
{
    int c = gdb_getc(g, timeout_ms);
    if (c == 0x03 && g->state != GDB_STOPPED) {
        gdb_stopped(g, "T02thread:01;"); /* SIGINT */
        return;
    }
    if (c != '$')
        return; /* acks, stray bytes, a Ctrl-C while already stopped */
    size_t n = 0;
    for (;;) {
        c = gdb_getc(g, 1000);
        if (c < 0)
            return;
        if (c == '#')
            break;
        if (n < GDB_PACKET_MAX)
            g->pkt[n++] = (char)c;
    }
    int hi = hexval(gdb_getc(g, 1000)), lo = hexval(gdb_getc(g, 1000));
    if (hi < 0 || lo < 0)
        return;
    gdb_send_raw(g, "+", 1);
    g->pkt[n] = '\0';
    gdb_handle_packet(g, g->pkt);
}

/* ---- connection ---- */

static bool gdb_accept(struct gdbstub *g, bool block)
{
    struct pollfd p = {.fd = g->listen_fd, .events = POLLIN};
    if (poll(&p, 1, block ? -1 : 0) <= 0)
        return false;
    int fd = accept(g->listen_fd, NULL, NULL);
    if (fd < 0)
        return false;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    g->fd = fd;
    g->rx_len = g->rx_pos = 0;
    g->state = GDB_STOPPED; /* gdb expects a stopped target when it attaches */
    return true;
}

static bool parse_spec(const char *spec, char *host, size_t hostlen, char *port, size_t portlen)
{
    if (strncmp(spec, "tcp:", 4) != 0)
        return false;
    const char *h = spec + 4, *colon = strrchr(h, ':');
    if (!colon || !colon[1] || (size_t)(colon - h) >= hostlen || strlen(colon + 1) >= portlen)
        return false;
    snprintf(host, hostlen, "%.*s", (int)(colon - h), h);
    if (!host[0])
        snprintf(host, hostlen, "127.0.0.1");
    snprintf(port, portlen, "%s", colon + 1);
    return true;
}

static int listen_on(const char *host, const char *port, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai;
    int r = getaddrinfo(host, port, &hints, &ai);
    if (r != 0) {
        snprintf(err, errlen, "-gdb: %s:%s: %s", host, port, gai_strerror(r));
        return -1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1) != 0) {
        snprintf(err, errlen, "-gdb: cannot listen on %s:%s: %s", host, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

struct gdbstub *gdbstub_new(const char *spec, struct x86_cpu *cpu, bool wait_attach, char *err,
                            size_t errlen)
{
    char host[256], port[32];
    if (!parse_spec(spec, host, sizeof(host), port, sizeof(port))) {
        snprintf(err, errlen, "-gdb: '%s' is not tcp::PORT or tcp:HOST:PORT", spec);
        return NULL;
    }
    struct gdbstub *g = calloc(1, sizeof(*g));
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->cpu = cpu;
    g->fd = -1;
    g->wait_attach = wait_attach;
    g->state = wait_attach ? GDB_STOPPED : GDB_RUNNING;
    g->listen_fd = listen_on(host, port, err, errlen);
    if (g->listen_fd < 0) {
        free(g);
        return NULL;
    }
    if (wait_attach)
        fprintf(stderr, "jit86: waiting for gdb on %s:%s\n", host, port);
    return g;
}

void gdbstub_free(struct gdbstub *g)
{
    if (!g)
        return;
    if (g->fd >= 0)
        close(g->fd);
    close(g->listen_fd);
    free(g);
}

void gdbstub_set_monitor(struct gdbstub *g, gdbstub_monitor_fn *fn, void *opaque)
{
    g->monitor = fn;
    g->monitor_opaque = opaque;
}

bool gdbstub_quit_requested(const struct gdbstub *g)
{
    return g->quit;
}

void gdbstub_guest_exited(struct gdbstub *g, int status)
{
    char reply[8];
    snprintf(reply, sizeof(reply), "W%02x", status & 0xff);
    if (g->fd >= 0)
        gdb_send(g, reply);
}

/* ---- run control ---- */

/* One instruction at a time, checking breakpoints before and watchpoints
 * after each, for at most max_insns instructions. */
static enum cpu_exit_reason run_watched(struct gdbstub *g, uint64_t max_insns)
{
    cpu_set_debug_step(g->cpu, true);
    for (uint64_t i = 0; i < max_insns; i++) {
        if (!g->resumed && gdb_bp_at(g, gdb_pc(g))) {
            gdb_stopped(g, "T05swbreak:;thread:01;");
            return CPU_EXIT_REQUEST;
        }
        g->resumed = false;
        enum cpu_exit_reason why = cpu_exec(g->cpu, 1);
        const struct gdb_watch *w = gdb_wp_changed(g);
        if (w) {
            char reply[48];
            snprintf(reply, sizeof(reply), "T05watch:%08" PRIx32 ";thread:01;", w->addr);
            gdb_stopped(g, reply);
            return why == CPU_EXIT_LIMIT ? CPU_EXIT_REQUEST : why;
        }
        if (why != CPU_EXIT_LIMIT)
            return why;
    }
    return CPU_EXIT_LIMIT;
}

enum cpu_exit_reason gdbstub_run_slice(struct gdbstub *g, uint64_t max_blocks)
{
    if (g->fd < 0)
        gdb_accept(g, g->wait_attach);
    g->wait_attach = false;
    if (g->fd >= 0)
        gdb_serve(g, 0);
    while (g->fd >= 0 && g->state == GDB_STOPPED && !g->quit)
        gdb_serve(g, -1);
    if (g->quit)
        return CPU_EXIT_REQUEST;
    if (g->state == GDB_STEPPING) {
        cpu_set_debug_step(g->cpu, true);
        cpu_set_debug_irq_mask(g->cpu, true);
        g->resumed = false;
        enum cpu_exit_reason why = cpu_exec(g->cpu, 1);
        cpu_set_debug_irq_mask(g->cpu, false);
        gdb_wp_changed(g); /* a step is reported as a step, watched bytes or not */
        gdb_stopped(g, "T05thread:01;");
        return why == CPU_EXIT_LIMIT ? CPU_EXIT_REQUEST : why;
    }
    if (g->nbp || g->nwp)
        return run_watched(g, max_blocks);
    cpu_set_debug_step(g->cpu, false);
    return cpu_exec(g->cpu, max_blocks);
}
