/*
 * TPO profile.  DESIGN: a day is 52 period brackets (open, high, low, close
 * and when the high and low printed).  The current period's UTC interval is
 * cached, so a trade inside it touches only its bracket; crossing into the
 * next period (or out of the session) costs one zone lookup.  Days live in
 * a ring of max_days; a new day reuses the oldest slot.  Every query turns
 * brackets into rows: period p marks rows row(low_p) .. row(high_p).
 */
#include "analytics/tpo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/profile.h"

/* Exact products of prices, sizes and percentages (GCC and Clang). */
__extension__ typedef __int128 i128;

typedef struct period {
	td_ticks first, last, hi, lo;  /* first == TD_PX_NONE until the period trades */
	td_ns hi_ts, lo_ts;            /* when the high and the low first printed */
} period;

typedef struct day {
	int64_t date;                  /* local date, days since the epoch */
	period per[TD_TPO_MAX_PERIODS];
} day;

struct td_tpo {
	td_tpo_params pp;
	const td_tz *tz;
	unsigned nper;                 /* periods in a regular session */
	day *days;                     /* ring of max_days */
	size_t head, ndays;            /* oldest slot, days kept */
	period *cur;                   /* bracket of the cached interval; NULL outside the session */
	td_ns iv_start;                /* cached interval [iv_start, iv_start + iv_len) */
	uint64_t iv_len;
	int64_t dropped;
};

td_tpo_params td_tpo_params_default(const td_session *s)
{
	return (td_tpo_params){
		.session = s, .period_ns = 30 * TD_NS_PER_MIN, .row_ticks = 1, .ib_periods = 2,
		.va_pct = 70, .excess_rows = 2, .max_rows = 65536, .max_days = 20,
		.open_tol_pct = 10, .open_test_pct = 30, .open_drive_pct = 75,
		.trend_ext_pct = 100, .normal_ib_pct = 85, .nontrend_ib_pct = 50,
		.dd_rows = 3, .dd_part_pct = 20, .dd_node_tpos = 3,
	};
}

/* Write a message to err if there is room. */
static void set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

/* Why the parameters cannot work, or NULL. */
static const char *check_params(const td_tpo_params *pp)
{
	if (!pp->session || !td_session_tz(pp->session))
		return "tpo: no session";
	if (pp->period_ns <= 0 || pp->row_ticks < 1 || pp->max_rows < 1 || pp->max_days < 1)
		return "tpo: period, row size, max_rows and max_days must be positive";
	td_ns len = pp->session->close_tod - pp->session->open_tod;
	if (len <= 0 || (len + pp->period_ns - 1) / pp->period_ns > TD_TPO_MAX_PERIODS)
		return "tpo: the regular session must hold 1 to 52 periods";
	if (pp->va_pct < 1 || pp->va_pct > 100 || pp->ib_periods < 1 || pp->excess_rows < 1)
		return "tpo: va_pct must be 1..100, ib_periods and excess_rows positive";
	if (pp->open_tol_pct > pp->open_test_pct || pp->open_drive_pct <= 50 || pp->open_drive_pct > 100)
		return "tpo: need open_tol_pct <= open_test_pct and 50 < open_drive_pct <= 100";
	return NULL;
}

td_tpo *td_tpo_new(const td_tpo_params *pp, char *err, size_t errlen)
{
	const char *why = check_params(pp);
	if (why) {
		set_err(err, errlen, why);
		return NULL;
	}
	td_tpo *t = calloc(1, sizeof(*t));
	day *d = calloc(pp->max_days, sizeof(*d));
	if (!t || !d) {
		free(t);
		free(d);
		set_err(err, errlen, "tpo: out of memory");
		return NULL;
	}
	t->pp = *pp;
	t->tz = td_session_tz(pp->session);
	t->nper = (unsigned)((pp->session->close_tod - pp->session->open_tod + pp->period_ns - 1) / pp->period_ns);
	t->days = d;
	t->iv_len = 0;  /* nothing cached: the first trade locates */
	return t;
}

void td_tpo_free(td_tpo *t)
{
	if (!t)
		return;
	free(t->days);
	free(t);
}

