/* Character backends for -serial, -debugcon and -monitor, with QEMU's
 * spellings: stdio, null, none, file:PATH, unix:PATH[,server] and
 * tcp:[HOST]:PORT[,server]. A backend writes bytes out and, when it has an
 * input side, hands received bytes to whoever is attached. */
#ifndef JIT86_UI_CHARDEV_H
#define JIT86_UI_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum chardev_kind { CHARDEV_NULL, CHARDEV_STDIO, CHARDEV_FILE, CHARDEV_SOCKET };

/* Receives input bytes; returns how many it took (the rest wait). */
typedef size_t chardev_input_fn(void *opaque, const uint8_t *buf, size_t len);

struct chardev {
    enum chardev_kind kind;
    int in_fd, out_fd; /* -1 when absent */
    int listen_fd;     /* socket server waiting for a client */
    chardev_input_fn *input;
    void *input_opaque;
    uint8_t pending[256]; /* input not yet accepted */
    size_t npending;
};

/* Opens spec. Returns false with one line in err ("-serial: ..."). opt names
 * the option in messages. */
bool chardev_open(struct chardev *c, const char *opt, const char *spec, char *err, size_t errlen);
void chardev_close(struct chardev *c);
/* Writes everything (retrying short writes); output errors drop the bytes. */
void chardev_write(struct chardev *c, const uint8_t *buf, size_t len);
/* The uart_sink / debugcon write signature. */
void chardev_write_cb(void *opaque, const uint8_t *buf, size_t len);
/* Non-blocking: accepts a waiting client, reads available input and passes it
 * to the input callback. Returns false when the input side reached EOF. */
bool chardev_poll(struct chardev *c);
/* The descriptor to wait on for input, or -1. */
int chardev_poll_fd(const struct chardev *c);

/* -nographic multiplexes stdio between the serial port and the monitor with
 * QEMU's Ctrl-A escapes: Ctrl-A x quits, Ctrl-A c switches, Ctrl-A h helps,
 * Ctrl-A Ctrl-A sends one Ctrl-A. */
enum mux_action { MUX_PASS, MUX_SWALLOW, MUX_QUIT, MUX_SWITCH, MUX_HELP };
struct chardev_mux {
    bool escape; /* the previous byte was Ctrl-A */
};
/* Classifies one input byte; MUX_PASS means deliver *out to the focus. */
enum mux_action chardev_mux_input(struct chardev_mux *m, uint8_t in, uint8_t *out);
extern const char chardev_mux_help[];

#endif
