/* Virtual clock and timers: icount arithmetic, ordering, re-arming. */
#include "hw/core/clock.h"

#include <check.h>

struct log {
    int order[8];
    int n;
};

struct tick {
    struct log *log;
    int id;
    struct hw_timer *rearm;
    int64_t rearm_at;
};

static void on_timer(void *opaque)
{
    struct tick *t = opaque;
    t->log->order[t->log->n++] = t->id;
    if (t->rearm)
        timer_mod(t->rearm, t->rearm_at);
}

START_TEST(clock_icount_time_is_insns_shifted)
{
    struct hw_clock c;
    clock_init(&c, 3);
    ck_assert_int_eq(clock_now(&c), 0);
    clock_add_insns(&c, 1000);
    ck_assert_int_eq(clock_now(&c), 8000);
    clock_set_now(&c, 5);
    clock_add_insns(&c, 2);
    ck_assert_int_eq(clock_now(&c), 21);
}
END_TEST

START_TEST(clock_timers_fire_in_deadline_order_equal_ones_fifo)
{
    struct hw_clock c;
    struct log log = {0};
    struct hw_timer t[3];
    struct tick k[3] = {{&log, 0, 0, 0}, {&log, 1, 0, 0}, {&log, 2, 0, 0}};
    clock_init(&c, 0);
    for (int i = 0; i < 3; i++)
        timer_init(&t[i], &c, on_timer, &k[i]);
    timer_mod(&t[0], 50);
    timer_mod(&t[1], 20);
    timer_mod(&t[2], 50);
    ck_assert_int_eq(clock_next_deadline(&c), 20);
    clock_add_insns(&c, 19);
    ck_assert_int_eq(clock_run_timers(&c), 0);
    clock_add_insns(&c, 31);
    ck_assert_int_eq(clock_run_timers(&c), 3);
    ck_assert_int_eq(log.order[0], 1);
    ck_assert_int_eq(log.order[1], 0);
    ck_assert_int_eq(log.order[2], 2);
    ck_assert_int_eq(clock_next_deadline(&c), CLOCK_NEVER);
}
END_TEST

START_TEST(clock_timer_del_and_rearm_from_callback)
{
    struct hw_clock c;
    struct log log = {0};
    struct hw_timer t[2];
    struct tick k0 = {&log, 0, &t[0], 100}, k1 = {&log, 1, 0, 0};
    clock_init(&c, 0);
    timer_init(&t[0], &c, on_timer, &k0);
    timer_init(&t[1], &c, on_timer, &k1);
    timer_mod(&t[0], 10);
    timer_mod(&t[1], 10);
    timer_del(&t[1]);
    ck_assert(!timer_pending(&t[1]));
    clock_add_insns(&c, 10);
    ck_assert_int_eq(clock_run_timers(&c), 1);
    ck_assert(timer_pending(&t[0]));
    ck_assert_int_eq(clock_next_deadline(&c), 100);
    timer_mod(&t[0], 5); /* re-arming moves, never duplicates */
    ck_assert_int_eq(clock_run_timers(&c), 1);
    ck_assert_int_eq(clock_run_timers(&c), 0);
}
END_TEST

/* A periodic timer re-arming itself one period after its own expiry. */
struct periodic {
    struct hw_timer t;
    int64_t period;
    int runs;
};

static void on_periodic(void *opaque)
{
    struct periodic *p = opaque;
    p->runs++;
    timer_mod(&p->t, p->t.expire_ns + p->period);
}

START_TEST(clock_late_periodic_timer_catches_up_one_period_per_call)
{
    struct hw_clock c;
    struct periodic p = {.period = 100};
    clock_init(&c, 0);
    timer_init(&p.t, &c, on_periodic, &p);
    timer_mod(&p.t, 100);
    clock_add_insns(&c, 1000); /* ten expiries due: 100, 200, ... 1000 */
    for (int call = 1; call <= 5; call++) {
        ck_assert_int_eq(clock_run_timers(&c), CLOCK_RUNS_PER_CALL);
        ck_assert_int_eq(p.runs, call * CLOCK_RUNS_PER_CALL);
    }
    ck_assert_int_eq(clock_run_timers(&c), 0);
    ck_assert_int_eq(clock_next_deadline(&c), 1100);
}
END_TEST

START_TEST(clock_timer_far_behind_drops_its_backlog)
{
    struct hw_clock c;
    struct periodic p = {.period = 1000000};
    clock_init(&c, 0);
    timer_init(&p.t, &c, on_periodic, &p);
    timer_mod(&p.t, 1000000);
    clock_add_insns(&c, (uint64_t)CLOCK_MAX_CATCHUP_NS + 5000000);
    ck_assert_int_eq(clock_run_timers(&c), 1);
    ck_assert_int_eq(clock_next_deadline(&c), CLOCK_MAX_CATCHUP_NS + 6000000);
    ck_assert_int_eq(clock_run_timers(&c), 0);
}
END_TEST

START_TEST(clock_realtime_stops_and_resumes)
{
    struct hw_clock c;
    clock_init(&c, -1);
    ck_assert_int_eq(clock_now(&c), 0);
    clock_start(&c);
    int64_t a = clock_now(&c);
    ck_assert_int_ge(a, 0);
    clock_stop(&c);
    int64_t b = clock_now(&c);
    ck_assert_int_ge(b, a);
    ck_assert_int_eq(clock_now(&c), b); /* stopped clock does not move */
}
END_TEST

START_TEST(clock_muldiv_exact_and_saturating)
{
    ck_assert_uint_eq(clock_muldiv64(1000000000ULL, 1193182, 1000000000), 1193182);
    ck_assert_uint_eq(clock_muldiv64(UINT64_MAX, 3, 2), UINT64_MAX);
    ck_assert_uint_eq(clock_muldiv64(1ULL << 62, 4, 8), 1ULL << 61);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_clock");
    TCase *tc = tcase_create("clock");
    tcase_add_test(tc, clock_icount_time_is_insns_shifted);
    tcase_add_test(tc, clock_timers_fire_in_deadline_order_equal_ones_fifo);
    tcase_add_test(tc, clock_timer_del_and_rearm_from_callback);
    tcase_add_test(tc, clock_late_periodic_timer_catches_up_one_period_per_call);
    tcase_add_test(tc, clock_timer_far_behind_drops_its_backlog);
    tcase_add_test(tc, clock_realtime_stops_and_resumes);
    tcase_add_test(tc, clock_muldiv_exact_and_saturating);
    suite_add_tcase(s, tc);
    return s;
}
