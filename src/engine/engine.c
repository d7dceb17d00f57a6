/*
 * The loop.  Each turn: drain a bounded batch from the ring (so keys stay
 * responsive at any feed rate), refresh the rates once a second, draw if
 * something changed and the frame cap allows, then sleep in poll() on stdin
 * and the ring's wake fd until the next frame or the next once-a-second tick.
 */
#include "engine.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/text.h"
#include "engine/source.h"
#include "feed/replay.h"

#define TD_RING_EVENTS (1u << 16)
#define TD_DRAIN_BATCH 1024
#define TD_DRAIN_TURN (1u << 16)   /* most events applied between input checks */
#define TD_LAT_SAMPLES 64          /* latency samples kept per frame */
#define TD_REGISTRY_CAP 8192

struct td_engine {
	td_config cfg;
	td_registry *reg;
	td_ring *ring;
	td_feed *feed;
	td_market *market;
	td_analysis *analysis;
	td_optchain *chains;
	td_desk *desk;              /* NULL until td_engine_open_desk, or when it could not open */
	td_alerting *alerts;        /* NULL until td_engine_open_alerts, or when it could not open */
	char desk_note[300];        /* why there is no desk */
	td_history *history;        /* NULL: none kept, or the file could not be used */
	char history_path[512];
	char history_note[600];     /* why the history is not used, for the status bar */
	td_source src;
	volatile sig_atomic_t quit;
	td_event buf[TD_DRAIN_BATCH];
	/* latency sampling: recv_ns of some events drained since the last frame */
	td_ns samples[TD_LAT_SAMPLES];
	size_t nsamples;
	uint64_t sample_stride;
	uint64_t drained;           /* since start */
	uint64_t frames;
	td_latency lat;
	td_engine_rates rates;
	td_mono rates_at;           /* when the rates were last refreshed */
	uint64_t rates_feed, rates_drained, rates_frames;
	uint64_t bad_input;         /* lines a replay skipped at open */
};

/* A rate or yield option in percent, or the preset's value when it is empty. */
static double percent_or(const char *opt, double preset)
{
	return *opt ? strtod(opt, NULL) / 100.0 : preset;
}

/* Log a skipped line of the history file. */
static void history_msg(const char *msg, void *user)
{
	(void)user;
	td_log_warn("%s", msg);
}

/*
 * The chain history named by options.history.  A file that cannot be used
 * leaves the engine without history (and so without saving over it, which
 * would lose what is there): the reason goes to the log and the status bar.
 */
static void history_open(td_engine *e)
{
	if (strcmp(e->cfg.history, "off") == 0)
		return;
	if (e->cfg.history[0])
		td_strlcpy(e->history_path, e->cfg.history, sizeof e->history_path);
	else if (td_history_default_path(e->history_path, sizeof e->history_path) < 0)
		return;
	char err[512];
	e->history = td_history_open(e->history_path, history_msg, NULL, err, sizeof err);
	if (!e->history) {
		td_log_warn("chain history not used: %s", err);
		snprintf(e->history_note, sizeof e->history_note, "chain history not used: %s", err);
	}
}

static int chains_new(td_engine *e, char *err, size_t errlen)
{
	const td_session *s = e->src.session;
	history_open(e);
	td_optchain_params p = {
		.rate = percent_or(e->cfg.rate, s->rate),
		.yield = percent_or(e->cfg.yield, s->yield),
		.tz = td_session_tz(s),
		.expiry_tod = s->close_tod,
		.refresh_ms = e->cfg.chain_refresh,
		.history = e->history,
		.iv_lookback = e->cfg.iv_lookback,
		.iv_min_days = e->cfg.iv_min_days,
	};
	e->chains = td_optchain_new(e->reg, e->market, &p, err, errlen);
	return e->chains ? 0 : -1;
}

