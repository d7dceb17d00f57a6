/*
 * TPO (market) profile pane.  One screen row per TPO row (tpo_row ticks,
 * labelled by its low edge, highest at the top); in each row the letter of
 * every period that traded there, packed left in period order as on a
 * Market Profile chart.  The rightmost profile (the newest day, or the day
 * [ and ] step to) carries four marker columns before its letters:
 *
 *     >   the row of the current price
 *     :   inside the initial balance (the IB periods' letters are bold too)
 *     *   point of control; | the rest of the value area
 *     ~   single prints
 *
 * Earlier kept days stand to its left, oldest first, each under its date,
 * with one marker column (* and |): as many as fit the width, a blank
 * column apart.  All days share one price axis, so a day far from the
 * others leaves blank rows between them.  When the rightmost profile is
 * wider than the pane, its rows end in '+' where periods were cut.  m merges the days shown into one profile drawn as '#'
 * bars (scaled down only when the widest does not fit) followed by the
 * TPO count, with >, * and | as above.  Every marker also has a colour
 * role (IB letters header, value area bid, singles ask), so a NO_COLOR
 * terminal loses nothing.  The title names the date, the opening type and
 * the day type, the IB range and the value area.
 *
 * Cost.  A frame is keyed on the studies, the number of kept days, the
 * instrument's trade count and last price, the day stepped to, the mode and
 * the width: while nothing traded, a frame only composes the rows from
 * buffers already built.  When something did, each shown day's marks are
 * rebuilt (O(periods x rows), no allocation) and hashed; td_tpo_day_stats
 * and td_tpo_singles (which allocate inside the TPO module) run again only
 * for a day whose marks, index or ring changed, which in practice is the
 * newest day alone.  Rows are composed in a local buffer and written as
 * runs of one role.  Buffers grow to the tallest day seen and are kept:
 * at most MAX_ROWS rows x 8 bytes for each of the MAX_SHOWN + 2 profiles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "pane.h"

#define MAX_SHOWN 24        /* profiles side by side at most */
#define MAX_ROWS 16384      /* tallest row span drawn (128 KB of marks a profile) */
#define MAX_RUNS 32         /* single-print runs marked per day */
#define MAX_LINE 512        /* widest row composed */
#define FOCUS_MARKS 5       /* >, :, * or |, ~ and a blank before the letters */
#define PRIOR_MARKS 1       /* * or | */
#define MERGE_MARKS 3       /* >, * or |, blank */
#define DATE_W 5            /* "11-20" */
#define NO_ROW INT64_MIN
#define FAR_ROWS (INT64_MAX / 4)

enum { ST_OK, ST_NO_STUDIES, ST_NO_TPO, ST_TOO_TALL, ST_NO_MEMORY };

/* One day's statistics and what they were computed from. */
typedef struct dstats {
	const td_tpo *tpo;          /* key: the profile, */
	size_t index, ndays;        /* the day's index and the days kept, */
	int64_t newest;             /* the newest day's date (0 for the newest itself), */
	uint64_t hash;              /* the day's marks */
	td_ticks close;             /* and, for the newest day, the last price */
	bool have;
	int rc;                     /* td_tpo_day_stats: 0 or -1 */
	td_tpo_stats s;
	td_tpo_run singles[MAX_RUNS];
	size_t nsingles;
} dstats;

/* One day as drawn. */
typedef struct dayc {
	uint64_t *masks;            /* bit p: period p traded in the row; row 0 the lowest */
	size_t cap, nrows;
	int64_t lo_row;             /* row number of masks[0] */
	uint64_t hash;
	int maxcount;               /* most periods in one row */
	int width;                  /* columns of its block */
	dstats st;
} dayc;

/* The merged profile of the days shown. */
typedef struct mergec {
	const td_tpo *tpo;          /* key: the profile, */
	size_t first, n, ndays;     /* the days merged and the days kept, */
	int64_t newest;             /* the newest day's date */
	uint64_t hash;              /* and the days' marks */
	bool have;
	int rc;                     /* td_tpo_merge_stats: 0 or -1 */
	td_tpo_stats s;
	int64_t *rows;              /* TPO counts, row 0 the lowest */
	size_t cap, nrows;
	int64_t lo_row, maxcount;
} mergec;

