/*
 * Configuration: the options table and everything derived from it.
 *
 * td_options[] is the master copy of the options.  Each entry gives the
 * option's section and name, the type and location of its td_config field,
 * its range or choices, its default as text and one line of help.  Parsing a
 * file, `:set`, td_config_defaults() and td_config_print_reference() all walk
 * this table, and every default goes through the same parser as user input,
 * so a default cannot be something a user could not write.
 *
 * Files are INI, read by libinih through a reader that counts lines, so an
 * error can say "FILE:LINE: what".  A bad line is reported and skipped; the
 * rest of the file still applies, and the first error is the one returned.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/text.h"
#include "core/time.h"

typedef enum td_opt_type {
	TD_OPT_STRING,   /* char[] field; optional check function */
	TD_OPT_INT,      /* int, within min..max */
	TD_OPT_INT64,    /* int64_t, within min..max */
	TD_OPT_UINT64,   /* uint64_t, any value */
	TD_OPT_DOUBLE,   /* double above 0; the word in choices stands for 0 */
	TD_OPT_BOOL,     /* bool: true/false, yes/no, on/off, 1/0 */
	TD_OPT_ENUM,     /* char[] field holding one of choices ("a|b|c") */
	TD_OPT_LOGLEVEL  /* td_log_level, parsed by td_log_level_parse */
} td_opt_type;

/* Extra validation for a string option: true if s is acceptable. */
typedef bool (*td_opt_check)(const char *s);

typedef struct td_option {
	const char *section;
	const char *name;
	td_opt_type type;
	size_t offset;        /* of the field in td_config */
	size_t size;          /* of the field, in bytes */
	int64_t min, max;     /* inclusive range for TD_OPT_INT and TD_OPT_INT64 */
	const char *choices;  /* ENUM and LOGLEVEL words; DOUBLE's word for 0 */
	td_opt_check check;   /* STRING: NULL accepts any text that fits */
	const char *expect;   /* STRING with check: what it accepts, for messages */
	const char *def;      /* the default, as it would be written in a file */
	const char *help;     /* one line */
} td_option;

/*
 * The field's offset, refusing to compile when the field is not of type T,
 * so a table entry cannot write an int into a double.
 */
#define TD_FIELD(f, T) \
	_Generic(((td_config *)0)->f, T: offsetof(td_config, f)), sizeof(((td_config *)0)->f)

static bool td_check_source(const char *s);
static bool td_check_hms(const char *s);
static bool td_check_date(const char *s);
static bool td_check_percent(const char *s);
static bool td_check_columns(const char *s);

