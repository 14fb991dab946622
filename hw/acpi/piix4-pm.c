/* PIIX4 power management (82371AB datasheet §3.4, PM I/O registers §7.2;
 * ACPI 6.5 §4.8 fixed hardware): PM1 status/enable/control, PM timer, GPE0,
 * the SCI, the fixed power button and S5. No SMM: SMI_CMD is 0 in the FADT,
 * so the machine is always in ACPI mode (SCI_EN set from reset). */
#include "piix4-pm.h"

#include "translator/log.h"

#include <string.h>

/* PIIX4 DEVACTB bit 25, APMC_EN: SMI on writes to the APM port 0xB2. jit86
 * has no SMM, so the bit reads as set: SeaBIOS then takes SMM as already set
 * up and does not wait for an SMI handler that would never run. */
#define DEVACTB_APMC_EN (1u << 25)

/* The status bits that raise the SCI when enabled (ACPI 6.5 §4.8.3.1). */
#define PIIX4_PM1_SCI_EVENTS (PIIX4_PM1_TMR | PIIX4_PM1_GBL | PIIX4_PM1_PWRBTN | PIIX4_PM1_RTC)

static void update_sci(struct piix4_pm *pm)
{
    bool level = (pm->pm1_cnt & PIIX4_PM1_CNT_SCI_EN) &&
                 ((pm->pm1_sts & pm->pm1_en & PIIX4_PM1_SCI_EVENTS) || (pm->gpe_sts & pm->gpe_en));
    if (level == pm->sci_level)
        return;
    pm->sci_level = level;
    irq_set(&pm->sci, level);
}

/* The 24-bit PM timer: 3.579545 MHz of virtual time, wrapping (TMR_VAL_EXT
 * is clear in the FADT). */
static uint32_t timer_value(const struct piix4_pm *pm)
{
    uint64_t ns = (uint64_t)clock_now(pm->clock);
    return (uint32_t)clock_muldiv64(ns, PIIX4_PM_TIMER_HZ, 1000000000u) & 0xFFFFFFu;
}

static uint32_t dword_at(struct piix4_pm *pm, uint64_t offset)
{
    switch (offset) {
    case PIIX4_PM1_STS: return pm->pm1_sts | (uint32_t)pm->pm1_en << 16;
    case PIIX4_PM1_CNT: return pm->pm1_cnt & ~PIIX4_PM1_CNT_SLP_EN; /* SLP_EN is write-only */
    case PIIX4_PM_TMR: return timer_value(pm);
    case PIIX4_GPE0_STS: return pm->gpe_sts | (uint32_t)pm->gpe_en << 16;
    default: return 0;
    }
}

static uint64_t pm_read(void *opaque, uint64_t offset, unsigned size)
{
    uint32_t d = dword_at(opaque, offset & ~3ull);
    uint32_t v = d >> (8 * (offset & 3));
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

/* SLP_EN with SLP_TYP: PIIX4's type 0 is soft off, the one \_S5 names. */
static void sleep_request(struct piix4_pm *pm)
{
    unsigned type = (pm->pm1_cnt & PIIX4_PM1_CNT_SLP_TYP) >> 10;
    if (type != 0) {
        log_mask_printf(LOG_UNIMP, "piix4-pm: sleep type %u is not supported\n", type);
        return;
    }
    log_mask_printf(LOG_INT, "piix4-pm: soft off (S5)\n");
    if (pm->poweroff)
        pm->poweroff(pm->poweroff_opaque);
}

/* Status bytes are write-1-to-clear, enable and control bytes plain. */
static void write_byte(struct piix4_pm *pm, unsigned at, uint8_t v)
{
    unsigned shift = 8 * (at & 1);
    uint16_t bits = (uint16_t)(v << shift), keep = (uint16_t) ~(0xFFu << shift);
    switch (at & ~1u) {
    case PIIX4_PM1_STS: pm->pm1_sts &= (uint16_t)~bits; break;
    case PIIX4_PM1_EN: pm->pm1_en = (uint16_t)((pm->pm1_en & keep) | bits); break;
    case PIIX4_PM1_CNT:
        pm->pm1_cnt = (uint16_t)((pm->pm1_cnt & keep) | (bits & ~PIIX4_PM1_CNT_SLP_EN));
        if (bits & PIIX4_PM1_CNT_SLP_EN)
            sleep_request(pm);
        break;
    case PIIX4_GPE0_STS: pm->gpe_sts &= (uint16_t)~bits; break;
    case PIIX4_GPE0_EN: pm->gpe_en = (uint16_t)((pm->gpe_en & keep) | bits); break;
    default:
        log_mask_printf(LOG_UNIMP, "piix4-pm: write 0x%02x to register 0x%02x ignored\n", v, at);
        break;
    }
}

static void pm_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    struct piix4_pm *pm = opaque;
    for (unsigned i = 0; i < size; i++)
        write_byte(pm, (unsigned)offset + i, (uint8_t)(value >> (8 * i)));
    update_sci(pm);
}

