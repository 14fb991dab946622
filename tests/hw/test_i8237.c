/* 8237 DMA: programming through ports (flip-flop, page registers, masks,
 * modes), device-driven transfers to and from memory on 8- and 16-bit
 * channels, terminal count, autoinitialize, decrement. */
#include "hw/dma/i8237.h"

#include <check.h>
#include <string.h>

static struct mmu_phys_space *mem;
static struct mmu_io_space *io;
static struct i8237 dma;
static uint8_t devbuf[1024];
static uint32_t chunk;

static void out(uint16_t port, uint8_t v)
{
    mmu_io_write(io, port, v, 1);
}

static uint8_t in(uint16_t port)
{
    return (uint8_t)mmu_io_read(io, port, 1);
}

/* A device that moves `chunk` bytes per call (all when 0). */
static uint32_t dev_to_mem(void *opaque, int ch, uint32_t pos, uint32_t len)
{
    (void)opaque;
    uint32_t n = chunk && chunk < len - pos ? chunk : len - pos;
    if (pos >= sizeof(devbuf))
        return len; /* the test device has no more data: pretend it moved */
    if (n > sizeof(devbuf) - pos)
        n = (uint32_t)sizeof(devbuf) - pos;
    return pos + dma_channel_write(&dma, ch, devbuf + pos, pos, n);
}

static uint32_t mem_to_dev(void *opaque, int ch, uint32_t pos, uint32_t len)
{
    (void)opaque;
    uint32_t n = len - pos < sizeof(devbuf) - pos ? len - pos : (uint32_t)sizeof(devbuf) - pos;
    return pos + dma_channel_read(&dma, ch, devbuf + pos, pos, n);
}

static void setup(void)
{
    mem = mmu_phys_new(1 << 20);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(mem, 0, 1 << 20, 0, 0));
    io = mmu_io_new();
    dma_init(&dma, mem);
    ck_assert(dma_register_io(&dma, io));
    for (int i = 0; i < 1024; i++)
        devbuf[i] = (uint8_t)(i ^ 0x5A);
    chunk = 0;
}

static void teardown(void)
{
    mmu_io_free(io);
    mmu_phys_free(mem);
}

/* Channel 2 as the floppy driver programs it. */
static void program_ch2(uint8_t mode, uint32_t addr, uint16_t count)
{
    out(0x0A, 0x06); /* mask channel 2 */
    out(0x0C, 0x00); /* reset the flip-flop */
    out(0x0B, mode);
    out(0x04, (uint8_t)addr);
    out(0x04, (uint8_t)(addr >> 8));
    out(0x81, (uint8_t)(addr >> 16));
    out(0x05, (uint8_t)count);
    out(0x05, (uint8_t)(count >> 8));
    out(0x0A, 0x02); /* unmask */
}

START_TEST(dma_channel2_write_to_memory_with_terminal_count)
{
    dma_register_channel(&dma, 2, dev_to_mem, NULL);
    program_ch2(0x46, 0x21000, 511);
    dma_set_dreq(&dma, 2, true);
    ck_assert(dma_run(&dma));
    uint8_t got[512];
    mmu_phys_read(mem, 0x21000, got, sizeof(got));
    ck_assert_mem_eq(got, devbuf, 512);
    ck_assert_uint_eq(mmu_phys_load(mem, 0x21200, 1), 0); /* not beyond the count */
    ck_assert_uint_eq(in(0x08) & 0x04, 0x04);             /* TC of channel 2 */
    ck_assert_uint_eq(in(0x08) & 0x04, 0x00);             /* cleared by the read */
    ck_assert(dma_channel_masked(&dma, 2));               /* no autoinit: masked */
    ck_assert(!dma_run(&dma));
}
END_TEST

START_TEST(dma_partial_transfers_advance_and_autoinit_reloads)
{
    dma_register_channel(&dma, 2, dev_to_mem, NULL);
    program_ch2(0x56, 0x3000, 99); /* autoinit */
    dma_set_dreq(&dma, 2, true);
    chunk = 40;
    ck_assert(dma_run(&dma));
    out(0x0C, 0);
    uint16_t addr = in(0x04);
    addr |= (uint16_t)(in(0x04) << 8);
    ck_assert_uint_eq(addr, 0x3000 + 40);
    ck_assert(dma_run(&dma));
    ck_assert(dma_run(&dma)); /* 40 + 40 + 20: terminal count, reload */
    out(0x0C, 0);
    addr = in(0x04);
    addr |= (uint16_t)(in(0x04) << 8);
    ck_assert_uint_eq(addr, 0x3000);
    ck_assert(!dma_channel_masked(&dma, 2));
    ck_assert_uint_eq(mmu_phys_load(mem, 0x3000 + 41, 1), devbuf[1]); /* second chunk from pos 0 */
}
END_TEST