static const td_option td_options[] = {
	{ "feed", "source", TD_OPT_STRING, TD_FIELD(feed, char *), 0, 0, NULL,
	  td_check_source, "'sim' or 'replay:PATH'", "sim",
	  "where market data comes from: the built-in simulator, or a tape or .csv file to replay" },
	{ "feed", "market", TD_OPT_ENUM, TD_FIELD(market, char *), 0, 0, "us|in",
	  NULL, NULL, "us",
	  "session preset: trading hours, time zone and instruments (us = NYSE/Nasdaq, in = NSE)" },
	{ "feed", "seed", TD_OPT_UINT64, TD_FIELD(seed, uint64_t), 0, 0, NULL,
	  NULL, NULL, "1",
	  "simulator random seed; the same seed replays the same day" },
	{ "feed", "speed", TD_OPT_DOUBLE, TD_FIELD(speed, double), 0, 0, "max",
	  NULL, NULL, "1",
	  "time multiplier: 1 = real time, 10 = ten times faster, max = as fast as possible" },
	{ "feed", "start", TD_OPT_STRING, TD_FIELD(start, char *), 0, 0, NULL,
	  td_check_hms, "HH:MM or HH:MM:SS, or empty", "",
	  "local time of day to start at; empty = the regular open" },
	{ "feed", "date", TD_OPT_STRING, TD_FIELD(date, char *), 0, 0, NULL,
	  td_check_date, "YYYY-MM-DD, or empty", "",
	  "session date; empty = today (the last trading day at a weekend or exchange holiday)" },
	{ "ui", "fps", TD_OPT_INT, TD_FIELD(fps, int), 1, 120, NULL,
	  NULL, NULL, "20",
	  "most frames drawn per second; the screen is redrawn only when something changed" },
	{ "ui", "theme", TD_OPT_STRING, TD_FIELD(theme, char *), 0, 0, NULL,
	  NULL, NULL, "dark",
	  "colour theme: a name from themes/ (dark, light, high-contrast, mono) or a path" },
	{ "ui", "layout", TD_OPT_STRING, TD_FIELD(layout, char *), 0, 0, NULL,
	  NULL, NULL, "default",
	  "layout shown at start" },
	{ "ui", "large_print", TD_OPT_INT64, TD_FIELD(large_print, int64_t), 1, INT64_MAX, NULL,
	  NULL, NULL, "1000",
	  "the tape highlights prints of at least this size (shares or contracts)" },
	{ "ui", "ascii", TD_OPT_BOOL, TD_FIELD(ascii, bool), 0, 0, NULL,
	  NULL, NULL, "false",
	  "draw with ASCII only, even in a UTF-8 locale" },
	{ "analysis", "footprint_tf", TD_OPT_ENUM, TD_FIELD(footprint_tf, char *), 0, 0, "1m|5m|15m|30m|60m",
	  NULL, NULL, "5m",
	  "footprint bar length for the ladder's bar view and the footprint chart" },
	{ "analysis", "imbalance_ratio", TD_OPT_INT, TD_FIELD(imbalance_ratio, int), 100, 10000, NULL,
	  NULL, NULL, "300",
	  "diagonal imbalance when one side is at least this percent of the other: 300 = three times" },
	{ "analysis", "imbalance_min", TD_OPT_INT64, TD_FIELD(imbalance_min, int64_t), 1, INT64_MAX, NULL,
	  NULL, NULL, "10",
	  "an imbalance needs at least this volume on its dominant side" },
	{ "analysis", "stacked_min", TD_OPT_INT, TD_FIELD(stacked_min, int), 2, 50, NULL,
	  NULL, NULL, "3",
	  "consecutive prices with imbalances on one side that make a stacked imbalance" },
	{ "analysis", "tpo_period", TD_OPT_INT, TD_FIELD(tpo_period, int), 5, 120, NULL,
	  NULL, NULL, "30",
	  "market profile (TPO) period in minutes; one letter per period" },
	{ "analysis", "ib_periods", TD_OPT_INT, TD_FIELD(ib_periods, int), 1, 12, NULL,
	  NULL, NULL, "2",
	  "TPO periods that make the initial balance (2 x 30 minutes = the first hour)" },
	{ "analysis", "value_area", TD_OPT_INT, TD_FIELD(value_area, int), 50, 95, NULL,
	  NULL, NULL, "70",
	  "value area: this percent of the volume (or TPOs) around the point of control" },
	{ "options", "rate", TD_OPT_STRING, TD_FIELD(rate, char *), 0, 0, NULL,
	  td_check_percent, "a percentage from -5 to 50, or empty", "",
	  "risk-free rate in percent for the option models; empty = the market's (us 4.0, in 6.5)" },
	{ "options", "yield", TD_OPT_STRING, TD_FIELD(yield, char *), 0, 0, NULL,
	  td_check_percent, "a percentage from -5 to 50, or empty", "",
	  "dividend yield in percent of index and ETF underlyings; empty = the market's (us 1.3, in 1.2)" },
	{ "options", "chain_refresh", TD_OPT_INT, TD_FIELD(chain_refresh, int), 50, 60000, NULL,
	  NULL, NULL, "500",
	  "milliseconds between recomputations of the chain on screen (implied vols, Greeks, statistics)" },
	{ "options", "chain_columns", TD_OPT_STRING, TD_FIELD(chain_columns, char *), 0, 0, NULL,
	  td_check_columns, "a comma-separated list of " TD_CHAIN_COLUMNS, "bid,ask,iv,delta,oi,volume",
	  "columns on each side of the option chain, calls mirrored on the left" },
	{ "options", "history", TD_OPT_STRING, TD_FIELD(history, char *), 0, 0, NULL,
	  NULL, NULL, "",
	  "chain history file (IV rank, OI change); empty = $XDG_STATE_HOME/tapedeck/history.tsv, off = keep none" },
	{ "options", "iv_lookback", TD_OPT_INT, TD_FIELD(iv_lookback, int), 20, 3650, NULL,
	  NULL, NULL, "365",
	  "calendar days of history behind IV rank and IV percentile (365 = about 252 sessions)" },
	{ "options", "iv_min_days", TD_OPT_INT, TD_FIELD(iv_min_days, int), 1, 3650, NULL,
	  NULL, NULL, "20",
	  "days with a recorded IV the lookback needs before IV rank and percentile are shown" },
	{ "risk", "capital", TD_OPT_INT64, TD_FIELD(capital, int64_t), 1, INT64_MAX, NULL,
	  NULL, NULL, "100000",
	  "the account's capital at the start of the day (paper trading starts with this cash)" },
	{ "risk", "max_qty", TD_OPT_INT64, TD_FIELD(max_qty, int64_t), 0, INT64_MAX, NULL,
	  NULL, NULL, "1000",
	  "most units (shares, contracts, lots) in one order; 0 = no limit" },
	{ "risk", "max_notional", TD_OPT_INT64, TD_FIELD(max_notional, int64_t), 0, INT64_MAX, NULL,
	  NULL, NULL, "250000",
	  "most money in one order (quantity x price x multiplier); 0 = no limit" },
	{ "risk", "price_band", TD_OPT_DOUBLE, TD_FIELD(price_band, double), 0, 0, "off",
	  NULL, NULL, "5",
	  "fat-finger band: a limit or stop at most this percent from the last trade; off = none" },
	{ "risk", "max_position", TD_OPT_INT64, TD_FIELD(max_position, int64_t), 0, INT64_MAX, NULL,
	  NULL, NULL, "5000",
	  "most units held in one instrument after an order, long or short; 0 = no limit" },
	{ "risk", "max_gross", TD_OPT_INT64, TD_FIELD(max_gross, int64_t), 0, INT64_MAX, NULL,
	  NULL, NULL, "1000000",
	  "most money in all positions together (gross exposure); 0 = no limit" },
	{ "risk", "max_open_orders", TD_OPT_INT, TD_FIELD(max_open_orders, int), 0, 10000, NULL,
	  NULL, NULL, "20",
	  "most working orders at once; 0 = no limit" },
	{ "risk", "risk_per_trade", TD_OPT_DOUBLE, TD_FIELD(risk_per_trade, double), 0, 0, "off",
	  NULL, NULL, "1",
	  "most percent of capital an order may lose at its stop; off = none" },
	{ "risk", "daily_loss", TD_OPT_INT64, TD_FIELD(daily_loss, int64_t), 0, INT64_MAX, NULL,
	  NULL, NULL, "2000",
	  "day loss (realised + unrealised) that halts new risk: warns at half, reduce-only at 75 %; 0 = off" },
	{ "risk", "max_drawdown", TD_OPT_INT64, TD_FIELD(max_drawdown, int64_t), 0, INT64_MAX, NULL,
	  NULL, NULL, "3000",
	  "money below the day's high-water mark of equity that halts new risk; 0 = off" },
	{ "risk", "max_losing_streak", TD_OPT_INT, TD_FIELD(max_losing_streak, int), 0, 1000, NULL,
	  NULL, NULL, "5",
	  "losing round trips in a row that halt new risk for the day; 0 = off" },
	{ "risk", "vol_spike_pct", TD_OPT_DOUBLE, TD_FIELD(vol_spike_pct, double), 0, 0, "off",
	  NULL, NULL, "2",
	  "volatility breaker: a move ((high - low) / low) of more than this percent pauses opening orders; off = none" },
	{ "risk", "vol_spike_window", TD_OPT_INT, TD_FIELD(vol_spike_window, int), 1, 3600, NULL,
	  NULL, NULL, "60",
	  "seconds of trades the volatility breaker measures the move over" },
	{ "risk", "vol_spike_cooldown", TD_OPT_INT, TD_FIELD(vol_spike_cooldown, int), 0, 86400, NULL,
	  NULL, NULL, "300",
	  "seconds opening orders stay paused after the move last exceeded vol_spike_pct" },
	{ "risk", "pdt", TD_OPT_BOOL, TD_FIELD(pdt, bool), 0, 0, NULL,
	  NULL, NULL, "true",
	  "apply the US pattern-day-trader rule (under 25,000 equity, a 4th day trade in 5 days is refused)" },
	{ "risk", "extended_hours", TD_OPT_BOOL, TD_FIELD(extended_hours, bool), 0, 0, NULL,
	  NULL, NULL, "false",
	  "allow orders in the pre- and post-market (with a warning)" },
	{ "risk", "confirm_quantity", TD_OPT_BOOL, TD_FIELD(confirm_quantity, bool), 0, 0, NULL,
	  NULL, NULL, "false",
	  "strict tickets: after Enter, type the quantity again, then y" },
	{ "orders", "journal", TD_OPT_STRING, TD_FIELD(journal, char *), 0, 0, NULL,
	  NULL, NULL, "",
	  "order journal; empty = $XDG_STATE_HOME/tapedeck/orders.journal" },
	{ "orders", "default_qty", TD_OPT_INT64, TD_FIELD(default_qty, int64_t), 1, INT64_MAX, NULL,
	  NULL, NULL, "1",
	  "quantity a ticket opened from the ladder, chain or watchlist starts with" },
	{ "orders", "fee_schedule", TD_OPT_STRING, TD_FIELD(fee_schedule, char *), 0, 0, NULL,
	  NULL, NULL, "",
	  "fee schedule of config/fees.conf to charge paper fills; empty = the market's (us, in)" },
	{ "orders", "manage_at_r", TD_OPT_DOUBLE, TD_FIELD(manage_at_r, double), 0, 0, "off",
	  NULL, NULL, "off",
	  "a bracket's exit rules act once its trade has gained this many times its risk (entry to stop-loss); off = never" },
	{ "orders", "breakeven", TD_OPT_BOOL, TD_FIELD(breakeven, bool), 0, 0, NULL,
	  NULL, NULL, "true",
	  "at manage_at_r, move the bracket's stop to the average entry price" },
	{ "orders", "scale_out", TD_OPT_INT, TD_FIELD(scale_out, int), 0, 99, NULL,
	  NULL, NULL, "0",
	  "at manage_at_r, close this percent of the bracket's open units at market; 0 = none" },
	{ "orders", "auto_close", TD_OPT_STRING, TD_FIELD(auto_close, char *), 0, 0, NULL,
	  td_check_hms, "HH:MM or HH:MM:SS, or empty", "",
	  "local time at which every working order is cancelled and every position closed at market; empty = never" },
	{ "alerts", "rules", TD_OPT_STRING, TD_FIELD(alert_rules, char *), 0, 0, NULL,
	  NULL, NULL, "",
	  "alert rules file; empty = $XDG_CONFIG_HOME/tapedeck/alerts.conf, else the shipped config/alerts.conf" },
	{ "alerts", "bell", TD_OPT_ENUM, TD_FIELD(alert_bell, char *), 0, 0, "info|warning|critical|off",
	  NULL, NULL, "warning",
	  "least level of an alert that rings the terminal bell and flashes the status bar" },
	{ "alerts", "desktop", TD_OPT_BOOL, TD_FIELD(alert_desktop, bool), 0, 0, NULL,
	  NULL, NULL, "true",
	  "send alerts whose sinks say desktop as desktop notifications when a notification service answers" },
	{ "alerts", "webhooks", TD_OPT_STRING, TD_FIELD(alert_webhooks, char *), 0, 0, NULL,
	  NULL, NULL, "",
	  "webhook targets, ';' between them: NAME KIND URL|env:VAR|file:KEY [CHAT_ID] (doc/alert-sinks.md)" },
	{ "log", "level", TD_OPT_LOGLEVEL, TD_FIELD(log_level, td_log_level), 0, 0,
	  "error|warn|info|debug", NULL, NULL, "info",
	  "least severe messages written to the log" },
	{ "log", "file", TD_OPT_STRING, TD_FIELD(log_file, char *), 0, 0, NULL,
	  NULL, NULL, "",
	  "log file; empty = $XDG_STATE_HOME/tapedeck/tapedeck.log (~/.local/state/...)" },
};

