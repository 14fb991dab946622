/* jit86 entry point. */
#include "ui/ui.h"

int main(int argc, char **argv)
{
    return ui_main(argc, argv);
}