typedef struct tpo_pane {
	/* what the user chose */
	size_t ago;                 /* days back from the newest for the rightmost profile */
	bool merged;                /* one merged profile of the days shown */
	bool follow;                /* keep the current price row in the middle */
	bool placed;                /* top was set by a frame */
	int64_t top;                /* row number of the first row drawn */
	int page;                   /* rows shown by the last frame */
	uint32_t instr;             /* the instrument the state belongs to */
	bool have_instr;
	int last_w;                 /* width of the last frame, for the title */
	/* the frame: valid while its key holds */
	bool valid;
	const td_studies *k_st;
	const td_tpo *k_tpo;
	size_t k_ndays, k_ago;
	int64_t k_trades;
	td_ticks k_last;
	int k_w;
	bool k_merged;
	int status;                 /* ST_* */
	size_t focus, nshown;       /* days focus - nshown + 1 .. focus are shown */
	int pw;                     /* price label width */
	td_ticks rt;                /* ticks per row */
	int64_t row_hi, row_lo;     /* row span of the days shown */
	int64_t cur_row;            /* row of the last price, or NO_ROW */
	unsigned ib_periods;
	dayc newest;                /* the newest day: its date keys the others */
	dayc days[MAX_SHOWN];       /* [0] the rightmost, [k] k days before it */
	mergec merge;
} tpo_pane;

static void *tpo_create(void)
{
	tpo_pane *l = calloc(1, sizeof(*l));
	if (l) {
		l->follow = true;
		l->last_w = 80;
	}
	return l;
}

static void tpo_destroy(void *st)
{
	tpo_pane *l = st;
	if (!l)
		return;
	free(l->newest.masks);
	for (size_t i = 0; i < MAX_SHOWN; i++)
		free(l->days[i].masks);
	free(l->merge.rows);
	free(l);
}

/* Set bits of a mask. */
static int popcount64(uint64_t m)
{
	int n = 0;
	for (; m; m &= m - 1)
		n++;
	return n;
}

/* FNV-1a over 64-bit words. */
static uint64_t mix(uint64_t h, uint64_t x)
{
	return (h ^ x) * 1099511628211ull;
}

/* Grow a buffer of 8-byte cells to hold n; 0, or -1 when out of memory. */
static int grow(void **buf, size_t *cap, size_t n)
{
	if (n <= *cap)
		return 0;
	size_t c = *cap ? *cap : 64;
	while (c < n)
		c *= 2;
	void *p = realloc(*buf, c * sizeof(uint64_t));
	if (!p)
		return -1;
	*buf = p;
	*cap = c;
	return 0;
}

/* Rebuild a day's marks, hash and widest row; ST_OK or why not (nrows says how tall). */
static int marks_refresh(dayc *d, const td_tpo *t, size_t index, td_ticks rt)
{
	td_ticks lo_px;
	d->nrows = td_tpo_marks(t, index, &lo_px, NULL, 0);
	if (d->nrows == 0)
		return ST_NO_TPO;
	if (d->nrows > MAX_ROWS)
		return ST_TOO_TALL;
	void *buf = d->masks;
	if (grow(&buf, &d->cap, d->nrows) < 0)
		return ST_NO_MEMORY;
	d->masks = buf;
	td_tpo_marks(t, index, &lo_px, d->masks, d->cap);
	d->lo_row = td_profile_row_of(lo_px, rt);
	uint64_t h = mix(mix(14695981039346656037ull, (uint64_t)lo_px), d->nrows);
	d->maxcount = 0;
	for (size_t i = 0; i < d->nrows; i++) {
		int c = popcount64(d->masks[i]);
		d->maxcount = c > d->maxcount ? c : d->maxcount;
		h = mix(h, d->masks[i]);
	}
	d->hash = h;
	return ST_OK;
}

/* A day's statistics and single prints, recomputed only when their key changed. */
static void stats_refresh(dstats *s, const td_tpo *t, size_t index, size_t ndays, int64_t newest, uint64_t hash,
			  td_ticks close)
{
	if (s->have && s->tpo == t && s->index == index && s->ndays == ndays && s->newest == newest &&
	    s->hash == hash && s->close == close)
		return;
	*s = (dstats){ .tpo = t, .index = index, .ndays = ndays, .newest = newest, .hash = hash, .close = close,
		       .have = true };
	s->rc = td_tpo_day_stats(t, index, &s->s);
	size_t n = td_tpo_singles(t, index, s->singles, MAX_RUNS);
	s->nsingles = n < MAX_RUNS ? n : MAX_RUNS;
}