#define TD_NOPTIONS (sizeof td_options / sizeof td_options[0])

/* "sim" or "replay:PATH" with a non-empty PATH. */
static bool td_check_source(const char *s)
{
	return strcmp(s, "sim") == 0 || (strncmp(s, "replay:", 7) == 0 && s[7] != '\0');
}

/* Empty, or a number from -5 to 50 (a rate or yield in percent). */
static bool td_check_percent(const char *s)
{
	char *end;
	if (*s == '\0')
		return true;
	double v = strtod(s, &end);
	return end != s && *end == '\0' && v >= -5 && v <= 50;
}

/* One to eight names of TD_CHAIN_COLUMNS, comma-separated, no repeats. */
static bool td_check_columns(const char *s)
{
	char buf[128], seen[256] = "";
	if (td_strlcpy(buf, s, sizeof buf) >= sizeof buf || *s == '\0')
		return false;
	int n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), n++) {
		char key[24];
		snprintf(key, sizeof key, "|%s|", tok);
		if (strlen(tok) > 8 || !strstr("|" TD_CHAIN_COLUMNS "|", key) || strstr(seen, key))
			return false;
		strncat(seen, key, sizeof seen - strlen(seen) - 1);
	}
	return n >= 1 && n <= 8;
}

/* Empty, or a time of day td_time_parse_hms accepts. */
static bool td_check_hms(const char *s)
{
	td_ns ns;
	const char *why;

	return *s == '\0' || td_time_parse_hms(s, &ns, &why) == 0;
}

