/* COM port backends from -serial and from QEMU's -chardev + -device
 * isa-serial,chardev=ID pair, turned into chardev.c specs. */
#include "serial-ports.h"

#include "netdev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool serial_ports_is_device(const char *device)
{
    return strncmp(device, "isa-serial", 10) == 0 && (device[10] == '\0' || device[10] == ',');
}

/* "on", "yes", "true" or a bare flag ("server,nowait" in the old spelling). */
static bool flag_on(const char *spec, const char *key, bool dflt)
{
    char v[16];
    if (netdev_opt(spec, key, v, sizeof(v)))
        return strcmp(v, "on") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "true") == 0;
    size_t k = strlen(key);
    for (const char *p = strchr(spec, ','); p; p = strchr(p + 1, ',')) {
        if (strncmp(p + 1, key, k) == 0 && (p[1 + k] == ',' || p[1 + k] == '\0'))
            return true;
    }
    return dflt;
}

/* One -chardev BACKEND,id=ID,... as a chardev.c spec. */
static bool chardev_to_spec(const char *cd, char *out, size_t len, char *err, size_t errlen)
{
    size_t n = strcspn(cd, ",");
    char path[512], host[256], port[16];
    if (n == 6 && strncmp(cd, "socket", 6) == 0) {
        const char *server = flag_on(cd, "server", false) ? ",server" : "";
        if (netdev_opt(cd, "path", path, sizeof(path))) {
            snprintf(out, len, "unix:%s%s", path, server);
            return true;
        }
        if (netdev_opt(cd, "port", port, sizeof(port))) {
            if (!netdev_opt(cd, "host", host, sizeof(host)))
                snprintf(host, sizeof(host), "127.0.0.1");
            snprintf(out, len, "tcp:%s:%s%s", host, port, server);
            return true;
        }
        snprintf(err, errlen, "-chardev: socket needs path= or port= in '%s'", cd);
        return false;
    }
    if (n == 4 && strncmp(cd, "file", 4) == 0 && netdev_opt(cd, "path", path, sizeof(path))) {
        snprintf(out, len, "file:%s", path);
        return true;
    }
    if ((n == 5 && strncmp(cd, "stdio", 5) == 0) || (n == 4 && strncmp(cd, "null", 4) == 0)) {
        snprintf(out, len, "%.*s", (int)n, cd);
        return true;
    }
    snprintf(err, errlen, "-chardev: unsupported backend in '%s' (socket, file, stdio, null)", cd);
    return false;
}

static const char *find_chardev(const struct ui_options *o, const char *id)
{
    char v[64];
    for (int i = 0; i < o->chardev.count; i++) {
        if (netdev_opt(o->chardev.item[i], "id", v, sizeof(v)) && strcmp(v, id) == 0)
            return o->chardev.item[i];
    }
    return NULL;
}

bool serial_ports_chardev_spec(const struct ui_options *o, const char *id, char *out, size_t len,
                               char *err, size_t errlen)
{
    const char *cd = find_chardev(o, id);
    if (!cd) {
        snprintf(err, errlen, "no -chardev with id=%s", id);
        return false;
    }
    return chardev_to_spec(cd, out, len, err, errlen);
}

static bool add_device(const struct ui_options *o, const char *d,
                       char spec[SERIAL_PORTS][SERIAL_SPEC_MAX], int *next, char *err,
                       size_t errlen)
{
    char id[64], idx[8];
    if (!netdev_opt(d, "chardev", id, sizeof(id))) {
        snprintf(err, errlen, "-device: isa-serial needs chardev=ID in '%s'", d);
        return false;
    }
    const char *cd = find_chardev(o, id);
    if (!cd) {
        snprintf(err, errlen, "-device: isa-serial: no -chardev with id=%s", id);
        return false;
    }
    int port = netdev_opt(d, "index", idx, sizeof(idx)) ? atoi(idx) : *next;
    if (port < 0 || port >= SERIAL_PORTS || spec[port][0]) {
        snprintf(err, errlen, "-device: isa-serial: no free serial port for '%s' (COM1-COM2)", d);
        return false;
    }
    if (!chardev_to_spec(cd, spec[port], SERIAL_SPEC_MAX, err, errlen))
        return false;
    *next = port + 1;
    return true;
}

bool serial_ports_resolve(const struct ui_options *o, char spec[SERIAL_PORTS][SERIAL_SPEC_MAX],
                          char *err, size_t errlen)
{
    for (int i = 0; i < SERIAL_PORTS; i++)
        spec[i][0] = '\0';
    int next = 0;
    for (; next < o->serial.count && next < SERIAL_PORTS; next++)
        snprintf(spec[next], SERIAL_SPEC_MAX, "%s", o->serial.item[next]);
    for (int i = 0; i < o->device.count; i++) {
        if (serial_ports_is_device(o->device.item[i]) &&
            !add_device(o, o->device.item[i], spec, &next, err, errlen))
            return false;
    }
    return true;
}
