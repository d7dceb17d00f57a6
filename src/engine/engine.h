/*
 * The engine: the main thread's loop and what it owns.
 *
 * It builds the registry and the source named by the configuration, runs the
 * source in a feed thread behind an SPSC ring, drains the ring into the market
 * state, and drives a front end (the TUI, or nothing for headless use)
 * through td_frontend_ops: input when stdin is readable, render at most
 * `fps` times a second and only when something changed (or once a second so
 * clocks and rates move).  It never touches the terminal itself.
 */
#ifndef TD_ENGINE_H
#define TD_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/session.h"
#include "engine/analysis.h"
#include "engine/latency.h"
#include "engine/market.h"
#include "engine/alerting.h"
#include "engine/desk.h"
#include "engine/optchain.h"
#include "feed/feed.h"

typedef struct td_frontend_ops {
	/* Optional (NULL: no input).  The fd to poll for input. */
	int (*input_fd)(void *fe);
	/* Optional (NULL: none).  A second fd to poll, for signals turned into events. */
	int (*signal_fd)(void *fe);
	/*
	 * Optional.  Input or the signal fd is readable, or a signal interrupted
	 * the wait.  Return false to leave the loop.
	 */
	bool (*on_input)(void *fe);
	/* Optional.  Draw a frame now. */
	void (*render)(void *fe);
	/* Optional.  Return true when the front end has something new to draw (a key moved a cursor). */
	bool (*dirty)(void *fe);
} td_frontend_ops;

/* Figures for the status bar, refreshed once a second by the loop. */
typedef struct td_engine_rates {
	double feed_eps;      /* events/s pushed by the feed thread */
	double drain_eps;     /* events/s applied by the engine */
	double fps;           /* frames drawn per second */
	td_ns lat_p50;        /* feed-to-screen latency, -1 when unknown */
	td_ns lat_p99;
	uint64_t stalls;      /* times the feed waited on a full ring */
	uint64_t dropped;     /* events lost: upstream gaps + rejected + bad input lines */
	td_ns idle_wall;      /* wall ns since the last event arrived */
} td_engine_rates;

typedef struct td_engine td_engine;

/*
 * An engine for cfg's source (copied).  Returns NULL with err saying what
 * was wrong (bad preset, unreadable tape, ...).
 */
td_engine *td_engine_new(const td_config *cfg, char *err, size_t errlen);
void td_engine_free(td_engine *e);

/* Start the feed thread; 0 or -1 with err. */
int td_engine_start(td_engine *e, char *err, size_t errlen);

/* Run the loop until the front end quits or td_engine_quit is called. */
void td_engine_run(td_engine *e, const td_frontend_ops *ops, void *fe);

/* Ask the loop to stop at its next turn (async-signal-safe). */
void td_engine_quit(td_engine *e);

/* Apply up to max waiting events; returns how many. */
size_t td_engine_drain(td_engine *e, size_t max);

/* Tell the engine a frame showing everything drained so far reached the screen. */
void td_engine_frame_drawn(td_engine *e);

/*
 * Change an option of the running configuration by "section.name" or name.
 * Only options the running program reads live (ui.fps, ui.large_print) may
 * change; the others are refused with a message saying where to set them.
 * Returns 0 or -1 with err.
 */
int td_engine_set_option(td_engine *e, const char *key, const char *value, char *err, size_t errlen);

const td_market *td_engine_market(const td_engine *e);

/* The studies of the watchlist's instruments (engine thread only). */
td_analysis *td_engine_analysis(td_engine *e);

/* The option chains of the registry's underlyings. */
td_optchain *td_engine_chains(td_engine *e);

/*
 * Days the chain history keeps: contracts' records (OI change, volume
 * history) and underlyings' (IV rank over options.iv_lookback, at most ten
 * years).
 */
#define TD_ENGINE_HISTORY_KEEP_CONTRACT_DAYS 45
#define TD_ENGINE_HISTORY_KEEP_UNDERLYING_DAYS 3660

/*
 * Record today's chains into the chain history and write it (atomically).
 * Nothing happens when no history is kept.  Returns 0, or -1 with err.
 */
int td_engine_save_history(td_engine *e, char *err, size_t errlen);

/*
 * Open the order desk (the workstation does; headless commands never
 * trade): the journal is replayed into *rep.  From then on every event the
 * market applies goes to the paper broker.  0, or -1 with err (the engine
 * runs on without trading).
 */
int td_engine_open_desk(td_engine *e, td_oms_recovery *rep, char *err, size_t errlen);

/*
 * Start alerting (the workstation does; notify starts the worker that sends
 * desktop notifications and webhooks): the rules are loaded and from then
 * on evaluated after every turn (engine/alerting.h).  0, or -1 with err (the
 * engine runs on without alerts).
 */
int td_engine_open_alerts(td_engine *e, bool notify, char *err, size_t errlen);

/* Alerting, or NULL when it is not open. */
td_alerting *td_engine_alerts(td_engine *e);

/* The order manager, or NULL when the desk is not open. */
td_oms *td_engine_oms(td_engine *e);

/* The desk, or NULL when it is not open. */
td_desk *td_engine_desk(td_engine *e);

/* Why there is no desk (for messages). */
const char *td_engine_desk_note(const td_engine *e);

/* Why the chain history is not used (file damaged beyond use, unknown version), or NULL. */
const char *td_engine_history_note(const td_engine *e);
const td_session *td_engine_session(const td_engine *e);
const td_config *td_engine_config(const td_engine *e);
td_feed *td_engine_feed(td_engine *e);
const td_engine_rates *td_engine_rates_get(const td_engine *e);

/* The watchlist: the source's main instruments (underlyings), in order. */
size_t td_engine_watchlist(const td_engine *e, const uint32_t **ids);

/* The source's error text after it ended, or NULL. */
const char *td_engine_feed_error(td_engine *e);

#endif