/* Kept day i (0 = oldest). */
static day *day_at(const td_tpo *t, size_t i)
{
	return &t->days[(t->head + i) % t->pp.max_days];
}

/* Start a new latest day, reusing the oldest slot when the ring is full. */
static day *push_day(td_tpo *t, int64_t date)
{
	if (t->ndays == t->pp.max_days) {
		t->head = (t->head + 1) % t->pp.max_days;
		t->ndays--;
	}
	day *d = day_at(t, t->ndays++);
	d->date = date;
	for (unsigned p = 0; p < TD_TPO_MAX_PERIODS; p++)
		d->per[p] = (period){ TD_PX_NONE, TD_PX_NONE, INT64_MIN, INT64_MAX, 0, 0 };
	return d;
}

/* The kept day of a date, a new one if it is later than all, or NULL if it is gone. */
static day *day_of(td_tpo *t, int64_t date)
{
	for (size_t i = t->ndays; i-- > 0;) {
		day *d = day_at(t, i);
		if (d->date == date)
			return d;
		if (d->date < date)
			return i == t->ndays - 1 ? push_day(t, date) : NULL;
	}
	return t->ndays == 0 ? push_day(t, date) : NULL;
}

/*
 * Slow path: find the bracket of instant ts and cache its interval (or the
 * stretch up to the next open when ts is outside the session).
 */
static void locate(td_tpo *t, td_ns ts)
{
	const td_session *s = t->pp.session;
	td_ns local = ts + (td_ns)td_tz_offset(t->tz, ts) * TD_NS_PER_SEC;
	int64_t date = local / TD_NS_PER_DAY - (local % TD_NS_PER_DAY < 0);
	td_ns tod = local - date * TD_NS_PER_DAY;
	int wd = td_weekday(date);
	t->cur = NULL;
	t->iv_start = ts;
	if (wd == 0 || wd == 6 || tod < s->open_tod || tod >= s->close_tod) {
		td_ns next = td_tz_to_utc(t->tz, tod < s->open_tod && wd != 0 && wd != 6 ? date : date + 1, s->open_tod);
		t->iv_len = (uint64_t)(next - ts);
		return;
	}
	td_ns p = (tod - s->open_tod) / t->pp.period_ns;
	td_ns end_tod = s->open_tod + (p + 1) * t->pp.period_ns;
	if (end_tod > s->close_tod)
		end_tod = s->close_tod;
	t->iv_len = (uint64_t)(td_tz_to_utc(t->tz, date, end_tod) - ts);
	day *d = day_of(t, date);
	if (!d) {
		t->dropped++;
		t->iv_len = 0;  /* do not cache a gone day: the next trade locates again */
		return;
	}
	t->cur = &d->per[p];
}

void td_tpo_add(td_tpo *t, const td_trade *tr)
{
	if ((uint64_t)tr->ts - (uint64_t)t->iv_start >= t->iv_len)
		locate(t, tr->ts);
	period *p = t->cur;
	if (!p)
		return;
	if (p->first == TD_PX_NONE)
		p->first = tr->px;
	p->last = tr->px;
	if (tr->px > p->hi) {
		p->hi = tr->px;
		p->hi_ts = tr->ts;
	}
	if (tr->px < p->lo) {
		p->lo = tr->px;
		p->lo_ts = tr->ts;
	}
}

int64_t td_tpo_dropped(const td_tpo *t)
{
	return t->dropped;
}

char td_tpo_letter(unsigned p)
{
	if (p < 26)
		return (char)('A' + p);
	if (p < 52)
		return (char)('a' + (p - 26));
	return '?';
}

size_t td_tpo_days(const td_tpo *t)
{
	return t->ndays;
}

/* Row of a price. */
static int64_t row(const td_tpo *t, td_ticks px)
{
	return td_profile_row_of(px, t->pp.row_ticks);
}

