/* Backend selection: which of the compiled-in backends runs blocks by default. */
#include "translator.h"

const char *translator_default_backend(void)
{
    return "none";
}
