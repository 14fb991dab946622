/* Guest test runtime: the API a test program sees. A freestanding 32-bit
 * protected-mode environment booted by a Multiboot v1 loader (Multiboot spec
 * 0.6.96, section 3.2 machine state); the test defines int main(void). */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* GDT layout the runtime installs (selectors). Slots RT_SEL_FREE onwards are
 * for tests (call gates, 16-bit segments, limit tests...). */
#define RT_SEL_KCODE 0x08 /* ring 0 code, flat 4 GiB, 32-bit */
#define RT_SEL_KDATA 0x10 /* ring 0 data, flat */
#define RT_SEL_UCODE 0x1B /* ring 3 code, flat (selector with RPL 3) */
#define RT_SEL_UDATA 0x23 /* ring 3 data, flat (selector with RPL 3) */
#define RT_SEL_TSS 0x28   /* 32-bit TSS, loaded in TR */
#define RT_SEL_FREE 0x30  /* first free slot; RT_GDT_ENTRIES slots in all */
#define RT_GDT_ENTRIES 24

/* Exit codes; run.sh expects 0. isa-debug-exit turns v into status 2v+1. */
#define RT_EXIT_FAIL 1
#define RT_EXIT_EXCEPTION 2

/* EFLAGS bits (SDM vol. 1, 3.4.3). */
#define RT_CF 0x0001u
#define RT_PF 0x0004u
#define RT_AF 0x0010u
#define RT_ZF 0x0040u
#define RT_SF 0x0080u
#define RT_TF 0x0100u
#define RT_IF 0x0200u
#define RT_DF 0x0400u
#define RT_OF 0x0800u
#define RT_IOPL3 0x3000u
#define RT_VM 0x20000u
#define RT_ARITH_FLAGS (RT_CF | RT_PF | RT_AF | RT_ZF | RT_SF | RT_OF)

/* Descriptor access bytes (SDM vol. 3, 3.4.5 and 6.11). */
#define RT_ACC_PRESENT 0x80
#define RT_ACC_DPL(n) ((n) << 5)
/* The accessed bit (bit 0) is preset: the CPU sets it on a segment load
 * (SDM Vol. 3A §3.4.5.1), but QEMU 7.2 does not for CS, so a clear bit would
 * make LAR's output depend on the emulator rather than on the architecture. */
#define RT_ACC_CODE 0x1B       /* code, readable, non-conforming, accessed */
#define RT_ACC_DATA 0x13       /* data, writable, expand-up, accessed */
#define RT_ACC_DATA_DOWN 0x17  /* data, writable, expand-down, accessed */
#define RT_GATE_CALL32 0x0C
#define RT_GATE_INT32 0x0E
#define RT_GATE_TRAP32 0x0F
/* Descriptor flag nibble: G (4 KiB granularity) and D/B (32-bit). */
#define RT_FLAG_G 0x8
#define RT_FLAG_DB 0x4

/* What the interrupt stubs push, lowest address first. user_esp/user_ss are
 * only there when the CPU switched stacks (interrupted code ran at CPL > 0),
 * the vm86_* selectors only when it interrupted virtual-8086 mode (EFLAGS.VM;
 * SDM vol. 3, 20.3.1.1 figure 20-5). */
struct rt_frame {
    uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;
    uint32_t gs, fs, es, ds;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
    uint32_t user_esp, user_ss;
    uint32_t vm86_es, vm86_ds, vm86_fs, vm86_gs;
};

/* Initial state for rt_vm86_call: real-mode style segments and offsets;
 * eflags adds to VM (e.g. RT_IOPL3). */
struct rt_vm86_regs {
    uint32_t eip, cs, eflags, esp, ss, es, ds, fs, gs;
};

/* A caught exception, filled by rt_call_catch / rt_user_call. */
struct rt_fault {
    uint32_t vector, error, eip, cs, cr2;
};

