/*
 * Fixed-point prices.
 *
 * A price is an int64 count of ticks.  Each instrument says how big a tick is
 * in a decimal price scale: a tick of 0.05 at scale 2 is {tick = 5, scale = 2},
 * so 123 ticks is 6.15.  Text conversion goes through integers only, so no
 * binary floating point ever touches a price on its way in or out.
 */
#ifndef TD_PRICE_H
#define TD_PRICE_H

#include <stddef.h>
#include <stdint.h>

/* A count of ticks; never mix with minor units or plain integers. */
typedef int64_t td_ticks;

#define TD_PX_MAX_SCALE 9

/* How an instrument's ticks map to decimal prices. */
typedef struct td_pxfmt {
	int64_t tick;  /* tick size in units of 10^-scale; > 0 */
	int scale;     /* decimals shown; 0..TD_PX_MAX_SCALE */
} td_pxfmt;

/* Sentinel for "no price" (empty book side, no trade yet). */
#define TD_PX_NONE INT64_MIN

/*
 * Parse a decimal string into a scaled integer with exactly `scale` decimals.
 * Accepts an optional sign, digits and at most `scale` decimals (more are
 * accepted only when they are zeros).  Returns 0, or -1 with *err set to a
 * static message saying what was wrong.
 */
int td_dec_parse(const char *s, int scale, int64_t *out, const char **err);

/* Write a scaled integer as a decimal with `scale` decimals; returns length. */
int td_dec_format(int64_t v, int scale, char *buf, size_t n);

/* Parse a price; it must lie on the tick grid.  Returns 0 or -1 with *err. */
int td_px_parse(td_pxfmt f, const char *s, td_ticks *out, const char **err);

/*
 * Format ticks as a price with f.scale decimals; TD_PX_NONE prints "-".
 * Returns the length like snprintf, or -1 after writing "?" when the price
 * does not fit an int64 at f.scale or f is not a valid tick grid.
 */
int td_px_format(td_pxfmt f, td_ticks t, char *buf, size_t n);

/* Ticks as a double in price units, for display maths and analytics only. */
double td_px_to_double(td_pxfmt f, td_ticks t);

/* Nearest tick to a double price (used by models such as the simulator). */
td_ticks td_px_from_double(td_pxfmt f, double price);

/* Parse a tick size such as "0.05" into a td_pxfmt; returns 0 or -1 with *err. */
int td_pxfmt_parse(const char *tick, td_pxfmt *out, const char **err);

#endif