/* Row span of days [first, first + n); -1 when none traded or the range is bad. */
static int span(const td_tpo *t, size_t first, size_t n, int64_t *lo, int64_t *hi)
{
	if (n == 0 || first >= t->ndays || n > t->ndays - first)
		return -1;
	*lo = INT64_MAX;
	*hi = INT64_MIN;
	for (size_t i = first; i < first + n; i++)
		for (unsigned p = 0; p < TD_TPO_MAX_PERIODS; p++) {
			const period *pe = &day_at(t, i)->per[p];
			if (pe->first == TD_PX_NONE)
				continue;
			if (row(t, pe->lo) < *lo)
				*lo = row(t, pe->lo);
			if (row(t, pe->hi) > *hi)
				*hi = row(t, pe->hi);
		}
	return *lo <= *hi ? 0 : -1;
}

size_t td_tpo_marks(const td_tpo *t, size_t dayi, td_ticks *lo_px, uint64_t *masks, size_t cap)
{
	int64_t lo, hi;
	if (span(t, dayi, 1, &lo, &hi) != 0)
		return 0;
	size_t n = (size_t)(hi - lo + 1);
	*lo_px = lo * t->pp.row_ticks;
	if (n > cap)
		return n;
	memset(masks, 0, n * sizeof(*masks));
	const day *d = day_at(t, dayi);
	for (unsigned p = 0; p < TD_TPO_MAX_PERIODS; p++)
		if (d->per[p].first != TD_PX_NONE)
			for (int64_t r = row(t, d->per[p].lo); r <= row(t, d->per[p].hi); r++)
				masks[r - lo] |= (uint64_t)1 << p;
	return n;
}

size_t td_tpo_counts(const td_tpo *t, size_t first, size_t n, td_ticks *lo_px, int64_t *rows, size_t cap)
{
	int64_t lo, hi;
	if (span(t, first, n, &lo, &hi) != 0)
		return 0;
	size_t nrows = (size_t)(hi - lo + 1);
	*lo_px = lo * t->pp.row_ticks;
	if (nrows > cap)
		return nrows;
	memset(rows, 0, nrows * sizeof(*rows));
	for (size_t i = first; i < first + n; i++)
		for (unsigned p = 0; p < TD_TPO_MAX_PERIODS; p++) {
			const period *pe = &day_at(t, i)->per[p];
			if (pe->first != TD_PX_NONE)
				for (int64_t r = row(t, pe->lo); r <= row(t, pe->hi); r++)
					rows[r - lo]++;
		}
	return nrows;
}

static const char *const open_names[] = {
	[TD_OPEN_PENDING] = "pending", [TD_OPEN_DRIVE] = "open-drive",
	[TD_OPEN_TEST_DRIVE] = "open-test-drive", [TD_OPEN_REJECTION_REVERSE] = "open-rejection-reverse",
	[TD_OPEN_AUCTION] = "open-auction",
};

static const char *const day_names[] = {
	[TD_DAY_PENDING] = "pending", [TD_DAY_NORMAL] = "normal",
	[TD_DAY_NORMAL_VARIATION] = "normal variation", [TD_DAY_TREND] = "trend",
	[TD_DAY_DOUBLE_DISTRIBUTION] = "double distribution", [TD_DAY_NEUTRAL] = "neutral",
	[TD_DAY_NON_TREND] = "non-trend",
};

const char *td_tpo_open_name(td_tpo_open o)
{
	return (unsigned)o < sizeof(open_names) / sizeof(open_names[0]) ? open_names[o] : "?";
}

const char *td_tpo_daytype_name(td_tpo_daytype d)
{
	return (unsigned)d < sizeof(day_names) / sizeof(day_names[0]) ? day_names[d] : "?";
}

/* Is a <= pct percent of b, exactly? */
static int within_pct(int64_t a, unsigned pct, int64_t b)
{
	return (i128)a * 100 <= (i128)b * pct;
}

/* Is a >= pct percent of b, exactly? */
static int at_least_pct(int64_t a, unsigned pct, int64_t b)
{
	return (i128)a * 100 >= (i128)b * pct;
}

/*
 * Opening type of period A, tried as an upward open (the low is the tested
 * side) and as a downward one (mirrored); the rules are in tpo.h.
 */
