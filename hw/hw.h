/* hw/: devices and the PC board (shared/DESIGN.md "Machine"). */
#ifndef JIT86_HW_H
#define JIT86_HW_H

#include <stdbool.h>
#include <stddef.h>

/* Default firmware directory: Debian's seabios package. */
#define PC_FIRMWARE_DIR "/usr/share/seabios"

/* Finds the BIOS image. bios: the -bios argument or NULL; dir: the -L
 * directory or NULL (default PC_FIRMWARE_DIR). A bare -bios name is looked up
 * in dir, as QEMU does. On success writes the path and returns true; otherwise
 * writes one error line to err. */
bool pc_find_bios(const char *bios, const char *dir, char *path, size_t pathlen, char *err,
                  size_t errlen);

#endif
