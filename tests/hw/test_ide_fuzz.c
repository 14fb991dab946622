/* Seeded random programming of the IDE function (ATA disk, ATAPI CD-ROM,
 * bus master with random PRD tables) and the floppy controller with its DMA
 * channel: at least 100,000 operations that must never crash, hang, grow an
 * image, touch a read-only image or leave a device in an impossible state.
 * JIT86_FUZZ_SEED=N picks another seed; the seed is printed on failure. */
#include "hw/block/fdc.h"
#include "test_ide_util.h"

#define OPS 120000

static struct ide_rig rig;
static struct ide_rig *r = &rig;
static struct i8237 dma;
static struct fdc fdc;
static uint64_t rng_state, seed;
/* Outcomes seen, so the run proves it reached the interesting paths. */
static unsigned dma_done, dma_errors, atapi_data, fdc_transfers, pio_blocks;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint32_t below(uint32_t n)
{
    return (uint32_t)(rnd() % n);
}

static const uint16_t ports[] = {
    0x1F0, 0x1F1, 0x1F2, 0x1F3, 0x1F4, 0x1F5, 0x1F6, 0x1F7, 0x3F6, 0x170, 0x171, 0x172,
    0x173, 0x174, 0x175, 0x176, 0x177, 0x376, 0xC000, 0xC002, 0xC004, 0xC006, 0xC008, 0xC00A,
    0xC00C, 0xC00E, 0x3F0, 0x3F1, 0x3F2, 0x3F3, 0x3F4, 0x3F5, 0x3F7, 0x04, 0x05, 0x0A,
    0x0B, 0x0C, 0x81};

static const uint8_t ata_ops[] = {0x00, 0x08, 0x10, 0x20, 0x21, 0x24, 0x25, 0x29, 0x30, 0x31,
                                  0x34, 0x35, 0x39, 0x40, 0x42, 0x70, 0x90, 0x91, 0xA0, 0xA1,
                                  0xC4, 0xC5, 0xC6, 0xC8, 0xCA, 0xE0, 0xE5, 0xE7, 0xEA, 0xEC,
                                  0xEF, 0xF8, 0xFF};

static const uint8_t atapi_ops[] = {0x00, 0x03, 0x12, 0x1B, 0x1E, 0x25, 0x28, 0x2B, 0x43,
                                    0x46, 0x4A, 0x5A, 0xA8, 0xBB, 0xBD, 0xBE, 0x51, 0xFF};

static const uint8_t fdc_ops[] = {0x03, 0x04, 0x45, 0xC5, 0x46, 0xE6, 0x06, 0x07, 0x08, 0x0A,
                                  0x4A, 0x4D, 0x0E, 0x0F, 0x10, 0x12, 0x13, 0x14, 0x94, 0x1F};

static uint8_t interesting_byte(void)
{
    static const uint8_t v[] = {0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF, 0xFE, 0x0F, 0x40, 0xE0};
    return below(2) ? (uint8_t)rnd() : v[below(sizeof(v))];
}

static uint16_t port_of(void)
{
    uint16_t p = ports[below(sizeof(ports) / sizeof(ports[0]))];
    return p;
}

static void op_port_write(void)
{
    uint16_t p = port_of();
    unsigned size = (p == 0x1F0 || p == 0x170 || p >= 0xC000) ? 1u << below(3) : 1;
    mmu_io_write(r->io, p, size == 1 ? interesting_byte() : rnd(), size);
}

static void op_port_read(void)
{
    uint16_t p = port_of();
    unsigned size = (p == 0x1F0 || p == 0x170 || p >= 0xC000) ? 1u << below(3) : 1;
    (void)mmu_io_read(r->io, p, size);
}