td_engine *td_engine_new(const td_config *cfg, char *err, size_t errlen)
{
	td_engine *e = calloc(1, sizeof(*e));
	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->cfg = *cfg;
	e->reg = td_registry_new(TD_REGISTRY_CAP);
	e->ring = td_ring_new(TD_RING_EVENTS);
	if (!e->reg || !e->ring) {
		snprintf(err, errlen, "out of memory");
		td_engine_free(e);
		return NULL;
	}
	if (td_source_open(cfg, e->reg, &e->src, err, errlen) < 0) {
		td_engine_free(e);
		return NULL;
	}
	if (e->src.ops == &td_replay_feed_ops)
		e->bad_input = td_replay_bad_count(e->src.impl);
	e->market = td_market_new(e->reg);
	e->feed = td_feed_new(e->src.ops, e->src.impl, e->ring, cfg->speed);
	if (!e->market || !e->feed) {
		snprintf(err, errlen, "out of memory");
		td_engine_free(e);
		return NULL;
	}
	e->analysis = td_analysis_new(cfg, e->src.session, e->reg, e->src.watch, e->src.nwatch, err, errlen);
	if (!e->analysis || chains_new(e, err, errlen) < 0) {
		td_engine_free(e);
		return NULL;
	}
	e->src.impl = NULL; /* the feed owns it now */
	e->sample_stride = 1;
	td_latency_init(&e->lat, 5 * TD_NS_PER_SEC);
	e->rates.lat_p50 = e->rates.lat_p99 = -1;
	return e;
}

void td_engine_free(td_engine *e)
{
	if (!e)
		return;
	td_feed_free(e->feed);
	td_alerting_free(e->alerts);
	td_source_close(&e->src);
	td_desk_close(e->desk);
	td_optchain_free(e->chains);
	td_history_free(e->history);
	td_analysis_free(e->analysis);
	td_market_free(e->market);
	td_ring_free(e->ring);
	td_registry_free(e->reg);
	free(e);
}

int td_engine_start(td_engine *e, char *err, size_t errlen)
{
	if (td_feed_start(e->feed) < 0) {
		snprintf(err, errlen, "cannot start the feed thread");
		return -1;
	}
	td_log_info("feed '%s' started at speed %g", td_feed_name(e->feed), e->cfg.speed);
	return 0;
}

void td_engine_quit(td_engine *e)
{
	e->quit = 1;
}

/* Keep every stride-th recv time, doubling the stride when the buffer fills. */
static void sample(td_engine *e, const td_event *ev)
{
	if (e->drained % e->sample_stride != 0)
		return;
	if (e->nsamples == TD_LAT_SAMPLES) {
		for (size_t i = 0; i < TD_LAT_SAMPLES / 2; i++)
			e->samples[i] = e->samples[2 * i];
		e->nsamples = TD_LAT_SAMPLES / 2;
		e->sample_stride *= 2;
	}
	e->samples[e->nsamples++] = ev->recv_ns;
}

size_t td_engine_drain(td_engine *e, size_t max)
{
	size_t total = 0;
	td_oms *oms = td_engine_oms(e);
	while (total < max) {
		size_t want = max - total < TD_DRAIN_BATCH ? max - total : TD_DRAIN_BATCH;
		size_t n = td_ring_pop(e->ring, e->buf, want);
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			sample(e, &e->buf[i]);
			td_market_apply(e->market, &e->buf[i]);
			if (oms)
				td_oms_on_market(oms, &e->buf[i]);
			if (e->alerts)
				td_alerting_event(e->alerts, &e->buf[i]);
			td_analysis_add(e->analysis, &e->buf[i]);
			e->drained++;
		}
		total += n;
	}
	td_analysis_flush(e->analysis);
	if (e->alerts && total)
		td_alerting_turn(e->alerts, td_market_stats_get(e->market)->clock);
	return total;
}