START_TEST(dma_read_from_memory_and_decrement)
{
    uint8_t src[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    mmu_phys_write(mem, 0x40000, src, 8);
    dma_register_channel(&dma, 2, mem_to_dev, NULL);
    program_ch2(0x4A, 0x40007, 7); /* read from memory */
    out(0x0B, 0x6A);               /* same, decrementing */
    memset(devbuf, 0, sizeof(devbuf));
    dma_set_dreq(&dma, 2, true);
    ck_assert(dma_run(&dma));
    ck_assert_uint_eq(devbuf[0], 8);
    ck_assert_uint_eq(devbuf[7], 1);
}
END_TEST

START_TEST(dma_16bit_channel_addresses_words)
{
    dma_register_channel(&dma, 5, dev_to_mem, NULL);
    out(0xD4, 0x05); /* mask channel 5 */
    out(0xD8, 0);    /* flip-flop */
    out(0xD6, 0x45); /* single, write, channel 5 */
    out(0xC4, 0x00); /* word address 0x0800 -> byte 0x1000 */
    out(0xC4, 0x08);
    out(0x8B, 0x03); /* page: A23..A17 */
    out(0xC6, 3);    /* 4 words */
    out(0xC6, 0);
    out(0xD4, 0x01); /* unmask */
    dma_set_dreq(&dma, 5, true);
    ck_assert(dma_run(&dma));
    uint8_t got[10];
    mmu_phys_read(mem, 0x21000 - 1, got, sizeof(got));
    ck_assert_uint_eq(got[0], 0);
    ck_assert_mem_eq(got + 1, devbuf, 8);
    ck_assert_uint_eq(got[9], 0);
}
END_TEST

START_TEST(dma_masks_master_clear_and_page_registers)
{
    ck_assert_uint_eq(in(0x0F) & 0x0F, 0x0F); /* all masked at reset */
    out(0x0E, 0);
    ck_assert_uint_eq(in(0x0F) & 0x0F, 0x00);
    out(0x0F, 0x05);
    ck_assert_uint_eq(in(0x0F) & 0x0F, 0x05);
    out(0x0D, 0); /* master clear masks all */
    ck_assert_uint_eq(in(0x0F) & 0x0F, 0x0F);
    out(0x87, 0x12);
    out(0x84, 0x34); /* an unused page register keeps its value */
    ck_assert_uint_eq(in(0x87), 0x12);
    ck_assert_uint_eq(dma.ch[0].page, 0x12);
    ck_assert_uint_eq(in(0x84), 0x34);
    ck_assert(!dma_channel_masked(&dma, 4)); /* the cascade channel */
}
END_TEST

START_TEST(dma_random_programming_is_safe)
{
    for (int ch = 0; ch < 8; ch++)
        dma_register_channel(&dma, ch, dev_to_mem, NULL);
    uint32_t r = 1;
    for (int i = 0; i < 50000; i++) {
        r = r * 1103515245u + 12345u;
        static const uint16_t ports[] = {0x00, 0x02, 0x04, 0x05, 0x08, 0x09, 0x0A,
                                         0x0B, 0x0C, 0x0E, 0x0F, 0x81, 0x87, 0x89,
                                         0xC0, 0xC6, 0xD0, 0xD2, 0xD4, 0xD6, 0xDE};
        out(ports[(r >> 8) % 21], (uint8_t)(r >> 20));
        dma_set_dreq(&dma, (int)((r >> 4) & 7), (r >> 3) & 1);
        if ((r & 7) == 0)
            dma_run(&dma);
    }
    ck_assert_uint_le(dma.ctrl[0].mask, 0x0F);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_i8237");
    TCase *tc = tcase_create("dma");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, dma_channel2_write_to_memory_with_terminal_count);
    tcase_add_test(tc, dma_partial_transfers_advance_and_autoinit_reloads);
    tcase_add_test(tc, dma_read_from_memory_and_decrement);
    tcase_add_test(tc, dma_16bit_channel_addresses_words);
    tcase_add_test(tc, dma_masks_master_clear_and_page_registers);
    tcase_add_test(tc, dma_random_programming_is_safe);
    suite_add_tcase(s, tc);
    return s;
}
