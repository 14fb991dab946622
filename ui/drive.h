/* -drive: QEMU's drive specs onto the pc board's IDE and floppy slots. */
#ifndef JIT86_UI_DRIVE_H
#define JIT86_UI_DRIVE_H

#include "hw/pc/pc.h"
#include "options.h"

#include <stdbool.h>
#include <stddef.h>

/* Storage for the strings the drive table points at (one row per -drive). */
struct ui_drive_names {
    char file[UI_MAX_LIST][1024];
    char format[UI_MAX_LIST][32];
};

/* Adds each -drive spec to files after the -hda/-cdrom/-fda drives already in
 * it. False with one line in err for a malformed spec or a slot in use. */
bool ui_drives_apply(const struct ui_list *drives, struct pc_drive_files *files,
                     struct ui_drive_names *names, char *err, size_t errlen);

#endif