/* Empty, or a date td_date_parse accepts. */
static bool td_check_date(const char *s)
{
	int64_t days;
	const char *why;

	return *s == '\0' || td_date_parse(s, &days, &why) == 0;
}

/* True if s contains a control character, which no option value may hold. */
static bool td_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Replace control characters in a message, which may quote a bad value, with '?'. */
static void td_scrub(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* Is word one of the '|'-separated choices? */
static bool td_choice_match(const char *choices, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = choices; *p; ) {
		size_t len = strcspn(p, "|");
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len + (p[len] == '|');
	}
	return false;
}

/* Write the choices "a|b|c" as "a, b or c". */
static void td_choices_text(const char *choices, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const char *p = choices; *p && used < n; ) {
		size_t len = strcspn(p, "|");
		const char *sep = p == choices ? "" : p[len] ? ", " : " or ";
		int w = snprintf(buf + used, n - used, "%s%.*s", sep, (int)len, p);
		used += w > 0 ? (size_t)w : 0;
		p += len + (p[len] == '|');
	}
}

/* Describe the values option o accepts, as used after "expected". */
static void td_option_expect(const td_option *o, char *buf, size_t n)
{
	switch (o->type) {
	case TD_OPT_STRING:
		if (o->expect)
			snprintf(buf, n, "%s", o->expect);
		else
			snprintf(buf, n, "printable text of at most %zu characters", o->size - 1);
		break;
	case TD_OPT_INT:
	case TD_OPT_INT64:
		if (o->max == INT64_MAX)
			snprintf(buf, n, "an integer >= %" PRId64, o->min);
		else
			snprintf(buf, n, "an integer %" PRId64 "..%" PRId64, o->min, o->max);
		break;
	case TD_OPT_UINT64:
		snprintf(buf, n, "an integer 0..%" PRIu64, UINT64_MAX);
		break;
	case TD_OPT_DOUBLE:
		snprintf(buf, n, "a number above 0 or '%s'", o->choices);
		break;
	case TD_OPT_BOOL:
		snprintf(buf, n, "true or false");
		break;
	case TD_OPT_ENUM:
	case TD_OPT_LOGLEVEL:
		td_choices_text(o->choices, buf, n);
		break;
	}
}

