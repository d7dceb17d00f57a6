/*
 * Configuration.
 *
 * One options table (in config.c) names every option with its section, type,
 * range, default and help.  Parsing (libinih), validation, the `:set`
 * command, --help and the shipped config/tapedeck.conf all follow from it.
 * Files are read in order, later ones overriding earlier ones: the shipped
 * defaults, then $XDG_CONFIG_HOME/tapedeck/tapedeck.conf, then --config.
 */
#ifndef TD_CONFIG_H
#define TD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log.h"

/* The option chain pane's column names (options.chain_columns). */
#define TD_CHAIN_COLUMNS "bid|ask|last|iv|delta|gamma|theta|vega|oi|oichg|volume|gex"

typedef struct td_config {
	/* [feed] */
	char feed[512];        /* "sim", "replay:PATH" (tape or .csv) */
	char market[8];        /* session preset: "us" or "in" */
	uint64_t seed;         /* simulator seed */
	double speed;          /* 1 = real time, 0 = as fast as possible */
	char start[16];        /* local "HH:MM[:SS]" to start at; "" = the regular open */
	char date[16];         /* session date "YYYY-MM-DD"; "" = today in the market's zone, or the last trading day before it */
	/* [ui] */
	int fps;               /* frame cap, 1..120 */
	char theme[64];        /* theme name (themes/NAME.theme) or path */
	char layout[32];       /* initial layout name */
	int64_t large_print;   /* tape highlights prints of at least this size */
	bool ascii;            /* force the ASCII fallback even in a UTF-8 locale */
	/* [analysis] */
	char footprint_tf[8];  /* footprint bar length: 1m, 5m, 15m, 30m or 60m */
	int imbalance_ratio;   /* diagonal imbalance ratio in percent: 300 = x3 */
	int64_t imbalance_min; /* the dominant side must reach this volume */
	int stacked_min;       /* consecutive imbalances that make a stack */
	int tpo_period;        /* TPO period in minutes */
	int ib_periods;        /* TPO periods in the initial balance */
	int value_area;        /* value area percentage */
	/* [options] */
	char rate[16];         /* risk-free rate in percent; "" = the market preset's */
	char yield[16];        /* dividend yield in percent; "" = the market preset's */
	int chain_refresh;     /* ms between recomputations of the chain on screen */
	char chain_columns[128]; /* columns on each side of the chain pane, comma-separated */
	char history[512];     /* chain history file; "" = $XDG_STATE_HOME/tapedeck/history.tsv, "off" = none */
	int iv_lookback;       /* calendar days of history behind IV rank and percentile */
	int iv_min_days;       /* days with an IV the lookback needs before a rank is shown */
	/* [risk] (0 turns a limit off; see doc/orders.md "Pre-trade risk") */
	int64_t capital;       /* the account's capital at the start of the day, currency units */
	int64_t max_qty;       /* units per order */
	int64_t max_notional;  /* money per order */
	double price_band;     /* percent from the last trade a limit or stop may be */
	int64_t max_position;  /* units held in one instrument */
	int64_t max_gross;     /* money of all positions together */
	int max_open_orders;
	double risk_per_trade; /* percent of capital lost at the stop */
	int64_t daily_loss;    /* money lost in a day that halts new risk */
	int64_t max_drawdown;  /* money below the day's high-water mark that halts new risk */
	int max_losing_streak; /* losing round trips in a row that halt new risk */
	double vol_spike_pct;  /* volatility breaker: a move over the window of more than this percent pauses opening orders */
	int vol_spike_window;  /* seconds the move is measured over */
	int vol_spike_cooldown;/* seconds opening orders stay paused after the move last exceeded the limit */
	bool pdt;              /* apply the US pattern-day-trader rule */
	bool extended_hours;   /* allow orders in the pre- and post-market */
	bool confirm_quantity; /* the ticket wants the quantity typed again before y */
	/* [orders] */
	char journal[512];     /* order journal; "" = $XDG_STATE_HOME/tapedeck/orders.journal */
	int64_t default_qty;   /* quantity a ticket opened from a pane starts with */
	char fee_schedule[32]; /* name in the fee file; "" = the market's (us, in) */
	double manage_at_r;    /* a bracket's exit rules trigger at this reward/risk; 0 = off */
	bool breakeven;        /* ... moving the stop to the average entry */
	int scale_out;         /* ... and closing this percent of the open units */
	char auto_close[16];   /* local "HH:MM[:SS]" at which every position is closed; "" = never */
	/* [log] */
	/* [alerts] */
	char alert_rules[512]; /* alerts.conf; "" = found */
	char alert_bell[16];   /* least level that rings the bell: info|warning|critical|off */
	bool alert_desktop;    /* desktop notifications when a service answers */
	char alert_webhooks[1024]; /* webhook targets, ';' between them */
	/* [log] */
	td_log_level log_level;
	char log_file[512];    /* "" = $XDG_STATE_HOME/tapedeck/tapedeck.log */
} td_config;

/* Fill *c with the built-in defaults (the same values config/tapedeck.conf documents). */
void td_config_defaults(td_config *c);

/*
 * Apply one file on top of *c.  Returns 0; or -1 with err set to
 * "FILE:LINE: what is wrong" for the first bad line (the remaining lines are
 * still applied); or -2 when the file cannot be opened (err says why).
 */
int td_config_load(td_config *c, const char *path, char *err, size_t errlen);

/*
 * Set one option by "section.name" or bare "name".  Returns 0 or -1 with err
 * saying what was wrong (unknown key, bad value, out of range).
 */
int td_config_set(td_config *c, const char *key, const char *value, char *err, size_t errlen);

/*
 * The user's config file path: $XDG_CONFIG_HOME/tapedeck/tapedeck.conf, or
 * ~/.config/tapedeck/tapedeck.conf.  Returns 0, or -1 if no home is known.
 */
int td_config_user_path(char *buf, size_t n);

/*
 * A data file shipped in config/ (holidays.conf, alerts.conf): the user's
 * ($XDG_CONFIG_HOME/tapedeck/NAME), then beside the program
 * (../config/NAME in the source tree, ../share/tapedeck/config/NAME
 * installed), then ./config/NAME, then the data directory chosen at build
 * time.  0 with the path, or -1 when there is none.
 */
int td_config_locate_data(const char *name, char *path, size_t n);

/* Directory for state (journal, tapes, log): $XDG_STATE_HOME/tapedeck or ~/.local/state/tapedeck. */
int td_config_state_dir(char *buf, size_t n);

/* Print every option with its default and help, as the documented config file does. */
void td_config_print_reference(FILE *out);

/*
 * Read an INI file with libinih, counting lines; shared by config and theme
 * files.  fn gets each "name = value" with its section ("" before the first)
 * and returns 0, or -1 with a message in why.  Returns 0; -1 with err set to
 * "FILE:LINE: message" for the first bad line (malformed, too long, or refused
 * by fn; the remaining lines are still read); or -2 when the file cannot be
 * opened.
 */
typedef int (*td_config_ini_fn)(void *user, const char *section, const char *name,
				const char *value, char *why, size_t whylen);
int td_config_read_ini(const char *path, td_config_ini_fn fn, void *user,
		       char *err, size_t errlen);

#endif
