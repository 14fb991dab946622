/* VM definition files: QEMU's -readconfig / -writeconfig INI form ([machine],
 * [memory] size=, [drive "id"] file= ..., [netdev "id"], [device "id"],
 * [chardev "id"]); each section stands for command-line options
 * (docs/savevm.md "VM definition files"). */
#ifndef JIT86_UI_CONFIG_FILE_H
#define JIT86_UI_CONFIG_FILE_H

#include <stdbool.h>
#include <stddef.h>

struct ui_options;

/* Receives one option the file stands for: its name without '-' ("drive")
 * and its value (valid during the call only). Returns false with err set to
 * refuse it. */
typedef bool ui_config_option_fn(void *opaque, const char *opt, const char *value, char *err,
                                 size_t errlen);

/* Reads the text of a config file (name is for messages) and calls fn for
 * the options of each section, in file order. A bad line, an unknown
 * section or key, or an option fn refuses: false with one line "NAME:LINE:
 * why" in err; options of earlier sections were already passed on. */
bool ui_config_parse(const char *text, size_t len, const char *name, ui_config_option_fn *fn,
                     void *opaque, char *err, size_t errlen);
/* The same for a file; "-" is stdin. */
bool ui_config_read_file(const char *path, ui_config_option_fn *fn, void *opaque, char *err,
                         size_t errlen);

/* The VM definition of opts (machine, memory, CPU, drives, network, devices,
 * character devices; not how this run is watched or controlled: -serial,
 * -monitor, -qmp, -display, -d, -incoming, -S ...), as a NUL-terminated
 * malloc'd text; NULL with one line in err when a value cannot be written
 * (a double quote or a line break in it). */
char *ui_config_format(const struct ui_options *opts, char *err, size_t errlen);
/* Writes it to path ("-": stdout). */
bool ui_config_write_file(const struct ui_options *opts, const char *path, char *err,
                          size_t errlen);

#endif