/* A task file aimed at the interesting places: 0, the end, past the end. */
static void op_ata_command(void)
{
    uint16_t base = below(2) ? 0x1F0 : 0x170;
    uint64_t lbas[] = {0, 1, 2047, 2048, 4095, 4096, rnd() & 0xFFFFFFF, rnd()};
    uint64_t lba = lbas[below(8)];
    uint8_t dev = (uint8_t)(below(2) << 4);
    if (below(2))
        rig_lba48(r, base, dev >> 4, lba, (uint16_t)below(3) ? (uint16_t)below(20) : (uint16_t)rnd(),
                  ata_ops[below(sizeof(ata_ops))]);
    else {
        rig_outb(r, base + 1, interesting_byte());
        rig_lba28(r, base, dev >> 4, (uint32_t)lba, interesting_byte(),
                  ata_ops[below(sizeof(ata_ops))]);
    }
}

static void op_packet(void)
{
    uint16_t base = below(4) ? 0x170 : 0x1F0;
    rig_outb(r, base + 6, (uint8_t)(0xA0 | below(2) << 4));
    rig_outb(r, base + 1, (uint8_t)below(2));
    uint16_t limit = below(2) ? (uint16_t)rnd() : (uint16_t)(512u << below(7));
    rig_outb(r, base + 4, (uint8_t)limit);
    rig_outb(r, base + 5, (uint8_t)(limit >> 8));
    rig_outb(r, base + 7, 0xA0);
    uint8_t cdb[12];
    for (int i = 0; i < 12; i++)
        cdb[i] = interesting_byte();
    cdb[0] = atapi_ops[below(sizeof(atapi_ops))];
    if (below(2)) { /* LBA near the end of the 512-sector medium */
        uint32_t lba = 500 + below(20);
        cdb[2] = 0, cdb[3] = 0, cdb[4] = (uint8_t)(lba >> 8), cdb[5] = (uint8_t)lba;
        cdb[7] = 0, cdb[8] = (uint8_t)below(16);
    }
    rig_write_data(r, base, cdb, 12);
    atapi_data += (rig_inb(r, (uint16_t)(base + 0x206)) & 0x08) && rig_inb(r, base + 2) == 0x02;
}

static void op_data_burst(void)
{
    uint16_t base = below(2) ? 0x1F0 : 0x170;
    pio_blocks += (rig_inb(r, (uint16_t)(base + 0x206)) & 0x08) != 0;
    unsigned n = below(1200);
    for (unsigned i = 0; i < n; i++) {
        if (below(2))
            (void)mmu_io_read(r->io, base, 2);
        else
            mmu_io_write(r->io, base, rnd(), 2);
    }
}

static void op_prd(void)
{
    int ch = (int)below(2);
    uint32_t table = below(8) ? (below(T_RAM) & ~7u) : (uint32_t)rnd();
    int n = (int)below(6) + 1;
    for (int i = 0; i < n && table + 8u * (uint32_t)i + 8 <= T_RAM; i++) {
        uint32_t addr = below(4) ? below(T_RAM) & ~0xFFFFu : below(8) ? below(T_RAM) : (uint32_t)rnd();
        rig_prd(r, table, i, addr, below(2) ? (uint32_t)rnd() : 512u << below(8),
                i == n - 1 || !below(4));
    }
    bool to_mem = below(2);
    rig_bm_setup(r, ch, table, to_mem);
    if (below(2)) { /* a matching DMA command: disk on primary, CD on secondary */
        if (ch == 0)
            rig_lba28(r, 0x1F0, (int)below(2), below(4200), (uint8_t)(below(16) + 1),
                      to_mem ? 0xC8 : 0xCA);
        else {
            rig_outb(r, 0x176, 0xA0);
            rig_outb(r, 0x171, 1);
            rig_outb(r, 0x177, 0xA0);
            uint32_t lba = below(530);
            uint8_t cdb[12] = {0x28, 0, 0, 0, (uint8_t)(lba >> 8), (uint8_t)lba, 0, 0,
                               (uint8_t)below(12)};
            rig_write_data(r, 0x170, cdb, 12);
        }
    }
    if (below(4))
        rig_bm_start(r, ch, to_mem);
    uint8_t st = rig_bm_status(r, ch);
    dma_done += (st & 6) == 4;
    dma_errors += (st & 2) != 0;
}

