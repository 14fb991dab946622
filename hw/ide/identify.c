/* IDENTIFY DEVICE and IDENTIFY PACKET DEVICE data, and the default CHS
 * geometry of a disk. T13 1410D (ATA/ATAPI-6) §8.15 table 16, §8.16 table 19. */
#include "ide-int.h"

#include <string.h>

#define MAX_CHS_SECTORS (16383u * 16u * 63u)

void ide_default_geometry(struct ide_drive *d)
{
    /* The translation BIOSes and drivers expect of a modern disk: 16 heads,
     * 63 sectors per track, cylinders capped at 16383 (§6.2.1, word 1). */
    uint64_t n = d->kind == IDE_DISK ? d->nb_sectors : 0;
    uint64_t cyls = n / (16 * 63);
    if (cyls > 16383)
        cyls = 16383;
    if (cyls == 0)
        cyls = 1;
    d->cyls = (uint16_t)cyls;
    d->heads = 16;
    d->secs = 63;
}

static void put_word(uint8_t *buf, int w, uint16_t v)
{
    buf[2 * w] = (uint8_t)v;
    buf[2 * w + 1] = (uint8_t)(v >> 8);
}

/* ATA strings: space padded, two characters per word, first in the high byte. */
static void put_string(uint8_t *buf, int w, const char *s, int words)
{
    size_t len = strlen(s);
    for (int i = 0; i < words * 2; i++) {
        char c = (size_t)i < len ? s[i] : ' ';
        buf[2 * w + (i ^ 1)] = (uint8_t)c;
    }
}

static void put_common(struct ide_drive *d)
{
    put_string(d->buf, 10, d->serial, 10);
    put_string(d->buf, 23, d->fw, 4);
    put_string(d->buf, 27, d->model, 20);
    put_word(d->buf, 80, 0x007E); /* ATA-1 through ATA-6 */
    /* Selected transfer mode from SET FEATURES 03h. */
    uint8_t mode = d->xfer_mode & 7;
    uint16_t mw = 0x0007, udma = 0x003F;
    if ((d->xfer_mode >> 3) == 4)
        mw |= (uint16_t)(0x100 << mode);
    if ((d->xfer_mode >> 3) == 8)
        udma |= (uint16_t)(0x100 << mode);
    put_word(d->buf, 63, mw);
    put_word(d->buf, 88, udma);
    put_word(d->buf, 64, 0x0003); /* PIO 3 and 4 */
    put_word(d->buf, 65, 120);
    put_word(d->buf, 66, 120);
    put_word(d->buf, 67, 120);
    put_word(d->buf, 68, 120);
}

/* Word 255 (§8.15.61): signature A5h and a checksum making the 512 bytes
 * sum to zero. */
static void put_integrity(uint8_t *buf)
{
    buf[510] = 0xA5;
    uint8_t sum = 0;
    for (int i = 0; i < 511; i++)
        sum = (uint8_t)(sum + buf[i]);
    buf[511] = (uint8_t)-sum;
}

void ide_identify_disk(struct ide_drive *d)
{
    uint8_t *b = d->buf;
    memset(b, 0, 512);
    put_word(b, 0, 0x0040); /* fixed, non-removable ATA device */
    put_word(b, 1, d->cyls);
    put_word(b, 3, d->heads);
    put_word(b, 6, d->secs);
    put_word(b, 47, 0x8000 | IDE_MAX_MULTIPLE);
    put_word(b, 49, 0x0B00); /* IORDY, LBA, DMA */
    put_word(b, 50, 0x4000);
    put_word(b, 51, 0x0200); /* PIO mode 2 timing */
    put_word(b, 53, 0x0007); /* words 54-58, 64-70 and 88 valid */
    /* Current geometry and its capacity (words 54-58). */
    uint64_t per_cyl = (uint64_t)d->cur_heads * d->cur_secs;
    uint64_t cur_cyls = per_cyl ? d->nb_sectors / per_cyl : 0;
    if (cur_cyls > 65535)
        cur_cyls = 65535;
    uint32_t cur_cap = (uint32_t)(cur_cyls * per_cyl);
    put_word(b, 54, (uint16_t)cur_cyls);
    put_word(b, 55, d->cur_heads);
    put_word(b, 56, d->cur_secs);
    put_word(b, 57, (uint16_t)cur_cap);
    put_word(b, 58, (uint16_t)(cur_cap >> 16));
    put_word(b, 59, d->mult_sectors ? (uint16_t)(0x0100 | d->mult_sectors) : 0);
    uint32_t lba28 = d->nb_sectors > 0x0FFFFFFF ? 0x0FFFFFFF : (uint32_t)d->nb_sectors;
    put_word(b, 60, (uint16_t)lba28);
    put_word(b, 61, (uint16_t)(lba28 >> 16));
    put_common(d);
    put_word(b, 82, 0x0020);                          /* write cache */
    put_word(b, 83, 0x7400);                          /* FLUSH CACHE (EXT), 48-bit */
    put_word(b, 84, 0x4000);
    put_word(b, 85, d->wcache ? 0x0020 : 0);          /* enabled: write cache */
    put_word(b, 86, 0x3400);
    put_word(b, 87, 0x4000);
    put_word(b, 93, 0x6001); /* device 0 passed, 80-conductor cable */
    for (int i = 0; i < 4; i++)
        put_word(b, 100 + i, (uint16_t)(d->nb_sectors >> (16 * i)));
    put_integrity(b);
}

void ide_identify_packet(struct ide_drive *d)
{
    uint8_t *b = d->buf;
    memset(b, 0, 512);
    /* ATAPI, CD-ROM device type (05h), removable, DRQ within 50 us, 12-byte
     * packets (§8.16 word 0). */
    put_word(b, 0, 0x85C0);
    put_word(b, 49, 0x0B00); /* IORDY, LBA, DMA */
    put_word(b, 53, 0x0007);
    put_common(d);
    put_word(b, 71, 30); /* PACKET to bus release, ns */
    put_word(b, 72, 30);
    put_word(b, 82, 0x4014); /* NOP, PACKET, removable media */
    put_word(b, 83, 0x4000);
    put_word(b, 84, 0x4000);
    put_word(b, 85, 0x4014);
    put_word(b, 86, 0x0000);
    put_word(b, 87, 0x4000);
    put_integrity(b);
}
