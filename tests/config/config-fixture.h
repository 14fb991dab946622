/* Shared by the config-file tests: options from argv, from a config text,
 * and the config text of options. */
#ifndef JIT86_TESTS_CONFIG_FIXTURE_H
#define JIT86_TESTS_CONFIG_FIXTURE_H

#include "ui/config-file.h"
#include "ui/options.h"

#include <stdlib.h>

static bool fixture_apply(void *opaque, const char *opt, const char *value, char *err,
                          size_t errlen)
{
    return ui_apply_option(opaque, opt, value, err, errlen);
}

/* Fresh defaults (as an empty command line), then the config text. */
static inline bool options_from_text(struct ui_options *o, const char *text, size_t len, char *err,
                                     size_t errlen)
{
    char *argv[] = {"jit86"};
    if (!ui_parse_options(1, argv, o, err, errlen))
        return false;
    return ui_config_parse(text, len, "vm.cfg", fixture_apply, o, err, errlen);
}

#endif