/* Columns of a price label. */
static int label_w(const td_view *v, td_ticks px)
{
	char buf[48];
	td_view_price(v, v->selected, px, buf, sizeof(buf));
	return (int)strlen(buf);
}

/* The merged counts and statistics of the days shown, rebuilt when their key changed. */
static int merge_refresh(tpo_pane *l, const td_tpo *t, size_t ndays, int64_t newest)
{
	mergec *m = &l->merge;
	size_t first = l->focus + 1 - l->nshown, n = l->nshown;
	uint64_t h = 14695981039346656037ull;
	for (size_t k = 0; k < n; k++)
		h = mix(h, l->days[k].hash);
	if (m->have && m->tpo == t && m->first == first && m->n == n && m->ndays == ndays && m->newest == newest &&
	    m->hash == h)
		return ST_OK;
	m->have = false;
	td_ticks lo_px;
	m->nrows = td_tpo_counts(t, first, n, &lo_px, NULL, 0);
	if (m->nrows == 0)
		return ST_NO_TPO;
	if (m->nrows > MAX_ROWS)
		return ST_TOO_TALL;
	void *buf = m->rows;
	if (grow(&buf, &m->cap, m->nrows) < 0)
		return ST_NO_MEMORY;
	m->rows = buf;
	td_tpo_counts(t, first, n, &lo_px, m->rows, m->cap);
	m->lo_row = td_profile_row_of(lo_px, l->rt);
	m->maxcount = 0;
	for (size_t i = 0; i < m->nrows; i++)
		m->maxcount = m->rows[i] > m->maxcount ? m->rows[i] : m->maxcount;
	m->rc = td_tpo_merge_stats(t, first, n, &m->s);
	m->tpo = t, m->first = first, m->n = n, m->ndays = ndays, m->newest = newest, m->hash = h;
	m->have = true;
	return ST_OK;
}

/* Choose the days shown for width w and bring their marks and statistics up to date. */
static int layout(tpo_pane *l, const td_view *v, const td_studies *s, const td_quote_state *q, size_t ndays, int w)
{
	const td_tpo *t = s->tpo;
	l->rt = s->tpo_row > 0 ? s->tpo_row : 1;
	l->cur_row = q->last == TD_PX_NONE ? NO_ROW : td_profile_row_of(q->last, l->rt);
	l->ib_periods = v->cfg && v->cfg->ib_periods > 0 ? (unsigned)v->cfg->ib_periods : 2;
	size_t newest_i = ndays - 1;
	int64_t newest = -1;
	if (marks_refresh(&l->newest, t, newest_i, l->rt) == ST_OK) {
		stats_refresh(&l->newest.st, t, newest_i, ndays, 0, l->newest.hash, q->last);
		if (l->newest.st.rc == 0)
			newest = l->newest.st.s.date;
	}
	l->focus = newest_i - l->ago;
	l->nshown = 0;
	dayc *f = &l->days[0];
	int rc = marks_refresh(f, t, l->focus, l->rt);
	if (rc != ST_OK)
		return rc;
	if (l->focus == newest_i)
		f->st = l->newest.st;
	else
		stats_refresh(&f->st, t, l->focus, ndays, newest, f->hash, TD_PX_NONE);
	l->row_lo = f->lo_row;
	l->row_hi = f->lo_row + (int64_t)f->nrows - 1;
	int pw = label_w(v, l->row_hi * l->rt), lw = label_w(v, l->row_lo * l->rt);
	pw = lw > pw ? lw : pw;
	f->width = FOCUS_MARKS + f->maxcount > DATE_W ? FOCUS_MARKS + f->maxcount : DATE_W;
	int prior = 0;
	size_t n = 1;
	for (; n < MAX_SHOWN && n <= l->focus; n++) {
		dayc *d = &l->days[n];
		if (marks_refresh(d, t, l->focus - n, l->rt) != ST_OK)
			break;
		int bw = PRIOR_MARKS + d->maxcount > DATE_W ? PRIOR_MARKS + d->maxcount : DATE_W;
		int64_t hi = d->lo_row + (int64_t)d->nrows - 1, lo = d->lo_row;
		hi = hi > l->row_hi ? hi : l->row_hi;
		lo = lo < l->row_lo ? lo : l->row_lo;
		if (hi - lo + 1 > MAX_ROWS)
			break;
		int pw2 = pw, a = label_w(v, hi * l->rt), b = label_w(v, lo * l->rt);
		pw2 = a > pw2 ? a : pw2;
		pw2 = b > pw2 ? b : pw2;
		if (pw2 + 1 + prior + bw + 1 + f->width > w)
			break;
		pw = pw2;
		prior += bw + 1;
		l->row_hi = hi;
		l->row_lo = lo;
		d->width = bw;
		stats_refresh(&d->st, t, l->focus - n, ndays, newest, d->hash, TD_PX_NONE);
	}
	l->nshown = n;
	l->pw = pw;
	return l->merged ? merge_refresh(l, t, ndays, newest) : ST_OK;
}

