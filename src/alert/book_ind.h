/*
 * The indicators of one instrument for the alert book, computed on its
 * closed bars: one state per distinct (kind, series, period), shared by
 * every attachment that reads it.  Private to src/alert.
 *
 * A bar sample is TD_AS_COUNT doubles: the instrument's facts at the bar's
 * close, then the bar's fields.  A sample whose series value is not finite
 * (an unknown fact) is skipped by the smoothing and extreme indicators, so
 * they span the last n bars where the value was known; rising/falling
 * compare exact bars and are unknown when either end is.
 */
#ifndef TD_ALERT_BOOK_IND_H
#define TD_ALERT_BOOK_IND_H

#include <stddef.h>
#include <stdint.h>

#include "alert/expr_int.h"
#include "analytics/indicators.h"

typedef struct td_alert_ind {
	double value;             /* current value; NaN until defined (read by the evaluator) */
	td_alert_ind_spec spec;   /* ref is not used: the owning instrument's bars feed it */
	uint32_t users;           /* attachments reading it */
	union {
		td_ind_rsi rsi;
		td_ind_ema ema;
		td_ind_atr atr;
		td_ind_sma *sma;       /* owned */
		td_ind_donchian *dc;   /* owned; highest and lowest */
		struct {
			double *ring;      /* the last n + 1 values, owned */
			uint32_t pos;      /* next slot to write */
			uint32_t count;    /* values held, up to n + 1 */
		} lag;                 /* rising and falling */
	} u;
} td_alert_ind;

/* A fresh state (value NaN, users 0); NULL when out of memory. */
td_alert_ind *td_alert_ind_new(const td_alert_ind_spec *spec);
void td_alert_ind_free(td_alert_ind *d);
/* Add one closed bar's sample. */
void td_alert_ind_update(td_alert_ind *d, const double *sample);
/* Bytes a state of this spec holds (indicator internals estimated). */
size_t td_alert_ind_bytes(const td_alert_ind_spec *spec);

#endif
