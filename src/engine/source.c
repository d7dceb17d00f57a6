/* Source selection: the sim preset and start time, or a replay file. */
#include "source.h"

#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "feed/replay.h"
#include "feed/sim.h"

/*
 * The default session date: today in the market's zone, or the last trading
 * day before it at a weekend or an exchange holiday (holidays.conf), so that
 * a simulated day always trades.  Without a usable holidays file only the
 * weekends are skipped.
 */
static int64_t default_date(const td_session *s)
{
	char err[256];
	td_calendar *cal = td_calendar_open(err, sizeof err);
	td_cal_now now;
	td_calendar_now(cal, s->name, td_now(), &now);
	int64_t days = td_calendar_trades(cal, s->name, now.day) ? now.day
								: td_calendar_prev_trading_day(cal, s->name, now.day);
	td_calendar_free(cal);
	return days;
}

/* Build the simulator from the [feed] options. */
static int open_sim(const td_config *cfg, td_registry *reg, td_source *out, char *err, size_t errlen)
{
	const char *why;
	td_sim_params p = { .seed = cfg->seed, .session = out->session };
	p.date_days = default_date(out->session);
	if (cfg->date[0] && td_date_parse(cfg->date, &p.date_days, &why) < 0) {
		snprintf(err, errlen, "bad feed.date '%s': %s", cfg->date, why);
		return -1;
	}
	p.start_tod = out->session->open_tod; /* the open: the busiest minute, and prints from the first second */
	if (cfg->start[0] && td_time_parse_hms(cfg->start, &p.start_tod, &why) < 0) {
		snprintf(err, errlen, "bad feed.start '%s': %s", cfg->start, why);
		return -1;
	}
	td_sim *s = td_sim_new(&p, reg, err, errlen);
	if (!s)
		return -1;
	out->ops = &td_sim_feed_ops;
	out->impl = s;
	out->nwatch = td_sim_underlyings(s, out->watch, sizeof(out->watch) / sizeof(out->watch[0]));
	return 0;
}

/* Open a tape or CSV; the watchlist is every non-option instrument in it. */
static int open_replay(const char *path, td_registry *reg, td_source *out, char *err, size_t errlen)
{
	td_replay *r = td_replay_open(path, reg, err, errlen);
	if (!r)
		return -1;
	out->ops = &td_replay_feed_ops;
	out->impl = r;
	size_t n = td_registry_count(reg);
	for (uint32_t id = 0; id < n && out->nwatch < sizeof(out->watch) / sizeof(out->watch[0]); id++) {
		const td_instrument *ins = td_registry_get(reg, id);
		if (ins->kind != TD_INS_OPTION)
			out->watch[out->nwatch++] = id;
	}
	return 0;
}

int td_source_open(const td_config *cfg, td_registry *reg, td_source *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->session = td_session_find(cfg->market);
	if (!out->session) {
		snprintf(err, errlen, "unknown market '%s': expected us or in", cfg->market);
		return -1;
	}
	if (strcmp(cfg->feed, "sim") == 0)
		return open_sim(cfg, reg, out, err, errlen);
	if (strncmp(cfg->feed, "replay:", 7) == 0 && cfg->feed[7])
		return open_replay(cfg->feed + 7, reg, out, err, errlen);
	snprintf(err, errlen, "unknown feed '%s': expected sim or replay:FILE", cfg->feed);
	return -1;
}

void td_source_close(td_source *s)
{
	if (s->ops && s->impl)
		s->ops->free(s->impl);
	s->impl = NULL;
}
