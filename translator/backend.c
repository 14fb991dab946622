/* Backend selection: the compiled-in backends by name, and the default one. */
#include "translator.h"

#include <stdlib.h>
#include <string.h>

static const struct tb_backend *const backends[] = {
    &tb_backend_interp,
#if defined(__x86_64__)
    &tb_backend_x86_64,
#endif
#if defined(__aarch64__)
    &tb_backend_aarch64,
#endif
};

const struct tb_backend *translator_backend_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
        if (strcmp(backends[i]->name, name) == 0)
            return backends[i];
    return NULL;
}

const struct tb_backend *translator_backend_for_listing(const char *name)
{
    if (strcmp(name, tb_backend_aarch64.name) == 0)
        return &tb_backend_aarch64;
    if (strcmp(name, tb_backend_x86_64.name) == 0)
        return &tb_backend_x86_64;
    return translator_backend_by_name(name);
}

const char *translator_default_backend(void)
{
    const char *env = getenv("JIT86_BACKEND");
    if (env && translator_backend_by_name(env))
        return env;
#if defined(__x86_64__)
    return tb_backend_x86_64.name;
#elif defined(__aarch64__)
    return tb_backend_aarch64.name;
#else
    return tb_backend_interp.name;
#endif
}
