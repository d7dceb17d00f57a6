/*
 * Alerting in the engine (src/engine/alerting.c): rules from a file,
 * evaluated on a replayed simulated session, gated, logged for the pane,
 * flashed when loud enough, and an order template turned into a :buy line
 * at the touch; a disabled rule and a rule outside its hours stay quiet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/record.h"

static char dir[64], tape[128], rules[128], state[160], state_dir[128];
static td_engine *e;

static const char rules_text[] =
	"[rule up]\n"
	"expr = last > 0\n"
	"level = warning\n"
	"instruments = SPY\n"
	"order = buy 5 {symbol} lmt {ask}\n"
	"\n"
	"[rule quiet]\n"
	"expr = last > 0\n"
	"instruments = SPY\n"
	"enabled = false\n"
	"\n"
	"[rule night]\n"
	"expr = last > 0\n"
	"instruments = SPY\n"
	"hours = 20:00-21:00\n";

static int drain_all(void)
{
	for (;;) {
		bool done = td_feed_get_stats(td_engine_feed(e)).done;
		size_t n = td_engine_drain(e, 1 << 16);
		if (n == 0 && done)
			return 0;
		if (n == 0)
			usleep(1000);
	}
}

static int setup(void **st)
{
	(void)st;
	snprintf(dir, sizeof dir, "/tmp/td_alerting_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(tape, sizeof tape, "%s/s.tape", dir);
	snprintf(rules, sizeof rules, "%s/alerts.conf", dir);
	snprintf(state_dir, sizeof state_dir, "%s/tapedeck", dir);   /* $XDG_STATE_HOME/tapedeck */
	snprintf(state, sizeof state, "%s/alerts.state", state_dir);
	FILE *f = fopen(rules, "w");
	if (!f)
		return -1;
	fputs(rules_text, f);
	fclose(f);
	td_config cfg;
	td_config_defaults(&cfg);
	cfg.seed = 2;
	snprintf(cfg.date, sizeof cfg.date, "2026-11-20");
	snprintf(cfg.start, sizeof cfg.start, "09:29");
	snprintf(cfg.alert_rules, sizeof cfg.alert_rules, "%s", rules);
	setenv("XDG_STATE_HOME", dir, 1);
	char err[256], note[256];
	uint64_t n;
	if (td_record(&cfg, tape, 0, 10 * TD_NS_PER_MIN, &n, note, sizeof note, err, sizeof err) < 0)
		return -1;
	snprintf(cfg.feed, sizeof cfg.feed, "replay:%s", tape);
	cfg.speed = 0;
	e = td_engine_new(&cfg, err, sizeof err);
	if (!e || td_engine_open_alerts(e, false, err, sizeof err) < 0 || td_engine_start(e, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return drain_all();
}

static int teardown(void **st)
{
	(void)st;
	td_engine_free(e);
	unlink(tape);
	unlink(rules);
	unlink(state);
	rmdir(state_dir);
	rmdir(dir);
	return 0;
}

/* "up" fires once (an edge: last stays above 0), "quiet" is disabled, "night" is outside its hours. */
static void test_one_alert_logged_and_flashed(void **st)
{
	(void)st;
	td_alerting *a = td_engine_alerts(e);
	td_alert_log *log = td_alerting_log(a);
	assert_int_equal(td_alert_log_count(log, TD_ALERT_INFO), 1);
	const td_alert_log_entry *x = td_alert_log_at(log, TD_ALERT_INFO, 0);
	assert_string_equal(x->msg.rule, "up");
	assert_string_equal(x->msg.symbol, "SPY");
	assert_int_equal(x->msg.level, TD_ALERT_WARNING);
	assert_true(x->has_order);
	assert_false(x->acked);
	td_alert_msg m;
	assert_true(td_alerting_take_flash(a, &m));
	assert_string_equal(m.rule, "up");
	assert_false(td_alerting_take_flash(a, &m));
	uint64_t gate[TD_ALERT_GATE_COUNT];
	td_alert_rules_gate_stats(td_alerting_rules(a), gate);
	assert_true(gate[TD_ALERT_OFF_HOURS] >= 1);   /* night fired at its edge and was dropped */
	assert_int_equal(gate[TD_ALERT_ADMIT], 1);
}

/* The order template at the touch now, in SPY's price format. */
static void test_order_template_at_the_ask(void **st)
{
	(void)st;
	td_alerting *a = td_engine_alerts(e);
	const td_alert_log_entry *x = td_alert_log_at(td_alerting_log(a), TD_ALERT_INFO, 0);
	char line[192], err[160], want[192], px[32];
	assert_int_equal(td_alerting_order_line(a, x->rule, x->inst, line, sizeof line, err, sizeof err), 0);
	const td_market *m = td_engine_market(e);
	uint32_t spy = td_registry_find(td_market_registry(m), "SPY");
	td_px_format(td_registry_get(td_market_registry(m), spy)->px, td_market_get(m, spy)->ask, px, sizeof px);
	snprintf(want, sizeof want, "buy 5 SPY lmt %s", px);
	assert_string_equal(line, want);
}

/* A rule added at run time is attached, persists in the state file, and its name is refused twice. */
static void test_runtime_rule_persists(void **st)
{
	(void)st;
	td_alert_rules *r = td_alerting_rules(td_engine_alerts(e));
	char out[2048];
	assert_int_equal(td_alert_rules_command(r, "add dip last < 1 level=critical instruments=SPY", out, sizeof out), 0);
	assert_int_equal(td_alert_rules_command(r, "add dip last < 2", out, sizeof out), -1);
	assert_int_equal(access(state, F_OK), 0);
	td_alert_rule_info info;
	assert_int_equal(td_alert_rules_find(r, "dip", &info), 0);
	assert_int_equal(info.attached, 1);
	assert_int_equal(info.level, TD_ALERT_CRITICAL);
	/* a bad expression: the column and the caret */
	assert_int_equal(td_alert_rules_command(r, "add bad last >> 3", out, sizeof out), -1);
	assert_non_null(strchr(out, '^'));
}

/* [alerts] webhooks reach the rules' sinks; a bad target is refused with its reason; bell must be a level or off. */
static void test_webhooks_and_bell_from_config(void **st)
{
	(void)st;
	td_config cfg = *td_engine_config(e);
	const uint32_t *watch;
	size_t nwatch = td_engine_watchlist(e, &watch);
	td_alerting_params p = { .cfg = &cfg, .reg = td_market_registry(td_engine_market(e)), .m = td_engine_market(e),
				 .analysis = td_engine_analysis(e), .chains = td_engine_chains(e),
				 .session = td_engine_session(e), .watch = watch, .nwatch = nwatch, .rules_path = rules,
				 .state_path = "" };
	char err[256], out[1024];
	snprintf(cfg.alert_webhooks, sizeof cfg.alert_webhooks, "ops json env:TD_TEST_HOOK ; chat telegram env:TD_TG 12345");
	td_alerting *a = td_alerting_new(&p, err, sizeof err);
	if (!a)
		fail_msg("%s", err);
	td_alert_rules *r = td_alerting_rules(a);
	assert_int_equal(td_alert_rules_command(r, "add w1 last > 0 sinks=ops,chat,pane", out, sizeof out), 0);
	assert_int_equal(td_alert_rules_command(r, "add w2 last > 0 sinks=nope", out, sizeof out), -1);
	assert_non_null(strstr(out, "nope"));
	td_alerting_free(a);
	snprintf(cfg.alert_webhooks, sizeof cfg.alert_webhooks, "ops carrier-pigeon env:X");
	assert_null(td_alerting_new(&p, err, sizeof err));
	assert_non_null(strstr(err, "carrier-pigeon"));
	cfg.alert_webhooks[0] = '\0';
	snprintf(cfg.alert_bell, sizeof cfg.alert_bell, "loud");
	assert_null(td_alerting_new(&p, err, sizeof err));
	assert_non_null(strstr(err, "alerts.bell 'loud'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_alert_logged_and_flashed),
		cmocka_unit_test(test_order_template_at_the_ask),
		cmocka_unit_test(test_runtime_rule_persists),
		cmocka_unit_test(test_webhooks_and_bell_from_config),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