/* Bring the frame up to date for width w (nothing to do while its key holds); ST_OK or why not. */
static int prepare(tpo_pane *l, const td_view *v, int w)
{
	if (!l->have_instr || l->instr != v->selected) {
		l->instr = v->selected;
		l->have_instr = true;
		l->ago = 0;
		l->follow = true;
		l->placed = false;
		l->valid = false;
	}
	td_studies *s = v->analysis ? td_analysis_get(v->analysis, v->selected) : NULL;
	const td_quote_state *q = v->market ? td_market_get(v->market, v->selected) : NULL;
	if (!s || !q)
		return ST_NO_STUDIES;
	size_t ndays = s->tpo ? td_tpo_days(s->tpo) : 0;
	if (ndays == 0)
		return ST_NO_TPO;
	if (l->ago > ndays - 1)
		l->ago = ndays - 1;
	if (l->valid && l->k_st == s && l->k_tpo == s->tpo && l->k_ndays == ndays && l->k_ago == l->ago &&
	    l->k_trades == q->trades && l->k_last == q->last && l->k_w == w && l->k_merged == l->merged)
		return l->status;
	l->k_st = s, l->k_tpo = s->tpo, l->k_ndays = ndays, l->k_ago = l->ago;
	l->k_trades = q->trades, l->k_last = q->last, l->k_w = w, l->k_merged = l->merged;
	l->status = layout(l, v, s, q, ndays, w);
	l->valid = true;
	return l->status;
}

/* Pick the first row drawn: centred on the current price (or the POC) when following, kept in the span. */
static void place(tpo_pane *l, int visible)
{
	if (l->row_hi - l->row_lo + 1 <= visible) {
		l->top = l->row_hi;
	} else {
		if (l->follow || !l->placed) {
			int64_t target = l->cur_row;
			if (target == NO_ROW || target > l->row_hi || target < l->row_lo) {
				const td_tpo_stats *ps = l->merged ? &l->merge.s : &l->days[0].st.s;
				bool ok = l->merged ? l->merge.have && l->merge.rc == 0 : l->days[0].st.rc == 0;
				target = ok ? td_profile_row_of(ps->poc, l->rt) : (l->row_hi + l->row_lo) / 2;
			}
			l->top = target + visible / 2;
		}
		if (l->top > l->row_hi)
			l->top = l->row_hi;
		if (l->top < l->row_lo + visible - 1)
			l->top = l->row_lo + visible - 1;
	}
	l->placed = true;
	l->page = visible;
}

/* A row of text being composed: a character and a role per column. */
typedef struct line {
	char ch[MAX_LINE + 1];
	unsigned char role[MAX_LINE];
	int w;
} line;

static void line_clear(line *ln, int w)
{
	ln->w = w < MAX_LINE ? w : MAX_LINE;
	memset(ln->ch, ' ', (size_t)ln->w);
	memset(ln->role, TD_ROLE_NORMAL, (size_t)ln->w);
}

static void put(line *ln, int x, char c, td_role r)
{
	if (x >= 0 && x < ln->w) {
		ln->ch[x] = c;
		ln->role[x] = (unsigned char)r;
	}
}

/* Text at x, at most maxw columns. */
static void put_text(line *ln, int x, int maxw, const char *s, td_role r)
{
	for (int i = 0; s[i] && i < maxw; i++)
		put(ln, x + i, s[i], r);
}

/* Text ending at column x + width - 1. */
static void put_right(line *ln, int x, int width, const char *s, td_role r)
{
	int len = (int)strlen(s);
	put_text(ln, len < width ? x + width - len : x, width, s, r);
}

/*
 * Write the composed row y as runs of one role.  Blanks at either end of a
 * normal run are left to the erased window: curses costs about 50 ns a
 * character, so writing only what shows keeps a frame to the ink on it.
 */