static void op_floppy(void)
{
    if (below(2)) {
        uint8_t mode = below(2) ? 0x46 : 0x4A;
        uint32_t addr = below(T_RAM);
        mmu_io_write(r->io, 0x0A, 0x06, 1);
        mmu_io_write(r->io, 0x0C, 0, 1);
        mmu_io_write(r->io, 0x0B, mode, 1);
        mmu_io_write(r->io, 0x04, (uint8_t)addr, 1);
        mmu_io_write(r->io, 0x04, (uint8_t)(addr >> 8), 1);
        mmu_io_write(r->io, 0x81, (uint8_t)(addr >> 16), 1);
        uint16_t count = below(2) ? (uint16_t)rnd() : (uint16_t)((512u << below(4)) - 1);
        mmu_io_write(r->io, 0x05, (uint8_t)count, 1);
        mmu_io_write(r->io, 0x05, (uint8_t)(count >> 8), 1);
        mmu_io_write(r->io, 0x0A, (uint8_t)(below(8) ? 0x02 : 0x06), 1);
    }
    if (!below(8))
        mmu_io_write(r->io, 0x3F7, (uint8_t)below(4), 1);
    uint8_t bytes[9] = {fdc_ops[below(sizeof(fdc_ops))], (uint8_t)below(8), (uint8_t)below(84),
                        (uint8_t)below(3), (uint8_t)below(40), below(8) ? 2 : interesting_byte(),
                        (uint8_t)below(40), 0x1B, 0xFF};
    int n = (int)below(10);
    for (int i = 0; i < n; i++)
        mmu_io_write(r->io, 0x3F5, bytes[i], 1);
    fdc_transfers += fdc.phase == FDC_RESULT && fdc.res_len == 7 && !(fdc.fifo[0] & 0xC0) &&
                     (bytes[0] & 0x1F) != 0x0A;
    for (int i = below(12); i > 0; i--)
        (void)mmu_io_read(r->io, 0x3F5, 1);
}

static void op_reset(void)
{
    switch (below(4)) {
    case 0: rig_outb(r, 0x3F6, 0x04), rig_outb(r, 0x3F6, 0x00); break;
    case 1: rig_outb(r, 0x376, (uint8_t)below(256)); break;
    case 2: mmu_io_write(r->io, 0x3F2, below(2) ? 0x08 : 0x1C, 1); break;
    default: mmu_io_write(r->io, 0x3F4, 0x80, 1); break;
    }
}

/* Save, corrupt one byte, load: a rejected stream resets the device. */
static void op_vmstate(void)
{
    char err[160];
    bool ide = below(2);
    const struct vms_desc *d = ide ? &ide_bus_vmstate : &fdc_vmstate;
    void *dev = ide ? (void *)&r->ide->bus[below(2)] : (void *)&fdc;
    struct vms_buf b = {0};
    ck_assert(vms_save(d, dev, &b));
    if (below(2) && b.len > 40) {
        size_t at = 24 + below((uint32_t)b.len - 24);
        b.data[at] = (uint8_t)rnd();
    }
    size_t pos = 0;
    if (!vms_load(d, dev, b.data, b.len, &pos, err, sizeof(err))) {
        if (ide)
            ide_bus_reset(dev);
        else
            fdc_reset(dev);
    }
    vms_buf_free(&b);
}

static void check_invariants(uint64_t op)
{
    for (int c = 0; c < 2; c++) {
        ck_assert_msg(r->ide->bus[c].unit <= 1, "seed %llu op %llu", (unsigned long long)seed,
                      (unsigned long long)op);
        for (int u = 0; u < 2; u++) {
            const struct ide_drive *d = &r->ide->bus[c].drive[u];
            ck_assert_msg(d->pos <= d->end && d->end <= IDE_BUF_SIZE,
                          "seed %llu op %llu: PIO window %u/%u", (unsigned long long)seed,
                          (unsigned long long)op, d->pos, d->end);
        }
    }
    ck_assert_msg(fdc.pos <= FDC_FIFO_SIZE && fdc.phase <= FDC_RESULT, "seed %llu op %llu",
                  (unsigned long long)seed, (unsigned long long)op);
}

