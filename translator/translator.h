/* translator/: the guest-neutral JIT. IR, optimizer, backends, code buffer,
 * translation-block cache and chaining (shared/DESIGN.md "Translator contract"). */
#ifndef JIT86_TRANSLATOR_H
#define JIT86_TRANSLATOR_H

/* Name of the backend that runs blocks by default on this host, or "none"
 * while no backend is built. */
const char *translator_default_backend(void);

#endif
