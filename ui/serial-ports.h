/* Which backend each of the board's two 16550A UARTs gets: -serial DEV in
 * order, then QEMU's -device isa-serial,chardev=ID[,index=N] naming a
 * -chardev socket|file|stdio|null,id=ID,... (the host-guest channel,
 * docs/monitor.md). */
#ifndef JIT86_UI_SERIAL_PORTS_H
#define JIT86_UI_SERIAL_PORTS_H

#include "options.h"

#include <stdbool.h>
#include <stddef.h>

#define SERIAL_PORTS    2
#define SERIAL_SPEC_MAX 600

/* Fills spec[i] with a chardev_open() spec for COM(i+1) ("" = not given:
 * the caller's default). One line in err on a bad -chardev or -device. */
bool serial_ports_resolve(const struct ui_options *o, char spec[SERIAL_PORTS][SERIAL_SPEC_MAX],
                          char *err, size_t errlen);
/* The chardev.c spec of the -chardev with id=ID; false with one line in err. */
bool serial_ports_chardev_spec(const struct ui_options *o, const char *id, char *out, size_t len,
                               char *err, size_t errlen);
/* True for the -device names serial_ports_resolve() handles. */
bool serial_ports_is_device(const char *device);

#endif
