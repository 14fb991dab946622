/* Virtual clock and timer list (shared/DESIGN.md "Time"). */
#include "clock.h"

#include <time.h>

int64_t clock_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

uint64_t clock_muldiv64(uint64_t a, uint32_t b, uint32_t c)
{
    unsigned __int128 r = (unsigned __int128)a * b / c;
    return r > UINT64_MAX ? UINT64_MAX : (uint64_t)r;
}

void clock_init(struct hw_clock *clk, int icount_shift)
{
    *clk = (struct hw_clock){.icount_shift = icount_shift};
}

int64_t clock_now(const struct hw_clock *clk)
{
    if (clk->icount_shift >= 0)
        return clk->base_ns + (int64_t)(clk->insns << clk->icount_shift);
    if (!clk->running)
        return clk->base_ns;
    return clk->base_ns + (clock_host_ns() - clk->host_start_ns);
}

void clock_start(struct hw_clock *clk)
{
    if (clk->running)
        return;
    clk->host_start_ns = clock_host_ns();
    clk->running = true;
}

void clock_stop(struct hw_clock *clk)
{
    if (!clk->running)
        return;
    if (clk->icount_shift < 0)
        clk->base_ns = clock_now(clk);
    clk->running = false;
}

void clock_set_now(struct hw_clock *clk, int64_t now_ns)
{
    clk->base_ns = now_ns;
    clk->insns = 0;
}

void clock_add_insns(struct hw_clock *clk, uint64_t n)
{
    clk->insns += n;
}

int64_t clock_next_deadline(const struct hw_clock *clk)
{
    return clk->active ? clk->active->expire_ns : CLOCK_NEVER;
}

void timer_init(struct hw_timer *t, struct hw_clock *clk, hw_timer_cb *cb, void *opaque)
{
    *t = (struct hw_timer){.clock = clk, .cb = cb, .opaque = opaque};
}

void timer_del(struct hw_timer *t)
{
    if (!t->pending)
        return;
    for (struct hw_timer **p = &t->clock->active; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->pending = false;
}

void timer_mod(struct hw_timer *t, int64_t expire_ns)
{
    timer_del(t);
    /* Equal deadlines keep arming order, so runs are deterministic. */
    struct hw_timer **p = &t->clock->active;
    while (*p && (*p)->expire_ns <= expire_ns)
        p = &(*p)->next;
    t->expire_ns = expire_ns;
    t->next = *p;
    *p = t;
    t->pending = true;
}

/* The first due timer that has not used up its runs in this call. */
static struct hw_timer *next_due(struct hw_clock *clk, int64_t now)
{
    for (struct hw_timer *t = clk->active; t && t->expire_ns <= now; t = t->next) {
        if (t->run_call != clk->run_calls || t->runs < CLOCK_RUNS_PER_CALL)
            return t;
    }
    return NULL;
}

int clock_run_timers(struct hw_clock *clk)
{
    int ran = 0;
    int64_t now = clock_now(clk);
    clk->run_calls++;
    /* A callback may re-arm its own timer or others; take one at a time. */
    for (struct hw_timer *t; (t = next_due(clk, now)) != NULL;) {
        timer_del(t);
        if (t->run_call != clk->run_calls) {
            t->run_call = clk->run_calls;
            t->runs = 0;
        }
        t->runs++;
        if (now - t->expire_ns > CLOCK_MAX_CATCHUP_NS)
            t->expire_ns = now; /* too far behind: the backlog is lost */
        t->cb(t->opaque);
        ran++;
    }
    return ran;
}
