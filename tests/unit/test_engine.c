/* The engine end to end: a recorded tape through the feed thread, the ring
 * and the loop must leave exactly the state that applying the same tape in
 * one thread leaves. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "engine/engine.h"
#include "engine/record.h"
#include "feed/replay.h"

#define EVENTS 200000

static char dir[64], tape[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/td_engine_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(tape, sizeof(tape), "%s/day.tape", dir);
	td_config cfg;
	td_config_defaults(&cfg);
	cfg.seed = 7;
	char err[256], note[256];
	uint64_t n = 0;
	if (td_record(&cfg, tape, EVENTS, 0, &n, note, sizeof(note), err, sizeof(err)) < 0 || n != EVENTS)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(tape);
	rmdir(dir);
	return 0;
}

/* The reference: the tape applied in this thread. */
static td_market *reference(td_registry *reg)
{
	char err[256];
	td_replay *r = td_replay_open(tape, reg, err, sizeof(err));
	assert_non_null(r);
	td_market *m = td_market_new(reg);
	td_event ev;
	int rc;
	while ((rc = td_replay_next(r, &ev)) > 0)
		td_market_apply(m, &ev);
	assert_int_equal(rc, 0);
	td_replay_free(r);
	return m;
}

static td_engine *replay_engine(void)
{
	td_config cfg;
	td_config_defaults(&cfg);
	snprintf(cfg.feed, sizeof(cfg.feed), "replay:%s", tape);
	cfg.speed = 0;
	char err[256];
	td_engine *e = td_engine_new(&cfg, err, sizeof(err));
	assert_non_null(e);
	assert_int_equal(td_engine_start(e, err, sizeof(err)), 0);
	return e;
}

static void assert_same_state(const td_market *a, const td_market *b)
{
	const td_registry *reg = td_market_registry(a);
	assert_int_equal(td_registry_count(reg), td_registry_count(td_market_registry(b)));
	for (uint32_t id = 0; id < td_registry_count(reg); id++) {
		if (memcmp(td_market_get(a, id), td_market_get(b, id), sizeof(td_quote_state)) != 0)
			fail_msg("state of '%s' differs", td_registry_get(reg, id)->symbol);
	}
	assert_int_equal(td_market_print_count(a), td_market_print_count(b));
	for (size_t i = 0; i < td_market_print_count(a); i++)
		assert_memory_equal(td_market_print(a, i), td_market_print(b, i), sizeof(td_print));
	assert_int_equal(td_market_stats_get(a)->events, td_market_stats_get(b)->events);
	assert_int_equal(td_market_stats_get(a)->phase, td_market_stats_get(b)->phase);
}

static void test_threaded_drain_matches_reference(void **state)
{
	(void)state;
	td_registry *reg = td_registry_new(8192);
	td_market *ref = reference(reg);
	assert_int_equal(td_market_stats_get(ref)->events, EVENTS);
	td_engine *e = replay_engine();
	uint64_t got = 0;
	while (!td_feed_get_stats(td_engine_feed(e)).done || got < EVENTS)
		got += td_engine_drain(e, 4096);
	assert_int_equal(got, EVENTS);
	assert_same_state(ref, td_engine_market(e));
	td_engine_free(e);
	td_market_free(ref);
	td_registry_free(reg);
}

typedef struct front {
	td_engine *e;
	int frames;
} front;

/* Quit once the replay is over and a frame shows everything. */
static void front_render(void *fe)
{
	front *f = fe;
	f->frames++;
	td_feed_stats fs = td_feed_get_stats(td_engine_feed(f->e));
	if (fs.done && td_market_stats_get(td_engine_market(f->e))->events == fs.events)
		td_engine_quit(f->e);
}

/* The loop itself: it drains everything, draws, and stops when asked. */
static void test_loop_runs_to_quit(void **state)
{
	(void)state;
	td_registry *reg = td_registry_new(8192);
	td_market *ref = reference(reg);
	td_engine *e = replay_engine();
	front f = { .e = e };
	td_frontend_ops ops = { .render = front_render };
	td_engine_run(e, &ops, &f);
	assert_true(f.frames >= 1);
	assert_same_state(ref, td_engine_market(e));
	assert_int_equal(td_engine_rates_get(e)->dropped, 0);
	td_engine_free(e);
	td_market_free(ref);
	td_registry_free(reg);
}

static void test_bad_source_is_named(void **state)
{
	(void)state;
	td_config cfg;
	td_config_defaults(&cfg);
	char err[256] = "";
	snprintf(cfg.feed, sizeof(cfg.feed), "carrier-pigeon");
	assert_null(td_engine_new(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "unknown feed 'carrier-pigeon'"));
	snprintf(cfg.feed, sizeof(cfg.feed), "sim");
	snprintf(cfg.market, sizeof(cfg.market), "xx");
	assert_null(td_engine_new(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "unknown market 'xx'"));
}

/* :set changes only what the running program reads live. */
static void test_set_option(void **state)
{
	(void)state;
	td_engine *e = replay_engine();
	char err[256] = "";
	assert_int_equal(td_engine_set_option(e, "ui.fps", "10", err, sizeof(err)), 0);
	assert_int_equal(td_engine_config(e)->fps, 10);
	assert_int_equal(td_engine_set_option(e, "large_print", "500", err, sizeof(err)), 0);
	assert_int_equal(td_engine_config(e)->large_print, 500);
	assert_int_equal(td_engine_set_option(e, "feed.seed", "5", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'feed.seed' is read only at start"));
	assert_int_equal(td_engine_config(e)->seed, 1);
	assert_int_equal(td_engine_set_option(e, "ui.fps", "0", err, sizeof(err)), -1);
	assert_int_equal(td_engine_config(e)->fps, 10);
	td_engine_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threaded_drain_matches_reference),
		cmocka_unit_test(test_loop_runs_to_quit),
		cmocka_unit_test(test_bad_source_is_named),
		cmocka_unit_test(test_set_option),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
