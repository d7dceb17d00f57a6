/*
 * Crash recovery of the order manager: a child process trades as fast as
 * it can (market orders against a paper book, buys and sells of random
 * sizes), telling the parent through a pipe the position after each order
 * it got back from td_oms_send.  The parent kills it with SIGKILL at a
 * random moment, reopens the journal with a fresh manager and checks that
 * the recovered position is the last one the child reported, or the one
 * the order in flight would have made (its records may or may not have
 * reached the disk before the kill), and that the orders recovered are
 * exactly the ones reported plus at most that one.  Forty kills.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "oms/oms.h"
#include "oms/paper.h"

#define KILLS 40

static td_registry *reg;
static td_market *m;
static uint32_t xyz;

/* An equity with a deep book: 32 levels of 10,000 a side around 100.00. */
static void market_setup(void)
{
	reg = td_registry_new(4);
	td_instrument u = { .kind = TD_INS_EQUITY, .symbol = "XYZ", .px = { 1, 2 }, .multiplier = 1,
			    .underlying = TD_NO_ID };
	xyz = td_registry_add(reg, &u);
	m = td_market_new(reg);
	td_event ph = { .type = TD_EV_STATUS, .exch_ns = 1, .u.status = { .kind = TD_ST_PHASE, .phase = TD_PHASE_REGULAR } };
	td_market_apply(m, &ph);
	td_event tr = { .type = TD_EV_TRADE, .instr = xyz, .exch_ns = 2, .u.trade = { .px = 10000, .size = 1 } };
	td_market_apply(m, &tr);
	for (int i = 0; i < 32; i++) {
		td_event lv = { .type = TD_EV_LEVEL, .instr = xyz, .exch_ns = 3 };
		lv.u.level = (td_ev_level){ .px = 10001 + i, .size = 10000, .side = TD_SIDE_SELL };
		td_market_apply(m, &lv);
		lv.u.level = (td_ev_level){ .px = 9999 - i, .size = 10000, .side = TD_SIDE_BUY };
		td_market_apply(m, &lv);
	}
}

static td_oms *open_oms(const char *path, td_oms_recovery *rec, char *err, size_t errlen)
{
	td_paper_params pp = { .max_orders = 16, .max_events = 256, .cash = 1e9 };
	td_oms_params p = { .reg = reg, .m = m, .capital = 1e9, .journal = path, .broker = td_paper_new(m, reg, &pp) };
	td_risk_limits_default(&p.limits);
	p.limits.max_position = 0;
	p.limits.max_gross = 0;
	p.limits.max_notional = 0;
	p.limits.daily_loss = 0;
	p.limits.max_drawdown = 0;
	p.limits.max_consecutive_losses = 0;
	p.limits.risk_per_trade_pct = 0;
	return td_oms_open(&p, rec, err, errlen);
}

/* The child: trade until killed; after each order "ORDERS POSITION\n" on fd. */
static void child(const char *path, int fd, uint64_t seed)
{
	td_oms_recovery rec;
	char err[256];
	td_oms *o = open_oms(path, &rec, err, sizeof err);
	if (!o)
		_exit(3);
	for (int i = 0;; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		td_order_req r = { .instr = xyz, .side = (seed >> 40) & 1 ? TD_SIDE_BUY : TD_SIDE_SELL,
				   .qty = 1 + (int64_t)((seed >> 20) % 50), .type = TD_OT_MARKET, .tif = TD_TIF_DAY,
				   .limit = TD_PX_NONE, .stop = TD_PX_NONE };
		td_ticket t;
		char id[64], line[64];
		if (td_oms_ticket(o, &r, &t, err, sizeof err) < 0)
			_exit(4);
		td_ticket_key(&t, '\n');
		td_ticket_key(&t, 'y');
		if (td_oms_send(o, &t, id, sizeof id, err, sizeof err) < 0)
			_exit(5);
		size_t n;
		td_oms_orders(o, &n);
		int len = snprintf(line, sizeof line, "%zu %.0f\n", n, td_book_position(td_oms_book(o), xyz)->qty);
		if (write(fd, line, (size_t)len) != len)
			_exit(6);
	}
}

/* The last complete "ORDERS POSITION" line read from fd; false when there is none. */
static bool last_report(int fd, size_t *orders, double *pos)
{
	char buf[1 << 16], all[1 << 20];
	size_t used = 0;
	ssize_t r;
	while ((r = read(fd, buf, sizeof buf)) > 0 && used + (size_t)r < sizeof all) {
		memcpy(all + used, buf, (size_t)r);
		used += (size_t)r;
	}
	all[used] = '\0';
	char *end = strrchr(all, '\n');
	if (!end)
		return false;
	*end = '\0';
	char *start = strrchr(all, '\n');
	return sscanf(start ? start + 1 : all, "%zu %lf", orders, pos) == 2;
}

static void test_sigkill_at_random_points(void **state)
{
	(void)state;
	market_setup();
	char dir[64], path[128];
	snprintf(dir, sizeof dir, "/tmp/td_crash_XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/orders.journal", dir);
	srand((unsigned)time(NULL));
	int checked = 0;
	size_t before = 0;   /* orders and position recovered after the previous kill */
	double before_pos = 0;
	for (int k = 0; k < KILLS; k++) {
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			child(path, fds[1], (uint64_t)k * 7919 + 1);
		}
		close(fds[1]);
		usleep(2000 + (useconds_t)(rand() % 60000));
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		size_t orders;
		double pos;
		if (!last_report(fds[0], &orders, &pos)) {
			orders = before;   /* killed before its first order came back */
			pos = before_pos;
		}
		close(fds[0]);
		td_oms_recovery rec;
		char err[256];
		td_oms *o = open_oms(path, &rec, err, sizeof err);
		if (!o)
			fail_msg("kill %d: reopen: %s", k, err);
		double got = td_book_position(td_oms_book(o), xyz)->qty;
		size_t n;
		const td_order *all = td_oms_orders(o, &n);
		/* what the child reported, or that plus the order in flight */
		if (!(n == orders || n == orders + 1))
			fail_msg("kill %d: %zu orders recovered, %zu reported", k, n, orders);
		if (n == orders && got != pos)
			fail_msg("kill %d: position %.0f recovered, %.0f reported", k, got, pos);
		if (n == orders + 1) {
			const td_order *last = &all[n - 1];
			double d = (double)last->filled * (last->req.side == TD_SIDE_BUY ? 1 : -1);
			if (got != pos + d)
				fail_msg("kill %d: position %.0f, reported %.0f and %+.0f in flight", k, got, pos, d);
		}
		for (size_t i = 0; i < n; i++)
			if (!td_order_final(all[i].state))
				fail_msg("kill %d: order %s left %s after recovery", k, all[i].id,
					 td_order_state_name(all[i].state));
		checked += orders > before;
		before = n;
		before_pos = got;
		td_oms_close(o);
	}
	assert_true(checked > KILLS / 2);
	unlink(path);
	rmdir(dir);
	td_market_free(m);
	td_registry_free(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sigkill_at_random_points),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