static void line_flush(WINDOW *win, int y, line *ln)
{
	for (int x = 0; x < ln->w;) {
		int e = x + 1;
		while (e < ln->w && ln->role[e] == ln->role[x])
			e++;
		int a = x, b = e;
		if (ln->role[x] == TD_ROLE_NORMAL) {
			while (a < b && ln->ch[a] == ' ')
				a++;
			while (b > a && ln->ch[b - 1] == ' ')
				b--;
		}
		if (a < b) {
			char save = ln->ch[b];
			ln->ch[b] = '\0';
			td_draw_text(win, y + 1, a + 1, b - a, (td_role)ln->role[x], ln->ch + a);
			ln->ch[b] = save;
		}
		x = e;
	}
}

/* "11-20" (or "2026-11-20" with the year) of a local date. */
static void fmt_date(int64_t days, bool year, char *buf, size_t n)
{
	int y, m, d;
	td_civil_from_days(days, &y, &m, &d);
	if (year)
		snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
	else
		snprintf(buf, n, "%02d-%02d", m, d);
}

/* Is row r inside [lo, hi] of prices given as low edges? */
static bool in_rows(const tpo_pane *l, int64_t r, td_ticks lo, td_ticks hi)
{
	return lo != TD_PX_NONE && hi != TD_PX_NONE && r >= td_profile_row_of(lo, l->rt) &&
	       r <= td_profile_row_of(hi, l->rt);
}

/* Is row r a single print of the day? */
static bool single_row(const tpo_pane *l, const dstats *s, int64_t r)
{
	for (size_t i = 0; i < s->nsingles; i++)
		if (in_rows(l, r, s->singles[i].lo, s->singles[i].hi))
			return true;
	return false;
}

/* The value-area marker of row r and its role: '*' POC, '|' value area, ' ' outside. */
static char va_mark(const tpo_pane *l, const td_tpo_stats *s, bool ok, int64_t r, td_role *role)
{
	*role = TD_ROLE_HEADER;
	if (!ok)
		return ' ';
	if (r == td_profile_row_of(s->poc, l->rt))
		return '*';
	*role = TD_ROLE_BID;
	return in_rows(l, r, s->val, s->vah) ? '|' : ' ';
}

/* A day's letters of row r from column x, at most room columns ('+' when some are cut). */
static void put_letters(const tpo_pane *l, line *ln, int x, int room, const dayc *d, int64_t r)
{
	if (r < d->lo_row || r >= d->lo_row + (int64_t)d->nrows || room <= 0)
		return;
	uint64_t m = d->masks[r - d->lo_row];
	bool ok = d->st.rc == 0;
	bool single = single_row(l, &d->st, r);
	bool va = ok && in_rows(l, r, d->st.s.val, d->st.s.vah);
	int n = popcount64(m), col = 0;
	for (unsigned p = 0; p < TD_TPO_MAX_PERIODS && col < room; p++) {
		if (!(m & ((uint64_t)1 << p)))
			continue;
		td_role role = p < l->ib_periods ? TD_ROLE_HEADER : single ? TD_ROLE_ASK : va ? TD_ROLE_BID : TD_ROLE_NORMAL;
		put(ln, x + col, col == room - 1 && n > room ? '+' : td_tpo_letter(p), role);
		col++;
	}
}

/* Row r of the rightmost day: markers then letters. */
static void focus_row(const tpo_pane *l, line *ln, int x, int room, int64_t r)
{
	const dayc *d = &l->days[0];
	const td_tpo_stats *s = &d->st.s;
	bool ok = d->st.rc == 0;
	td_role role;
	if (r == l->cur_row)
		put(ln, x, '>', TD_ROLE_HEADER);
	if (ok && in_rows(l, r, s->ib_low, s->ib_high))
		put(ln, x + 1, ':', TD_ROLE_HEADER);
	char c = va_mark(l, s, ok, r, &role);
	put(ln, x + 2, c, role);
	if (single_row(l, &d->st, r))
		put(ln, x + 3, '~', TD_ROLE_ASK);
	put_letters(l, ln, x + FOCUS_MARKS, room - FOCUS_MARKS, d, r);
}

/* Row r of an earlier day: value-area marker then letters. */
static void prior_row(const tpo_pane *l, line *ln, int x, const dayc *d, int64_t r)
{
	td_role role;
	char c = va_mark(l, &d->st.s, d->st.rc == 0, r, &role);
	put(ln, x, c, role);
	put_letters(l, ln, x + PRIOR_MARKS, d->width - PRIOR_MARKS, d, r);
}

