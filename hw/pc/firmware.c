/* Firmware lookup: SeaBIOS from Debian's seabios package, or -bios/-L overrides. */
#include "hw/hw.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static bool is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool try_path(char *path, size_t pathlen, const char *dir, const char *name)
{
    int n = dir ? snprintf(path, pathlen, "%s/%s", dir, name) : snprintf(path, pathlen, "%s", name);
    return n > 0 && (size_t)n < pathlen && is_regular_file(path);
}

bool pc_find_bios(const char *bios, const char *dir, char *path, size_t pathlen, char *err,
                  size_t errlen)
{
    if (!dir)
        dir = PC_FIRMWARE_DIR;
    if (bios) {
        if (try_path(path, pathlen, NULL, bios))
            return true;
        if (!strchr(bios, '/') && try_path(path, pathlen, dir, bios))
            return true;
        snprintf(err, errlen, "could not load BIOS '%s': no such file", bios);
        return false;
    }
    /* The 256 KiB image has the larger feature set; the 128 KiB one is the
     * classic layout. Prefer the former, as QEMU's pc machine does. */
    static const char *const defaults[] = {"bios-256k.bin", "bios.bin"};
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        if (try_path(path, pathlen, dir, defaults[i]))
            return true;
    }
    snprintf(err, errlen, "no BIOS found in %s (install Debian's seabios package or use -bios)",
             dir);
    return false;
}