static td_tpo_open open_type(const td_tpo_params *pp, const period *a, int *dir)
{
	td_ticks r = a->hi - a->lo;
	*dir = 0;
	if (r <= 0)
		return TD_OPEN_AUCTION;
	for (int sgn = 1; sgn >= -1; sgn -= 2) {
		td_ticks test = sgn > 0 ? a->first - a->lo : a->hi - a->first;  /* probe against the drive */
		td_ticks reach = sgn > 0 ? a->last - a->lo : a->hi - a->last;   /* close from the probed extreme */
		int probe_first = sgn > 0 ? a->lo_ts < a->hi_ts : a->hi_ts < a->lo_ts;
		int past_open = sgn > 0 ? a->last > a->first : a->last < a->first;
		int drove = at_least_pct(reach, pp->open_drive_pct, r);
		td_tpo_open o;
		if (within_pct(test, pp->open_tol_pct, r))
			o = drove ? TD_OPEN_DRIVE : TD_OPEN_PENDING;
		else if (within_pct(test, pp->open_test_pct, r))
			o = drove && probe_first ? TD_OPEN_TEST_DRIVE : TD_OPEN_PENDING;
		else
			o = probe_first && past_open ? TD_OPEN_REJECTION_REVERSE : TD_OPEN_PENDING;
		if (o != TD_OPEN_PENDING) {
			*dir = sgn;
			return o;
		}
	}
	return TD_OPEN_AUCTION;
}

/* Initial balance, range extension and the open type of a day into st. */
static void balance_of(const td_tpo *t, const day *d, td_tpo_stats *st)
{
	st->ib_high = st->ib_low = TD_PX_NONE;
	st->ext_up_period = st->ext_down_period = -1;
	td_ticks ib_hi = INT64_MIN, ib_lo = INT64_MAX;
	for (unsigned p = 0; p < t->pp.ib_periods && p < TD_TPO_MAX_PERIODS; p++)
		if (d->per[p].first != TD_PX_NONE) {
			ib_hi = d->per[p].hi > ib_hi ? d->per[p].hi : ib_hi;
			ib_lo = d->per[p].lo < ib_lo ? d->per[p].lo : ib_lo;
		}
	if (ib_hi != INT64_MIN) {
		st->ib_high = ib_hi;
		st->ib_low = ib_lo;
	}
	for (unsigned p = t->pp.ib_periods; p < TD_TPO_MAX_PERIODS && ib_hi != INT64_MIN; p++) {
		const period *pe = &d->per[p];
		if (pe->first == TD_PX_NONE)
			continue;
		st->ib_done = 1;
		if (pe->hi > ib_hi && st->ext_up_period < 0)
			st->ext_up_period = (int)p;
		if (pe->lo < ib_lo && st->ext_down_period < 0)
			st->ext_down_period = (int)p;
		if (pe->hi - ib_hi > st->ext_up)
			st->ext_up = pe->hi - ib_hi;
		if (ib_lo - pe->lo > st->ext_down)
			st->ext_down = ib_lo - pe->lo;
	}
	if (d->per[0].first != TD_PX_NONE && st->nperiods > 1)
		st->open_type = open_type(&t->pp, &d->per[0], &st->open_dir);
}

/* Open, high, low, close, date and periods of days [first, first + n) into st. */
static void extremes_of(const td_tpo *t, size_t first, size_t n, td_tpo_stats *st)
{
	st->date = day_at(t, first)->date;
	st->open = st->close = TD_PX_NONE;
	st->high = INT64_MIN;
	st->low = INT64_MAX;
	for (size_t i = first; i < first + n; i++)
		for (unsigned p = 0; p < TD_TPO_MAX_PERIODS; p++) {
			const period *pe = &day_at(t, i)->per[p];
			if (pe->first == TD_PX_NONE)
				continue;
			if (st->open == TD_PX_NONE)
				st->open = pe->first;
			st->close = pe->last;
			st->high = pe->hi > st->high ? pe->hi : st->high;
			st->low = pe->lo < st->low ? pe->lo : st->low;
			if (n == 1)
				st->nperiods = p + 1;
		}
}