/* Parse a whole decimal integer, optionally signed; false on junk or overflow. */
static bool td_parse_int64(const char *s, int64_t *out)
{
	char *end;

	if (!(*s == '-' || *s == '+' || (*s >= '0' && *s <= '9')))
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return false;
	*out = v;
	return true;
}

/* Parse a whole unsigned decimal integer; strtoull alone would accept "-1". */
static bool td_parse_uint64(const char *s, uint64_t *out)
{
	char *end;

	if (!(*s >= '0' && *s <= '9'))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* Parse a positive finite number, or o's word for 0. */
static bool td_parse_speed(const td_option *o, const char *s, double *out)
{
	char *end;

	if (strcmp(s, o->choices) == 0) {
		*out = 0;
		return true;
	}
	if (!(*s == '.' || *s == '+' || (*s >= '0' && *s <= '9')))
		return false;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || !(v > 0))
		return false;
	*out = v;
	return true;
}

/* Parse a boolean word. */
static bool td_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* Copy a string value into its field, zero-filling the rest. */
static bool td_store_string(const td_option *o, td_config *c, const char *s)
{
	size_t len = strlen(s);

	if (len >= o->size || td_has_control(s))
		return false;
	char *field = (char *)c + o->offset;
	memset(field, 0, o->size);
	memcpy(field, s, len);
	return true;
}

