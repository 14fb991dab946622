/* Virtual clock and timers: every device timer runs on virtual nanoseconds
 * (shared/DESIGN.md "Time"). Real-time mode follows the host monotonic clock;
 * -icount N mode derives time from executed instructions (2^N ns each). */
#ifndef JIT86_HW_CORE_CLOCK_H
#define JIT86_HW_CORE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define NS_PER_SEC  1000000000LL
#define CLOCK_NEVER INT64_MAX

struct hw_timer;
typedef void hw_timer_cb(void *opaque);

struct hw_clock {
    int icount_shift; /* -1: real time */
    bool running;
    int64_t base_ns;         /* virtual time when last started / at insns == 0 */
    int64_t host_start_ns;   /* real time: host time at the last start */
    uint64_t insns;          /* icount: instructions executed */
    struct hw_timer *active; /* sorted by expiry, soonest first */
    uint64_t run_calls;      /* clock_run_timers calls so far */
};

struct hw_timer {
    struct hw_clock *clock;
    hw_timer_cb *cb;
    void *opaque;
    int64_t expire_ns;
    struct hw_timer *next;
    bool pending;
    uint64_t run_call; /* the clock_run_timers call it last ran in */
    unsigned runs;     /* how often it ran in that call */
};

/* A timer behind real time (the host did not run jit86 for a while) catches
 * up one period per clock_run_timers call instead of firing its backlog at
 * once, so a guest counting timer interrupts (Linux jiffies, the DOS clock)
 * loses none: see clock_run_timers. Further behind than this, the backlog is
 * dropped and the timer runs as of now. */
#define CLOCK_MAX_CATCHUP_NS (200 * 1000000LL)
/* Runs of one timer per clock_run_timers call: two transitions, one period
 * of a square wave or rate generator. */
#define CLOCK_RUNS_PER_CALL 2

/* icount_shift < 0: real time; 0..10: deterministic instruction count. The
 * clock starts stopped at virtual time 0. */
void clock_init(struct hw_clock *clk, int icount_shift);
void clock_start(struct hw_clock *clk);
void clock_stop(struct hw_clock *clk);
int64_t clock_now(const struct hw_clock *clk);
/* icount mode: the CPU reports executed instructions. */
void clock_add_insns(struct hw_clock *clk, uint64_t n);
/* Virtual time of the earliest pending timer, or CLOCK_NEVER. */
int64_t clock_next_deadline(const struct hw_clock *clk);
/* Runs the timers whose expiry is at or before now, each at most
 * CLOCK_RUNS_PER_CALL times (a timer re-armed into the past runs again at
 * the next call); returns how many callbacks ran. */
int clock_run_timers(struct hw_clock *clk);
/* Restore: sets the virtual time (the clock must be stopped). */
void clock_set_now(struct hw_clock *clk, int64_t now_ns);

void timer_init(struct hw_timer *t, struct hw_clock *clk, hw_timer_cb *cb, void *opaque);
/* Arms (or re-arms) the timer for absolute virtual time expire_ns. */
void timer_mod(struct hw_timer *t, int64_t expire_ns);
void timer_del(struct hw_timer *t);
static inline bool timer_pending(const struct hw_timer *t)
{
    return t->pending;
}

/* Host monotonic time in ns (for real-time mode and wall-clock devices). */
int64_t clock_host_ns(void);

/* a * b / c without intermediate overflow, for tick <-> ns conversions. */
uint64_t clock_muldiv64(uint64_t a, uint32_t b, uint32_t c);

#endif