/* The counts of days [first, first + n) in a new array (caller frees); NULL when empty or too wide. */
static int64_t *counts_of(const td_tpo *t, size_t first, size_t n, td_ticks *lo_px, size_t *nrows)
{
	*nrows = td_tpo_counts(t, first, n, lo_px, NULL, 0);
	if (*nrows == 0 || *nrows > t->pp.max_rows)
		return NULL;
	int64_t *rows = malloc(*nrows * sizeof(*rows));
	if (rows)
		td_tpo_counts(t, first, n, lo_px, rows, *nrows);
	return rows;
}

/* Summary fields shared by a day and a merge; the rows are freed by the caller. */
static int64_t *summary(const td_tpo *t, size_t first, size_t n, td_tpo_stats *st, size_t *nrows)
{
	td_ticks lo_px;
	td_va va;
	*st = (td_tpo_stats){ 0 };
	int64_t *rows = counts_of(t, first, n, &lo_px, nrows);
	if (!rows)
		return NULL;
	td_profile_va_of(rows, *nrows, t->pp.va_pct, &va);  /* cannot fail: every traded period marks a row */
	extremes_of(t, first, n, st);
	td_ticks rt = t->pp.row_ticks;
	st->poc = lo_px + (td_ticks)va.poc * rt;
	st->vah = lo_px + (td_ticks)va.vah * rt;
	st->val = lo_px + (td_ticks)va.val * rt;
	st->tpos = va.total;
	st->va_tpos = va.in_va;
	return rows;
}

int td_tpo_merge_stats(const td_tpo *t, size_t first, size_t n, td_tpo_stats *out)
{
	size_t nrows;
	int64_t *rows = summary(t, first, n, out, &nrows);
	free(rows);
	if (rows && n > 1)
		out->nperiods = 0;
	return rows ? 0 : -1;
}

/* Length of the one-period run from row i stepping by dir (+1 up, -1 down) within [0, n). */
static size_t tail_len(const int64_t *rows, size_t n, size_t i, int dir)
{
	size_t len = 0;
	while (len < n && rows[i] == 1) {
		len++;
		if ((dir < 0 && i == 0) || (dir > 0 && i + 1 == n))
			break;
		i = dir > 0 ? i + 1 : i - 1;
	}
	return len;
}

/*
 * The next single-print run at or above row *i and below the top tail:
 * its rows go to *a .. *b and *i moves past it.  0 when there is none.
 */
static int next_run(const int64_t *rows, size_t n, size_t top, size_t *i, size_t *a, size_t *b)
{
	while (*i + top < n && rows[*i] != 1)
		(*i)++;
	if (*i + top >= n)
		return 0;
	*a = *b = *i;
	while (*b + 1 + top < n && rows[*b + 1] == 1)
		(*b)++;
	*i = *b + 1;
	return 1;
}

/* Sum of rows[a .. b). */
static int64_t sum(const int64_t *rows, size_t a, size_t b)
{
	int64_t s = 0;
	for (size_t i = a; i < b; i++)
		s += rows[i];
	return s;
}

/* The largest row of rows[a .. b). */
static int64_t peak(const int64_t *rows, size_t a, size_t b)
{
	int64_t m = 0;
	for (size_t i = a; i < b; i++)
		m = rows[i] > m ? rows[i] : m;
	return m;
}

/*
 * Does a run of dd_rows singles or more split the day into two
 * distributions, each with dd_part_pct of the TPOs and a row of dd_node_tpos?
 */
static int double_distribution(const td_tpo_params *pp, const int64_t *rows, size_t n, const td_tpo_stats *st)
{
	size_t i = st->bottom_tail, a, b;
	while (next_run(rows, n, st->top_tail, &i, &a, &b)) {
		if (b - a + 1 < pp->dd_rows)
			continue;
		if (at_least_pct(sum(rows, 0, a), pp->dd_part_pct, st->tpos) &&
		    at_least_pct(sum(rows, b + 1, n), pp->dd_part_pct, st->tpos) &&
		    peak(rows, 0, a) >= pp->dd_node_tpos && peak(rows, b + 1, n) >= pp->dd_node_tpos)
			return 1;
	}
	return 0;
}