/* Parse value and store it in c, leaving c untouched when it is bad. */
static bool td_option_store(const td_option *o, td_config *c, const char *value)
{
	void *field = (char *)c + o->offset;
	int64_t i;

	switch (o->type) {
	case TD_OPT_STRING:
		if (o->check && !o->check(value))
			return false;
		return td_store_string(o, c, value);
	case TD_OPT_ENUM:
		return td_choice_match(o->choices, value) && td_store_string(o, c, value);
	case TD_OPT_INT:
		if (!td_parse_int64(value, &i) || i < o->min || i > o->max)
			return false;
		*(int *)field = (int)i;
		return true;
	case TD_OPT_INT64:
		if (!td_parse_int64(value, &i) || i < o->min || i > o->max)
			return false;
		*(int64_t *)field = i;
		return true;
	case TD_OPT_UINT64:
		return td_parse_uint64(value, field);
	case TD_OPT_DOUBLE:
		return td_parse_speed(o, value, field);
	case TD_OPT_BOOL:
		return td_parse_bool(value, field);
	case TD_OPT_LOGLEVEL:
		return td_log_level_parse(value, field) == 0;
	}
	return false;
}

/* Set option o from text, or say what it expected. */
static int td_option_apply(const td_option *o, td_config *c, const char *value,
			   char *why, size_t whylen)
{
	char expect[128];

	if (td_option_store(o, c, value))
		return 0;
	td_option_expect(o, expect, sizeof expect);
	snprintf(why, whylen, "bad value '%s' for '%s.%s': expected %s",
		 value, o->section, o->name, expect);
	return -1;
}

/* The option named `name` in `section`, or NULL. */
static const td_option *td_option_find(const char *section, size_t seclen, const char *name)
{
	for (size_t i = 0; i < TD_NOPTIONS; i++) {
		const td_option *o = &td_options[i];
		if (strlen(o->section) == seclen && strncmp(o->section, section, seclen) == 0 &&
		    strcmp(o->name, name) == 0)
			return o;
	}
	return NULL;
}

