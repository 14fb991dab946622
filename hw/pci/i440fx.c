/* i440FX host bridge: identification and PAM shadowing (82441FX datasheet
 * §3.2.18: each PAM nibble has RE (bit 0) and WE (bit 1) for one segment). */
#include "i440fx.h"

/* Segment i: 0 is 0xF0000-0xFFFFF (PAM0 high nibble); 1..12 are the 16 KiB
 * pieces of 0xC0000-0xEFFFF, low nibble first, from PAM1 to PAM6. */
static uint32_t pam_base(int i)
{
    return i == 0 ? 0xF0000 : 0xC0000 + (uint32_t)(i - 1) * 0x4000;
}

static uint32_t pam_size(int i)
{
    return i == 0 ? 0x10000 : 0x4000;
}

static uint8_t pam_bits(const struct i440fx *h, int i)
{
    if (i == 0)
        return h->dev.config[I440FX_PAM0] >> 4;
    uint8_t reg = h->dev.config[I440FX_PAM0 + 1 + (i - 1) / 2];
    return (i - 1) % 2 ? reg >> 4 : reg & 0x0F;
}

void i440fx_update_pam(struct i440fx *h)
{
    for (int i = 0; i < I440FX_NUM_PAM; i++) {
        uint8_t bits = pam_bits(h, i);
        mmu_region_set_access(h->pam[i], bits & 1, bits & 2);
    }
}

static void config_written(struct pci_device *d, uint32_t addr, uint32_t val, unsigned size)
{
    (void)val;
    if (addr < I440FX_PAM0 + 7 && addr + size > I440FX_PAM0)
        i440fx_update_pam((struct i440fx *)d);
}

bool i440fx_init(struct i440fx *h, struct mmu_phys_space *mem, int pam_priority)
{
    pci_device_init(&h->dev, "i440FX", 0x8086, 0x1237, 0x060000, 0x02, 0);
    h->dev.config_written = config_written;
    /* RE and WE of each nibble; the low nibble of PAM0 is reserved. */
    h->dev.wmask[I440FX_PAM0] = 0x30;
    for (int r = 1; r < 7; r++)
        h->dev.wmask[I440FX_PAM0 + r] = 0x33;
    h->dev.config[I440FX_SMRAM] = 0x02; /* C_BASE_SEG: 0xA0000 */
    h->dev.wmask[I440FX_SMRAM] = 0x78;
    for (int i = 0; i < I440FX_NUM_PAM; i++) {
        h->pam[i] = mmu_phys_map_ram(mem, pam_base(i), pam_size(i), pam_base(i), pam_priority);
        if (!h->pam[i])
            return false;
    }
    i440fx_update_pam(h);
    return true;
}