/* Mean range of the days kept before day i, compared with the IB: is the IB narrow? */
static int narrow_ib(const td_tpo *t, size_t dayi, td_ticks ib_range)
{
	int64_t total = 0, ndays = 0;
	for (size_t i = 0; i < dayi; i++) {
		td_tpo_stats st = { 0 };
		extremes_of(t, i, 1, &st);
		if (st.open == TD_PX_NONE)
			continue;
		total += st.high - st.low;
		ndays++;
	}
	return ndays > 0 && (i128)ib_range * 100 * ndays < (i128)total * t->pp.nontrend_ib_pct;
}

/* Day type by the rules in tpo.h, first match wins. */
static td_tpo_daytype day_type(const td_tpo *t, size_t dayi, const int64_t *rows, size_t n, const td_tpo_stats *st)
{
	if (!st->ib_done)
		return TD_DAY_PENDING;
	if (st->ext_up > 0 && st->ext_down > 0)
		return TD_DAY_NEUTRAL;
	if (double_distribution(&t->pp, rows, n, st))
		return TD_DAY_DOUBLE_DISTRIBUTION;
	td_ticks ib_range = st->ib_high - st->ib_low;
	int up = st->ext_up > 0;
	td_ticks ext = up ? st->ext_up : st->ext_down;
	int closed_out = up ? st->close > st->ib_high : st->close < st->ib_low;
	if (ext > 0 && closed_out && at_least_pct(ext, t->pp.trend_ext_pct, ib_range))
		return TD_DAY_TREND;
	if (at_least_pct(ib_range, t->pp.normal_ib_pct, st->high - st->low))
		return narrow_ib(t, dayi, ib_range) ? TD_DAY_NON_TREND : TD_DAY_NORMAL;
	return TD_DAY_NORMAL_VARIATION;
}

/* Tails, excess and poor extremes; they need two periods to mean anything: 0 without. */
static int extremes_quality(const td_tpo *t, size_t dayi, const int64_t *rows, size_t n, td_tpo_stats *st)
{
	unsigned traded = 0;
	for (unsigned p = 0; p < TD_TPO_MAX_PERIODS; p++)
		traded += day_at(t, dayi)->per[p].first != TD_PX_NONE;
	if (traded < 2)
		return 0;
	st->top_tail = tail_len(rows, n, n - 1, -1);
	st->bottom_tail = tail_len(rows, n, 0, +1);
	st->excess_high = st->top_tail >= t->pp.excess_rows;
	st->excess_low = st->bottom_tail >= t->pp.excess_rows;
	st->poor_high = rows[n - 1] >= 2;
	st->poor_low = rows[0] >= 2;
	return 1;
}

int td_tpo_day_stats(const td_tpo *t, size_t dayi, td_tpo_stats *out)
{
	size_t n;
	int64_t *rows = summary(t, dayi, 1, out, &n);
	if (!rows)
		return -1;
	balance_of(t, day_at(t, dayi), out);
	extremes_quality(t, dayi, rows, n, out);
	out->day_type = day_type(t, dayi, rows, n, out);
	free(rows);
	return 0;
}

size_t td_tpo_singles(const td_tpo *t, size_t dayi, td_tpo_run *out, size_t max)
{
	td_tpo_stats st;
	size_t n, count = 0, i, a, b;
	int64_t *rows = summary(t, dayi, 1, &st, &n);
	if (!rows)
		return 0;
	if (!extremes_quality(t, dayi, rows, n, &st)) {
		free(rows);
		return 0;
	}
	td_ticks lo_px = row(t, st.low) * t->pp.row_ticks;
	for (i = st.bottom_tail; next_run(rows, n, st.top_tail, &i, &a, &b); count++)
		if (count < max)
			out[count] = (td_tpo_run){ lo_px + (td_ticks)a * t->pp.row_ticks, lo_px + (td_ticks)b * t->pp.row_ticks };
	free(rows);
	return count;
}