/* Row r of the merged profile: markers, a bar of '#' and the TPO count. */
static void merged_row(const tpo_pane *l, line *ln, int x, int room, int64_t r)
{
	const mergec *m = &l->merge;
	td_role role;
	if (r == l->cur_row)
		put(ln, x, '>', TD_ROLE_HEADER);
	char c = va_mark(l, &m->s, m->rc == 0, r, &role);
	put(ln, x + 1, c, role);
	if (r < m->lo_row || r >= m->lo_row + (int64_t)m->nrows)
		return;
	int64_t count = m->rows[r - m->lo_row];
	if (count == 0)
		return;
	char num[24];
	snprintf(num, sizeof(num), "%lld", (long long)count);
	char maxnum[24];
	int numw = snprintf(maxnum, sizeof(maxnum), "%lld", (long long)m->maxcount);
	int barw = room - MERGE_MARKS - numw - 1;
	int len = 0;
	if (barw > 0)
		len = m->maxcount <= barw ? (int)count : (int)((count * barw + m->maxcount - 1) / m->maxcount);
	td_role br = c == '*' ? TD_ROLE_HEADER : c == '|' ? TD_ROLE_BID : TD_ROLE_NORMAL;
	for (int i = 0; i < len; i++)
		put(ln, x + MERGE_MARKS + i, '#', br);
	put_text(ln, x + MERGE_MARKS + len + (len > 0), room, num, TD_ROLE_NORMAL);
}

/* The dates over the blocks. */
static void header_row(const tpo_pane *l, line *ln, int w)
{
	char date[32], a[8], b[8];
	int x = l->pw + 1;
	if (l->merged) {
		if (l->merge.rc != 0 || l->days[0].st.rc != 0)
			return;
		fmt_date(l->merge.s.date, false, a, sizeof(a));
		fmt_date(l->days[0].st.s.date, false, b, sizeof(b));
		if (l->nshown > 1)
			snprintf(date, sizeof(date), "%s..%s merged", a, b);
		else
			snprintf(date, sizeof(date), "%s merged", b);
		put_text(ln, x, w - x, date, TD_ROLE_HEADER);
		return;
	}
	for (size_t k = l->nshown; k-- > 1;) {
		const dayc *d = &l->days[k];
		if (d->st.rc == 0) {
			fmt_date(d->st.s.date, false, date, sizeof(date));
			put_text(ln, x, d->width, date, TD_ROLE_NORMAL);
		}
		x += d->width + 1;
	}
	if (l->days[0].st.rc == 0) {
		fmt_date(l->days[0].st.s.date, false, date, sizeof(date));
		put_text(ln, x, w - x, date, TD_ROLE_HEADER);
	}
}

static void tpo_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	tpo_pane *l = st;
	l->last_w = w;
	switch (prepare(l, v, w)) {
	case ST_OK: break;
	case ST_NO_STUDIES: td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "no studies for this instrument"); return;
	case ST_NO_TPO: td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "no TPO yet: waiting for a regular-session trade"); return;
	case ST_NO_MEMORY: td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "out of memory for the profile"); return;
	case ST_TOO_TALL: {
		char msg[96];
		snprintf(msg, sizeof(msg), "profile too tall to draw: over %d rows", MAX_ROWS);
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, msg);
		return;
	}
	}
	if (h < 2 || w < 1)
		return;
	int visible = h - 1;
	place(l, visible);
	line ln;
	line_clear(&ln, w);
	header_row(l, &ln, w);
	line_flush(win, 0, &ln);
	char px[48];
	for (int i = 0; i < visible; i++) {
		int64_t r = l->top - i;
		if (r < l->row_lo)
			break;
		line_clear(&ln, w);
		bool hot = r == l->cur_row;
		td_view_price(v, v->selected, r * l->rt, px, sizeof(px));
		put_right(&ln, 0, l->pw, px, hot ? TD_ROLE_HEADER : TD_ROLE_NORMAL);
		int x = l->pw + 1;
		if (l->merged) {
			merged_row(l, &ln, x, w - x, r);
		} else {
			for (size_t k = l->nshown; k-- > 1;) {
				prior_row(l, &ln, x, &l->days[k], r);
				x += l->days[k].width + 1;
			}
			focus_row(l, &ln, x, w - x < l->days[0].width ? w - x : l->days[0].width, r);
		}
		line_flush(win, 1 + i, &ln);
	}
}