void td_engine_frame_drawn(td_engine *e)
{
	td_ns now = td_now();
	td_mono mono = td_mono_now();
	for (size_t i = 0; i < e->nsamples; i++)
		td_latency_add(&e->lat, now - e->samples[i], mono);
	e->nsamples = 0;
	e->sample_stride = 1;
	e->frames++;
}

/* Dropped events: upstream gaps, events the market could not use, bad input lines. */
static uint64_t dropped(const td_engine *e)
{
	const td_market_stats *ms = td_market_stats_get(e->market);
	return ms->gaps + ms->rejected + e->bad_input;
}

/* Recompute the once-a-second figures. */
static void refresh_rates(td_engine *e, td_mono now)
{
	double dt = (double)(now - e->rates_at) / TD_NS_PER_SEC;
	td_feed_stats fs = td_feed_get_stats(e->feed);
	if (e->rates_at != 0 && dt > 0) {
		e->rates.feed_eps = (double)(fs.events - e->rates_feed) / dt;
		e->rates.drain_eps = (double)(e->drained - e->rates_drained) / dt;
		e->rates.fps = (double)(e->frames - e->rates_frames) / dt;
	}
	e->rates_at = now;
	e->rates_feed = fs.events;
	e->rates_drained = e->drained;
	e->rates_frames = e->frames;
	e->rates.stalls = fs.stalls;
	e->rates.dropped = dropped(e);
	e->rates.lat_p50 = td_latency_quantile(&e->lat, 0.50);
	e->rates.lat_p99 = td_latency_quantile(&e->lat, 0.99);
	td_ns last = td_market_stats_get(e->market)->last_recv;
	e->rates.idle_wall = last ? td_now() - last : 0;
}

/* Sleep until input, a signal, events, or the deadline (monotonic ns). */
static void wait_for(td_engine *e, const int fds[2], bool events_waiting, td_mono deadline, bool *input)
{
	struct pollfd p[3] = {
		{ .fd = td_ring_fd(e->ring), .events = POLLIN },
		{ .fd = fds[0], .events = POLLIN },
		{ .fd = fds[1], .events = POLLIN },
	};
	int timeout = 0;
	if (!events_waiting && td_ring_arm(e->ring)) {
		td_mono left = deadline - td_mono_now();
		timeout = left <= 0 ? 0 : (int)((left + TD_NS_PER_MS - 1) / TD_NS_PER_MS);
	}
	int rc = poll(p, 3, timeout);
	*input = (rc < 0 && errno == EINTR) ||
		 (rc > 0 && ((p[1].revents | p[2].revents) & (POLLIN | POLLHUP)));
	if (rc > 0 && (p[0].revents & POLLIN))
		td_ring_drain_fd(e->ring);
}

int td_engine_set_option(td_engine *e, const char *key, const char *value, char *err, size_t errlen)
{
	td_config next = e->cfg;
	if (td_config_set(&next, key, value, err, errlen) < 0)
		return -1;
	/* Everything but the live options must be as it was. */
	td_config rest = next;
	rest.fps = e->cfg.fps;
	rest.large_print = e->cfg.large_print;
	if (memcmp(&rest, &e->cfg, sizeof(rest)) != 0) {
		snprintf(err, errlen, "'%s' is read only at start: set it in the config file or on the command line "
			 "(live: ui.fps, ui.large_print)", key);
		return -1;
	}
	e->cfg = next;
	return 0;
}

