/* ui/: main(), command line, window, headless console, monitor, control socket. */
#ifndef JIT86_UI_H
#define JIT86_UI_H

/* The whole program behind main(); returns the process exit status. */
int ui_main(int argc, char **argv);

/* Host architecture jit86 was built for ("x86_64", "aarch64", ...). */
const char *ui_host_arch(void);

#endif