/* The option a bare name denotes, NULL if none; *ambiguous when several share it. */
static const td_option *td_option_find_bare(const char *name, bool *ambiguous)
{
	const td_option *found = NULL;

	*ambiguous = false;
	for (size_t i = 0; i < TD_NOPTIONS; i++) {
		if (strcmp(td_options[i].name, name) != 0)
			continue;
		if (found)
			*ambiguous = true;
		found = &td_options[i];
	}
	return found;
}

/* Is there any option in this section? */
static bool td_section_known(const char *section)
{
	for (size_t i = 0; i < TD_NOPTIONS; i++)
		if (strcmp(td_options[i].section, section) == 0)
			return true;
	return false;
}

/* Every option at its default, parsed from the table like any user value. */
void td_config_defaults(td_config *c)
{
	char why[256];

	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < TD_NOPTIONS; i++)
		td_option_apply(&td_options[i], c, td_options[i].def, why, sizeof why);
}

/* Set one option by "section.name" or a bare name that only one section uses. */
int td_config_set(td_config *c, const char *key, const char *value, char *err, size_t errlen)
{
	const char *dot = strchr(key, '.');
	const td_option *o;
	bool ambiguous = false;

	if (dot)
		o = td_option_find(key, (size_t)(dot - key), dot + 1);
	else
		o = td_option_find_bare(key, &ambiguous);
	if (!o) {
		snprintf(err, errlen, "unknown option '%s'", key);
		td_scrub(err);
		return -1;
	}
	if (ambiguous) {
		snprintf(err, errlen, "ambiguous option '%s': name its section as in '%s.%s'",
			 key, o->section, o->name);
		return -1;
	}
	if (td_option_apply(o, c, value, err, errlen) == 0)
		return 0;
	td_scrub(err);
	return -1;
}

/* Apply one "name = value" from a config file. */
static int td_config_ini_option(void *user, const char *section, const char *name,
				const char *value, char *why, size_t whylen)
{
	if (*section == '\0')
		return td_config_set(user, name, value, why, whylen);
	const td_option *o = td_option_find(section, strlen(section), name);
	if (o)
		return td_option_apply(o, user, value, why, whylen);
	if (td_section_known(section))
		snprintf(why, whylen, "unknown option '%s.%s'", section, name);
	else
		snprintf(why, whylen, "unknown section '%s'", section);
	return -1;
}

/* Apply a config file; see config.h for the return values. */
int td_config_load(td_config *c, const char *path, char *err, size_t errlen)
{
	return td_config_read_ini(path, td_config_ini_option, c, err, errlen);
}

