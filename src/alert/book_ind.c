/*
 * Indicator states of the alert book: thin adapters from a bar sample to
 * the incremental indicators of analytics/indicators.h, plus rising and
 * falling over a ring of the last n + 1 values.
 */
#include <math.h>
#include <stdlib.h>

#include "alert/book_ind.h"

td_alert_ind *td_alert_ind_new(const td_alert_ind_spec *spec)
{
	td_alert_ind *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->spec = *spec;
	d->value = NAN;
	bool ok = true;
	switch (spec->kind) {
	case TD_AI_RSI:
		ok = td_ind_rsi_init(&d->u.rsi, spec->n);
		break;
	case TD_AI_EMA:
		ok = td_ind_ema_init(&d->u.ema, spec->n);
		break;
	case TD_AI_ATR:
		ok = td_ind_atr_init(&d->u.atr, spec->n);
		break;
	case TD_AI_SMA:
		ok = (d->u.sma = td_ind_sma_new(spec->n)) != NULL;
		break;
	case TD_AI_HIGHEST:
	case TD_AI_LOWEST:
		ok = (d->u.dc = td_ind_donchian_new(spec->n)) != NULL;
		break;
	default:
		ok = (d->u.lag.ring = malloc(((size_t)spec->n + 1) * sizeof(double))) != NULL;
		break;
	}
	if (!ok) {
		td_alert_ind_free(d);
		return NULL;
	}
	return d;
}

void td_alert_ind_free(td_alert_ind *d)
{
	if (!d)
		return;
	switch (d->spec.kind) {
	case TD_AI_SMA:
		td_ind_sma_free(d->u.sma);
		break;
	case TD_AI_HIGHEST:
	case TD_AI_LOWEST:
		td_ind_donchian_free(d->u.dc);
		break;
	case TD_AI_RISING:
	case TD_AI_FALLING:
		free(d->u.lag.ring);
		break;
	default:
		break;
	}
	free(d);
}

/* rising/falling: compare x with the value n bars before it. */
static double lag_update(td_alert_ind *d, double x)
{
	uint32_t size = d->spec.n + 1;
	d->u.lag.ring[d->u.lag.pos] = x;
	d->u.lag.pos = d->u.lag.pos + 1 == size ? 0 : d->u.lag.pos + 1;
	if (d->u.lag.count < size)
		d->u.lag.count++;
	if (d->u.lag.count < size)
		return NAN;
	double old = d->u.lag.ring[d->u.lag.pos];
	if (!isfinite(x) || !isfinite(old))
		return NAN;
	return d->spec.kind == TD_AI_RISING ? x > old : x < old;
}

void td_alert_ind_update(td_alert_ind *d, const double *sample)
{
	const double *bar = sample + TD_AS_BAR;
	double x = sample[d->spec.series];
	td_ind_channel ch;
	switch (d->spec.kind) {
	case TD_AI_RSI:
		d->value = td_ind_rsi_update(&d->u.rsi, bar[TD_ABF_CLOSE]);
		break;
	case TD_AI_ATR:
		d->value = td_ind_atr_update(&d->u.atr, bar[TD_ABF_HIGH], bar[TD_ABF_LOW], bar[TD_ABF_CLOSE]);
		break;
	case TD_AI_EMA:
		if (isfinite(x))
			d->value = td_ind_ema_update(&d->u.ema, x);
		break;
	case TD_AI_SMA:
		if (isfinite(x))
			d->value = td_ind_sma_update(d->u.sma, x);
		break;
	case TD_AI_HIGHEST:
	case TD_AI_LOWEST:
		if (!isfinite(x))
			break;
		td_ind_donchian_update(d->u.dc, x, x, &ch);
		d->value = d->spec.kind == TD_AI_HIGHEST ? ch.up : ch.low;
		break;
	default:
		d->value = lag_update(d, x);
		break;
	}
}

/* Estimates of the analytics' own allocations: a ring of n doubles (SMA), two deques of n entries (Donchian). */
#define SMA_BYTES_PER_BAR 8
#define DONCHIAN_BYTES_PER_BAR 32
#define HANDLE_BYTES 96

size_t td_alert_ind_bytes(const td_alert_ind_spec *spec)
{
	size_t n = spec->n;
	switch (spec->kind) {
	case TD_AI_SMA:
		return sizeof(td_alert_ind) + HANDLE_BYTES + SMA_BYTES_PER_BAR * n;
	case TD_AI_HIGHEST:
	case TD_AI_LOWEST:
		return sizeof(td_alert_ind) + HANDLE_BYTES + DONCHIAN_BYTES_PER_BAR * n;
	case TD_AI_RISING:
	case TD_AI_FALLING:
		return sizeof(td_alert_ind) + (n + 1) * sizeof(double);
	default:
		return sizeof(td_alert_ind);
	}
}