static uint64_t file_hash(const char *path, off_t *size)
{
    int f = open(path, O_RDONLY);
    ck_assert_int_ge(f, 0);
    uint64_t h = 1469598103934665603ULL;
    uint8_t buf[65536];
    ssize_t n;
    *size = 0;
    while ((n = read(f, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n; i++)
            h = (h ^ buf[i]) * 1099511628211ULL;
        *size += n;
    }
    close(f);
    return h;
}

START_TEST(random_programming_never_crashes_or_corrupts)
{
    rig_init(r);
    const char *env = getenv("JIT86_FUZZ_SEED");
    seed = env ? strtoull(env, NULL, 0) : 0x13131313ULL;
    rng_state = (seed * 0x9E3779B97F4A7C15ULL) | 1; /* distinct, never zero */
    rig_make_image(r, 0, 2u << 20, 512);
    rig_attach(r, 0, IDE_DISK, false);
    rig_make_image(r, 1, 1u << 20, 512);
    rig_attach(r, 1, IDE_DISK, true);
    rig_make_image(r, 2, 1u << 20, 2048);
    rig_attach(r, 2, IDE_CDROM, true);
    rig_make_image(r, 3, 1474560, 512);
    char err[160];
    dma_init(&dma, r->mem);
    ck_assert(dma_register_io(&dma, r->io));
    fdc_init(&fdc, &dma);
    ck_assert(fdc_register_io(&fdc, r->io, 0x3F0));
    ck_assert_msg(fdc_attach(&fdc, 0, rig_open(r, 3, false), err, sizeof(err)), "%s", err);
    /* The read-only images must come out unchanged. */
    off_t ro_size, cd_size, rw_size, fd_size;
    uint64_t ro_hash = file_hash(r->path[1], &ro_size);
    uint64_t cd_hash = file_hash(r->path[2], &cd_size);
    for (uint64_t op = 0; op < OPS; op++) {
        uint32_t k = below(100);
        if (k < 22)
            op_port_write();
        else if (k < 40)
            op_port_read();
        else if (k < 56)
            op_ata_command();
        else if (k < 66)
            op_packet();
        else if (k < 74)
            op_data_burst();
        else if (k < 82)
            op_prd();
        else if (k < 94)
            op_floppy();
        else if (k < 97)
            op_reset();
        else if (k < 99)
            dma_run(&dma);
        else if (below(4) == 0)
            op_vmstate();
        if (!below(3000))
            ide_cd_change(&r->ide->bus[1], 0, below(2) ? r->blk[2] : NULL);
        check_invariants(op);
    }
    ide_cd_change(&r->ide->bus[1], 0, r->blk[2]);
    printf("fuzz seed %llu: %u DMA done, %u DMA errors, %u ATAPI data phases, %u floppy "
           "transfers, %u PIO bursts in DRQ\n",
           (unsigned long long)seed, dma_done, dma_errors, atapi_data, fdc_transfers, pio_blocks);
    ck_assert_uint_gt(dma_done, 20);
    ck_assert_uint_gt(dma_errors, 20);
    ck_assert_uint_gt(atapi_data, 20);
    ck_assert_uint_gt(fdc_transfers, 5);
    ck_assert_uint_gt(pio_blocks, 20);
    ck_assert_uint_eq(file_hash(r->path[1], &ro_size), ro_hash);
    ck_assert_uint_eq(file_hash(r->path[2], &cd_size), cd_hash);
    ck_assert_int_eq(ro_size, 1 << 20);
    (void)file_hash(r->path[0], &rw_size);
    (void)file_hash(r->path[3], &fd_size);
    ck_assert_int_eq(rw_size, 2 << 20);
    ck_assert_int_eq(fd_size, 1474560);
    ck_assert_uint_eq(blk_length(r->blk[0]), 2u << 20);
    rig_free(r);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ide_fuzz");
    TCase *tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 280);
    tcase_add_test(tc, random_programming_never_crashes_or_corrupts);
    suite_add_tcase(s, tc);
    return s;
}