/* Write "<base>/tapedeck<tail>" where base is $var, or $HOME/home_rel. */
static int td_xdg_path(char *buf, size_t n, const char *var, const char *home_rel,
		       const char *tail)
{
	const char *base = getenv(var);
	const char *home = getenv("HOME");
	int w;

	/* The XDG spec says relative values are to be ignored. */
	if (base && base[0] == '/')
		w = snprintf(buf, n, "%s/tapedeck%s", base, tail);
	else if (home && home[0] != '\0')
		w = snprintf(buf, n, "%s/%s/tapedeck%s", home, home_rel, tail);
	else
		return -1;
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* The user's config file, by the XDG base directory rules. */
int td_config_user_path(char *buf, size_t n)
{
	return td_xdg_path(buf, n, "XDG_CONFIG_HOME", ".config", "/tapedeck.conf");
}

/* The state directory, by the XDG base directory rules. */
int td_config_state_dir(char *buf, size_t n)
{
	return td_xdg_path(buf, n, "XDG_STATE_HOME", ".local/state", "");
}

/* Print the table as a config file: help, accepted values and default of each option. */
void td_config_print_reference(FILE *out)
{
	const char *section = "";
	char expect[128];

	fputs("# tapedeck options, each with its default\n", out);
	for (size_t i = 0; i < TD_NOPTIONS; i++) {
		const td_option *o = &td_options[i];
		if (strcmp(section, o->section) != 0) {
			section = o->section;
			fprintf(out, "\n[%s]\n", section);
		}
		td_option_expect(o, expect, sizeof expect);
		fprintf(out, "# %s\n# values: %s\n%s = %s\n", o->help, expect, o->name, o->def);
	}
}

/* State of one td_config_read_ini call, shared by the reader and the handler. */
typedef struct td_ini {
	FILE *f;
	const char *path;
	int line;             /* lines read so far */
	int first_bad;        /* line of the first error, 0 = none yet */
	td_config_ini_fn fn;
	void *user;
	char *err;
	size_t errlen;
} td_ini;

/* Keep the error for the earliest line: libinih's syntax errors arrive last. */
static void td_ini_error(td_ini *x, int line, const char *msg)
{
	if (x->first_bad && x->first_bad <= line)
		return;
	x->first_bad = line;
	snprintf(x->err, x->errlen, "%s:%d: %s", x->path, line, msg);
	td_scrub(x->err);
}

/*
 * fgets for libinih that counts lines.  A line longer than libinih's buffer
 * would otherwise be split and parsed as two lines; it is reported, skipped
 * and handed over as a blank line so that line numbers stay in step.
 */
static char *td_ini_reader(char *buf, int num, void *stream)
{
	td_ini *x = stream;
	char msg[64];
	int ch;

	if (!fgets(buf, num, x->f))
		return NULL;
	x->line++;
	size_t len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\n')
		return buf;
	ch = getc(x->f);
	if (ch == EOF || ch == '\n')
		return buf;
	while (ch != EOF && ch != '\n')
		ch = getc(x->f);
	snprintf(msg, sizeof msg, "line too long (the limit is %d characters)", num - 1);
	td_ini_error(x, x->line, msg);
	buf[0] = '\0';
	return buf;
}

/* libinih's handler: pass the pair on and note a refusal. */
static int td_ini_handler(void *user, const char *section, const char *name, const char *value)
{
	td_ini *x = user;
	char why[512];

	if (x->fn(x->user, section, name, value, why, sizeof why) == 0)
		return 1;
	td_ini_error(x, x->line, why);
	return 0;
}

/* Read path with libinih, reporting the first bad line as "FILE:LINE: message". */
int td_config_read_ini(const char *path, td_config_ini_fn fn, void *user,
		       char *err, size_t errlen)
{
	td_ini x = { .path = path, .fn = fn, .user = user, .err = err, .errlen = errlen };

	x.f = fopen(path, "re");
	if (!x.f) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return -2;
	}
	int bad = ini_parse_stream(td_ini_reader, &x, td_ini_handler, &x);
	if (ferror(x.f))
		td_ini_error(&x, x.line + 1, "read error");
	fclose(x.f);
	if (bad > 0)
		td_ini_error(&x, bad, "expected '[section]' or 'name = value'");
	return x.first_bad ? -1 : 0;
}

/* ---- data files shipped in config/ ------------------------------------------------------- */

/* dir + sub + "/" + name when it exists. */
static bool td_try_path(char *path, size_t n, const char *dir, const char *sub, const char *name)
{
	int w = snprintf(path, n, "%s%s/%s", dir, sub, name);
	return w > 0 && (size_t)w < n && access(path, F_OK) == 0;
}

/* The directory of the running program, or false. */
static bool td_exe_dir(char *dir, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", dir, n - 1);
	if (len <= 0)
		return false;
	dir[len] = '\0';
	char *slash = strrchr(dir, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return true;
}

int td_config_locate_data(const char *name, char *path, size_t n)
{
	char dir[PATH_MAX];

	/* An existing file is taken even if unreadable, so that loading it says why rather than using another. */
	if (td_config_user_path(dir, sizeof dir) == 0) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		if (td_try_path(path, n, dir, "", name))
			return 0;
	}
	if (td_exe_dir(dir, sizeof dir) && (td_try_path(path, n, dir, "/../config", name) ||
					    td_try_path(path, n, dir, "/../share/tapedeck/config", name)))
		return 0;
	if (td_try_path(path, n, "config", "", name))
		return 0;
#ifdef TD_DATADIR
	if (td_try_path(path, n, TD_DATADIR, "/config", name))
		return 0;
#endif
	return -1;
}