/* The 32-bit TSS (SDM vol. 3, 7.2.1). */
struct rt_tss {
    uint16_t link, r0;
    uint32_t esp0;
    uint16_t ss0, r1;
    uint32_t esp1;
    uint16_t ss1, r2;
    uint32_t esp2;
    uint16_t ss2, r3;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, r4, cs, r5, ss, r6, ds, r7, fs, r8, gs, r9, ldt, r10;
    uint16_t trap, iomap;
} __attribute__((packed));

typedef void (*rt_handler)(struct rt_frame *frame);

int main(void);

/* Serial output on COM1 and the exit port. */
void rt_putc(char c);
void rt_puts(const char *s);
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int rt_vprintf(const char *fmt, va_list ap);
void rt_exit(int code) __attribute__((noreturn));

/* Descriptor tables. rt_gdt_set/rt_gdt_set_gate write slot index (selector
 * >> 3); the runtime's own slots are below RT_SEL_FREE >> 3. */
void rt_gdt_set(int index, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);
void rt_gdt_set_gate(int index, uint16_t selector, uint32_t offset, uint8_t type, int dpl,
                     int param_count);
uint64_t rt_gdt_get(int index);
/* Point IDT entry vector at a raw handler (no runtime stub). */
void rt_idt_set_raw(int vector, uint16_t selector, uint32_t offset, uint8_t type, int dpl);
/* Set or clear the P bit of IDT entry vector (a not-present gate: #NP). */
void rt_idt_set_present(int vector, int present);
/* Route vector through the runtime stub to handler (NULL: default report),
 * with the given gate type (RT_GATE_INT32 or RT_GATE_TRAP32) and DPL. */
void rt_set_handler(int vector, rt_handler handler);
void rt_set_gate(int vector, uint8_t type, int dpl);
extern struct rt_tss rt_tss;

/* Run fn(arg) at CPL 0. Returns 0 when fn returns, 1 when an exception
 * (vector < 32, no handler installed) unwound it; *fault says which. */
int rt_call_catch(void (*fn)(void *), void *arg, struct rt_fault *fault);
/* Run fn at CPL 3 on the given stack (segments RT_SEL_UCODE/UDATA, IF=0,
 * IOPL 0). Returns 0 when fn returns, 1 when an exception unwound it. */
int rt_user_call(void (*fn)(void), void *stack_top, struct rt_fault *fault);

/* 32-bit paging (SDM vol. 3, 4.3). rt_paging_identity builds a page
 * directory identity-mapping the first RT_PAGING_MAPPED bytes with 4 KiB
 * pages, present, writable and user; rt_pte finds the PTE of a mapped
 * address. rt_paging_enable loads CR3 and sets CR0.PG (and CR0.WP if asked). */
#define RT_PTE_P 0x001u
#define RT_PTE_RW 0x002u
#define RT_PTE_US 0x004u
#define RT_PTE_A 0x020u
#define RT_PTE_D 0x040u
#define RT_PDE_PS 0x080u
#define RT_PAGING_MAPPED (8u << 20)
uint32_t *rt_paging_identity(void);
uint32_t *rt_pte(uint32_t *pd, uint32_t va);
void rt_paging_enable(uint32_t *pd, int wp);
void rt_paging_disable(void);
static inline void rt_invlpg(uint32_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Run virtual-8086 code (SDM vol. 3, 20.2) entered by IRET with EFLAGS.VM.
 * Returns 0 when the code executes INT 0xFF (reaches the runtime only with
 * IOPL 3), 1 when an exception (vector < 32, no handler) stopped it; the
 * fault's cs:eip are then the virtual-8086 segment and offset. */
int rt_vm86_call(const struct rt_vm86_regs *regs, struct rt_fault *fault);

/* Small helpers. */
/* The compiler may emit calls to these four even when freestanding. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
uint32_t rt_crc32(uint32_t crc, const void *data, size_t n);
static inline void rt_outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t rt_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t rt_read_cr2(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

#endif
