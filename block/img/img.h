/* jit86-img internals: the verbs (qemu-img's names and options) and the
 * helpers they share. Uses only the public block API. */
#ifndef BLOCK_IMG_IMG_H
#define BLOCK_IMG_IMG_H

#include "block/block.h"

#include <stdbool.h>
#include <stdint.h>

int img_create(int argc, char **argv);
int img_info(int argc, char **argv);
int img_check(int argc, char **argv);
int img_convert(int argc, char **argv);
int img_snapshot(int argc, char **argv);
int img_resize(int argc, char **argv);
int img_commit(int argc, char **argv);
int img_rebase(int argc, char **argv);
int img_map(int argc, char **argv);
int img_compare(int argc, char **argv);

/* Prints "jit86-img: " and the message; returns 1 for `return img_error(...)`. */
int img_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "10G", "512M", "64k", "1048576" -> bytes; false on a malformed size. */
bool img_parse_size(const char *text, uint64_t *out);
/* Applies "-o key=value,..." to create options. Returns the storage the
 * option strings point into (free it after use), or NULL with a message. */
char *img_parse_create_options(const char *text, struct blk_create_opts *o);
struct blk *img_open(const char *filename, const char *fmt, unsigned flags);
/* "1 GiB", "196 KiB", as qemu-img prints sizes. */
void img_format_size(uint64_t bytes, char *out, size_t len);
void img_progress(bool enabled, uint64_t done, uint64_t total);
/* The "Snapshot list:" table of info and snapshot -l, in qemu-img's layout. */
void img_print_snapshots(const struct blk_info *in);

#endif
