/* png_compare A.png B.png: exit 0 when both images have the same size and
 * pixels; otherwise prints the size or the first differing pixel and the
 * count of differing pixels, exit 1 (2 when a file cannot be read). */
#include "ui/screendump.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: png_compare A.png B.png\n");
        return 2;
    }
    char err[512];
    int aw, ah, bw, bh;
    uint32_t *a = ui_png_load(argv[1], &aw, &ah, err, sizeof(err));
    uint32_t *b = a ? ui_png_load(argv[2], &bw, &bh, err, sizeof(err)) : NULL;
    if (!a || !b) {
        fprintf(stderr, "png_compare: %s\n", err);
        free(a);
        return 2;
    }
    int status = 0;
    if (aw != bw || ah != bh) {
        printf("size differs: %dx%d against %dx%d\n", aw, ah, bw, bh);
        status = 1;
    } else {
        long diff = 0;
        for (long i = 0; i < (long)aw * ah; i++) {
            if (a[i] == b[i])
                continue;
            if (!diff++)
                printf("first difference at (%ld, %ld): %06x against %06x\n", i % aw, i / aw, a[i],
                       b[i]);
        }
        if (diff) {
            printf("%ld of %ld pixels differ\n", diff, (long)aw * ah);
            status = 1;
        }
    }
    free(a);
    free(b);
    return status;
}