void td_engine_run(td_engine *e, const td_frontend_ops *ops, void *fe)
{
	td_mono next_frame = 0, next_tick = 0, last_frame = 0;
	bool dirty = true;
	int fds[2] = { ops->input_fd ? ops->input_fd(fe) : -1, ops->signal_fd ? ops->signal_fd(fe) : -1 };
	while (!e->quit) {
		td_ns frame_ns = TD_NS_PER_SEC / e->cfg.fps;
		size_t n = td_engine_drain(e, TD_DRAIN_TURN);
		dirty |= n > 0 || (ops->dirty && ops->dirty(fe));
		td_mono now = td_mono_now();
		if (now >= next_tick) {
			refresh_rates(e, now);
			next_tick = now + TD_NS_PER_SEC;
		}
		/* Data draws at the frame cap; with no data, once a second so clocks and rates move. */
		if ((dirty && now >= next_frame) || now - last_frame >= TD_NS_PER_SEC) {
			if (ops->render)
				ops->render(fe);
			td_engine_frame_drawn(e);
			dirty = false;
			last_frame = now;
			next_frame = now + frame_ns;
		}
		bool input = false;
		td_mono deadline = dirty ? next_frame : last_frame + TD_NS_PER_SEC;
		wait_for(e, fds, n == TD_DRAIN_TURN, deadline < next_tick ? deadline : next_tick, &input);
		if (input && ops->on_input && !ops->on_input(fe))
			break;
	}
	td_feed_stop(e->feed);
}

const td_market *td_engine_market(const td_engine *e)
{
	return e->market;
}

td_analysis *td_engine_analysis(td_engine *e)
{
	return e->analysis;
}

td_optchain *td_engine_chains(td_engine *e)
{
	return e->chains;
}

int td_engine_open_desk(td_engine *e, td_oms_recovery *rep, char *err, size_t errlen)
{
	e->desk = td_desk_open(&e->cfg, e->src.session, e->reg, e->market, rep, err, errlen);
	if (!e->desk)
		td_strlcpy(e->desk_note, err, sizeof e->desk_note);
	return e->desk ? 0 : -1;
}

int td_engine_open_alerts(td_engine *e, bool notify, char *err, size_t errlen)
{
	td_alerting_params p = { .cfg = &e->cfg, .reg = e->reg, .m = e->market, .analysis = e->analysis,
				 .chains = e->chains, .session = e->src.session, .watch = e->src.watch,
				 .nwatch = e->src.nwatch, .notify = notify };
	e->alerts = td_alerting_new(&p, err, errlen);
	return e->alerts ? 0 : -1;
}

td_alerting *td_engine_alerts(td_engine *e)
{
	return e->alerts;
}

const char *td_engine_desk_note(const td_engine *e)
{
	return e->desk_note[0] ? e->desk_note : "the order desk is not open";
}

td_desk *td_engine_desk(td_engine *e)
{
	return e->desk;
}

td_oms *td_engine_oms(td_engine *e)
{
	return e->desk ? td_desk_oms(e->desk) : NULL;
}

const char *td_engine_history_note(const td_engine *e)
{
	return e->history_note[0] ? e->history_note : NULL;
}

int td_engine_save_history(td_engine *e, char *err, size_t errlen)
{
	if (!e->history)
		return 0;
	char why[256];
	int rc = td_optchain_record(e->chains, e->history, why, sizeof why);
	if (rc < 0)
		td_log_warn("chain history: a record was refused: %s", why);
	int64_t today = td_optchain_today(e->chains);
	if (td_history_save(e->history, e->history_path, today, TD_ENGINE_HISTORY_KEEP_CONTRACT_DAYS,
			    TD_ENGINE_HISTORY_KEEP_UNDERLYING_DAYS, err, errlen) < 0)
		return -1;
	return 0;
}

const td_session *td_engine_session(const td_engine *e)
{
	return e->src.session;
}

const td_config *td_engine_config(const td_engine *e)
{
	return &e->cfg;
}

td_feed *td_engine_feed(td_engine *e)
{
	return e->feed;
}

const td_engine_rates *td_engine_rates_get(const td_engine *e)
{
	return &e->rates;
}

size_t td_engine_watchlist(const td_engine *e, const uint32_t **ids)
{
	*ids = e->src.watch;
	return e->src.nwatch;
}

const char *td_engine_feed_error(td_engine *e)
{
	return td_feed_error(e->feed);
}
