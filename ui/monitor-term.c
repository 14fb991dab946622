/* The human monitor on a character device: prompt, line assembly and, on a
 * terminal, line editing and history through libedit's readline interface
 * (Debian libedit-dev) instead of a home-made editor. */
#include "monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef JIT86_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

#define MONITOR_PROMPT   "(qemu) " /* QEMU's prompt: expect scripts wait for it */
#define MONITOR_LINE_MAX 1024

struct monitor_term {
    struct vm *vm;
    monitor_write_fn *write;
    void *opaque;
    int tty_fd; /* >= 0: libedit reads this terminal */
    char line[MONITOR_LINE_MAX];
    size_t len;
    bool overflow; /* the current line is too long: dropped at its end */
    bool last_cr;  /* a CR ended the last line: skip the LF of CR LF */
};

#ifdef JIT86_HAVE_LIBEDIT
/* The readline callback API carries no context pointer; only one monitor can
 * own the process's terminal, so it is remembered here. */
static struct monitor_term *edit_owner;
#endif

static void term_print(struct monitor_term *t, const char *s)
{
    t->write(t->opaque, s, strlen(s));
}

static void run_line(struct monitor_term *t, const char *line)
{
    struct mon_out out = {0};
    monitor_execute(t->vm, line, VM_CAUSE_HOST_HMP, &out);
    if (out.len && t->tty_fd >= 0) {
        /* libedit draws through stdout's buffer: the same stream keeps the order. */
        fwrite(out.buf, 1, out.len, stdout);
        fflush(stdout);
    } else if (out.len) {
        t->write(t->opaque, out.buf, out.len);
    }
    mon_out_free(&out);
}

#ifdef JIT86_HAVE_LIBEDIT
static void edit_line(char *line)
{
    struct monitor_term *t = edit_owner;
    if (!t)
        return;
    if (!line) { /* EOF on the terminal: stop reading it */
        rl_callback_handler_remove();
        t->tty_fd = -1;
        return;
    }
    if (*line)
        add_history(line);
    /* Off while the command runs, so the next prompt comes after its output. */
    rl_callback_handler_remove();
    run_line(t, line);
    free(line);
    if (edit_owner == t && t->tty_fd >= 0)
        rl_callback_handler_install(MONITOR_PROMPT, edit_line);
}
#endif

struct monitor_term *monitor_term_new(struct vm *vm, monitor_write_fn *write, void *opaque,
                                      int tty_fd)
{
    struct monitor_term *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    *t = (struct monitor_term){.vm = vm, .write = write, .opaque = opaque, .tty_fd = -1};
#ifdef JIT86_HAVE_LIBEDIT
    if (tty_fd >= 0 && !edit_owner) {
        edit_owner = t;
        t->tty_fd = tty_fd;
    }
#else
    (void)tty_fd;
#endif
    return t;
}

void monitor_term_free(struct monitor_term *t)
{
    if (!t)
        return;
#ifdef JIT86_HAVE_LIBEDIT
    if (edit_owner == t) {
        if (t->tty_fd >= 0)
            rl_callback_handler_remove();
        edit_owner = NULL;
    }
#endif
    free(t);
}

void monitor_term_banner(struct monitor_term *t)
{
    term_print(t, "jit86 " JIT86_VERSION " monitor - type 'help' for more information\n");
#ifdef JIT86_HAVE_LIBEDIT
    if (t->tty_fd >= 0) {
        rl_callback_handler_install(MONITOR_PROMPT, edit_line);
        return;
    }
#endif
    term_print(t, MONITOR_PROMPT);
}

int monitor_term_tty_fd(const struct monitor_term *t)
{
    return t->tty_fd;
}

void monitor_term_read_tty(struct monitor_term *t)
{
#ifdef JIT86_HAVE_LIBEDIT
    if (t->tty_fd >= 0)
        rl_callback_read_char();
#else
    (void)t;
#endif
}

void monitor_term_input(struct monitor_term *t, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        bool crlf = c == '\n' && t->last_cr;
        t->last_cr = c == '\r';
        if (crlf)
            continue;
        if (c == '\r' || c == '\n') {
            t->line[t->len] = '\0';
            if (t->overflow)
                term_print(t, "line too long\n");
            else if (t->len)
                run_line(t, t->line);
            term_print(t, MONITOR_PROMPT);
            t->len = 0;
            t->overflow = false;
            continue;
        }
        if ((c == 0x7f || c == '\b') && t->len) {
            t->len--;
            continue;
        }
        if (t->len + 1 >= sizeof(t->line))
            t->overflow = true;
        else
            t->line[t->len++] = c;
    }
}
