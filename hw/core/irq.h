/* Interrupt lines: the only way a device reaches an interrupt controller or
 * the CPU (shared/DESIGN.md "Layout and data flow"). */
#ifndef JIT86_HW_CORE_IRQ_H
#define JIT86_HW_CORE_IRQ_H

typedef void irq_handler(void *opaque, int n, int level);

/* One wire: the receiver's handler, its opaque pointer and input number. An
 * unconnected line (handler NULL) ignores changes, as a floating pin does. */
struct irq_line {
    irq_handler *handler;
    void *opaque;
    int n;
};

static inline void irq_connect(struct irq_line *line, irq_handler *h, void *opaque, int n)
{
    line->handler = h;
    line->opaque = opaque;
    line->n = n;
}

static inline void irq_set(const struct irq_line *line, int level)
{
    if (line->handler)
        line->handler(line->opaque, line->n, level);
}

static inline void irq_raise(const struct irq_line *line)
{
    irq_set(line, 1);
}

static inline void irq_lower(const struct irq_line *line)
{
    irq_set(line, 0);
}

/* A rising then falling edge (ISA edge-triggered devices). */
static inline void irq_pulse(const struct irq_line *line)
{
    irq_set(line, 1);
    irq_set(line, 0);
}

#endif