/* Scroll by d rows (positive: up, to higher prices); the view stops following. */
static void scroll_by(tpo_pane *l, int64_t d)
{
	if (!l->placed)
		return;
	l->top += d;
	l->follow = false;
}

static td_reaction tpo_command(void *st, td_view *v, td_cmd cmd)
{
	tpo_pane *l = st;
	int page = l->page > 2 ? l->page - 1 : 1;
	switch (cmd) {
	case TD_CMD_UP: scroll_by(l, 1); break;
	case TD_CMD_DOWN: scroll_by(l, -1); break;
	case TD_CMD_PAGE_UP: scroll_by(l, page); break;
	case TD_CMD_PAGE_DOWN: scroll_by(l, -page); break;
	case TD_CMD_HOME: l->top = FAR_ROWS, l->placed = true, l->follow = false; break;
	case TD_CMD_END: l->top = -FAR_ROWS, l->placed = true, l->follow = false; break;
	case TD_CMD_CENTRE: l->follow = true; break;
	case TD_CMD_MERGE_DAYS: l->merged = !l->merged; break;
	case TD_CMD_NEWER:
		if (l->ago > 0)
			l->ago--;
		break;
	case TD_CMD_OLDER: {
		td_studies *s = v->analysis ? td_analysis_get(v->analysis, v->selected) : NULL;
		size_t ndays = s && s->tpo ? td_tpo_days(s->tpo) : 0;
		if (l->ago + 1 < ndays)
			l->ago++;
		break;
	}
	default: return TD_REACT_PASS;
	}
	return TD_REACT_DONE;
}

/* "TPO: SPY 2026-11-20 open-drive up, trend IB 500.25-501.50 VA 500.50-501.00", or the merged days and their VA. */
static void tpo_title(void *st, const td_view *v, char *buf, size_t n)
{
	tpo_pane *l = st;
	const char *sym = td_view_symbol(v, v->selected);
	if (prepare(l, v, l->last_w) != ST_OK) {
		snprintf(buf, n, "TPO: %s", sym);
		return;
	}
	char a[16], b[16], lo[48], hi[48], va[112] = "";
	const td_tpo_stats *s = l->merged ? &l->merge.s : &l->days[0].st.s;
	bool ok = l->merged ? l->merge.rc == 0 : l->days[0].st.rc == 0;
	if (!ok) {
		snprintf(buf, n, "TPO: %s", sym);
		return;
	}
	td_view_price(v, v->selected, s->val, lo, sizeof(lo));
	td_view_price(v, v->selected, s->vah, hi, sizeof(hi));
	snprintf(va, sizeof(va), "VA %s-%s", lo, hi);
	if (l->merged) {
		fmt_date(s->date, true, a, sizeof(a));
		fmt_date(l->days[0].st.s.date, true, b, sizeof(b));
		if (l->nshown > 1)
			snprintf(buf, n, "TPO: %s %s..%s merged %s", sym, a, b, va);
		else
			snprintf(buf, n, "TPO: %s %s merged %s", sym, b, va);
		return;
	}
	char ib[112] = "";
	if (s->ib_low != TD_PX_NONE) {
		td_view_price(v, v->selected, s->ib_low, lo, sizeof(lo));
		td_view_price(v, v->selected, s->ib_high, hi, sizeof(hi));
		snprintf(ib, sizeof(ib), "IB %s-%s ", lo, hi);
	}
	fmt_date(s->date, true, a, sizeof(a));
	const char *dir = s->open_dir > 0 ? " up" : s->open_dir < 0 ? " down" : "";
	snprintf(buf, n, "TPO: %s %s %s%s%s, %s%s %s%s", sym, a, s->open_type == TD_OPEN_PENDING ? "open " : "",
		 td_tpo_open_name(s->open_type), dir, s->day_type == TD_DAY_PENDING ? "day " : "",
		 td_tpo_daytype_name(s->day_type), ib, va);
}

const td_pane_ops td_pane_tpo = {
	.name = "tpo",
	.caption = "TPO",
	.min_w = 24,
	.min_h = 8,
	.priority = 6,
	.create = tpo_create,
	.destroy = tpo_destroy,
	.draw = tpo_draw,
	.command = tpo_command,
	.title = tpo_title,
};