static const struct mmu_io_ops pm_ops = {pm_read, pm_write,
                                         MMU_WIDTH_1 | MMU_WIDTH_2 | MMU_WIDTH_4};

/* Maps the PM I/O space where PMBA and PMIOSE say (datasheet §3.4.2.1). */
static void update_mapping(struct piix4_pm *pm)
{
    uint16_t base = (uint16_t)(pci_get_long(pm->dev.config + PIIX4_PM_PMBA) & 0xFFC0u);
    if (!(pm->dev.config[PIIX4_PM_REGMISC] & 1))
        base = 0;
    if (base == pm->mapped_base)
        return;
    if (pm->mapped_base)
        mmu_io_unregister(pm->io, pm->mapped_base);
    pm->mapped_base = 0;
    if (base && !mmu_io_register(pm->io, base, PIIX4_PM_IO_SIZE, &pm_ops, pm)) {
        log_mask_printf(LOG_GUEST_ERRORS, "piix4-pm: PM I/O base 0x%04x overlaps a device\n", base);
        return;
    }
    pm->mapped_base = base;
}

static void config_written(struct pci_device *d, uint32_t addr, uint32_t val, unsigned size)
{
    (void)val;
    if ((addr < PIIX4_PM_PMBA + 4 && addr + size > PIIX4_PM_PMBA) || addr == PIIX4_PM_REGMISC)
        update_mapping((struct piix4_pm *)d);
}

void piix4_pm_init(struct piix4_pm *pm, struct mmu_io_space *io, struct hw_clock *clock)
{
    memset(pm, 0, sizeof(*pm));
    pm->io = io;
    pm->clock = clock;
    pci_device_init(&pm->dev, "PIIX4 PM", 0x8086, 0x7113, 0x068000, 0x03, 0);
    pm->dev.config_written = config_written;
    pci_set_long(pm->dev.wmask + PIIX4_PM_PMBA, 0xFFC0);
    pm->dev.wmask[PIIX4_PM_REGMISC] = 0x01;
    /* SMBus base and host configuration: SeaBIOS programs them; there is
     * no SMBus controller behind them. */
    pci_set_long(pm->dev.wmask + 0x90, 0xFFF0);
    pm->dev.wmask[0xD2] = 0x0F;
    piix4_pm_reset(pm);
}

void piix4_pm_reset(struct piix4_pm *pm)
{
    pci_set_long(pm->dev.config + PIIX4_PM_PMBA, 0x00000001);
    pci_set_long(pm->dev.config + PIIX4_PM_DEVACTB, DEVACTB_APMC_EN);
    pm->dev.config[PIIX4_PM_REGMISC] = 0;
    pci_set_long(pm->dev.config + 0x90, 0x00000001);
    pm->dev.config[0xD2] = 0;
    pm->pm1_sts = pm->pm1_en = pm->gpe_sts = pm->gpe_en = 0;
    pm->pm1_cnt = PIIX4_PM1_CNT_SCI_EN;
    update_mapping(pm);
    update_sci(pm);
}

void piix4_pm_power_button(struct piix4_pm *pm)
{
    pm->pm1_sts |= PIIX4_PM1_PWRBTN;
    update_sci(pm);
}

void piix4_pm_set_base(struct piix4_pm *pm, uint16_t base)
{
    pci_set_long(pm->dev.config + PIIX4_PM_PMBA, (base & 0xFFC0u) | 1u);
    pm->dev.config[PIIX4_PM_REGMISC] |= 1;
    update_mapping(pm);
}

static bool pm_post_load(void *opaque)
{
    struct piix4_pm *pm = opaque;
    /* mapped_base is not saved: it still names the ports mapped before the
     * load. Drop them and map where the loaded configuration space says. */
    if (pm->mapped_base)
        mmu_io_unregister(pm->io, pm->mapped_base);
    pm->mapped_base = 0;
    update_mapping(pm);
    irq_set(&pm->sci, pm->sci_level);
    return true;
}

static const struct vms_field pm_fields[] = {
    VMS_FIELD(struct piix4_pm, pm1_sts, VMS_U16),
    VMS_FIELD(struct piix4_pm, pm1_en, VMS_U16),
    VMS_FIELD(struct piix4_pm, pm1_cnt, VMS_U16),
    VMS_FIELD(struct piix4_pm, gpe_sts, VMS_U16),
    VMS_FIELD(struct piix4_pm, gpe_en, VMS_U16),
    VMS_FIELD(struct piix4_pm, sci_level, VMS_BOOL),
    VMS_END,
};

const struct vms_desc piix4_pm_vmstate = {.name = "piix4-pm",
                                          .version = 1,
                                          .min_version = 1,
                                          .fields = pm_fields,
                                          .post_load = pm_post_load};
