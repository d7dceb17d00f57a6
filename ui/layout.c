/*
 * Layout trees are parsed from their spec each time they are computed (they
 * are a few dozen bytes, and it happens only on a resize or a switch), into a
 * fixed array of nodes: no allocation.
 */
#include "layout.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const td_layout_def layouts[] = {
	{ "default", "v(watchlist=6,h(ladder:5,tape:4,book:3))", "watchlist on top; ladder, tape and book below" },
	{ "flow", "v(watchlist=6,h(ladder:2,fpchart:5))", "the ladder beside the footprint chart" },
	{ "auction", "v(watchlist=6,h(tpo:4,v(chart:3,premarket:2):5))", "TPO profile, chart and pre-market summary" },
	{ "chart", "v(watchlist=6,h(chart:3,tape:1))", "a large chart with the tape" },
	{ "wide", "h(v(watchlist=6,ladder):5,v(book:1,tape:2):4)", "watchlist over the ladder; book over tape" },
	{ "tape", "v(watchlist=6,tape)", "watchlist and a tall tape" },
	{ "trade", "v(watchlist=5,h(ladder:3,v(positions:1,orders:1,fills:1,deals:1):5))", "the ladder with positions, orders, fills and deals" },
	{ "alerts", "v(watchlist=5,h(chart:3,v(alerts:2,tape:1):2))", "the chart with the alerts log and the tape" },
	{ "options", "v(watchlist=5,h(chain:3,exposure:1):3,scan:2)", "the option chain heatmap, dealer exposure and the scanner" },
	{ "risk", "v(watchlist=5,h(risk:3,v(positions:1,orders:1):2))", "every risk limit and the standing against it, with positions and orders" },
};

#define NLAYOUTS (sizeof(layouts) / sizeof(layouts[0]))
#define MAX_NODES 32
#define MAX_KIDS 8

typedef struct node {
	char dir;              /* 'h', 'v', or 0 for a pane */
	size_t pane;           /* for a pane */
	int weight;            /* relative share, when fixed is 0 */
	int fixed;             /* exact size along the parent's split, or 0 */
	int kids[MAX_KIDS];
	int nkids;
	bool dropped;
} node;

typedef struct parser {
	const char *s;
	size_t pos;
	node nodes[MAX_NODES];
	int n;
	const td_layout_pane *panes;
	size_t npanes;
	char *err;
	size_t errlen;
} parser;

const td_layout_def *td_layout_find(const char *name)
{
	for (size_t i = 0; i < NLAYOUTS; i++)
		if (strcmp(layouts[i].name, name) == 0)
			return &layouts[i];
	return NULL;
}

const td_layout_def *td_layout_at(size_t i)
{
	return i < NLAYOUTS ? &layouts[i] : NULL;
}

size_t td_layout_count(void)
{
	return NLAYOUTS;
}

/* Record a parse error at the current position; returns -1. */
static int fail(parser *p, const char *what)
{
	snprintf(p->err, p->errlen, "layout '%s' at column %zu: %s", p->s, p->pos + 1, what);
	return -1;
}

static int parse_node(parser *p);

/* Parse ":weight" or "=size" if present. */
static int parse_weight(parser *p, node *n)
{
	n->weight = 1;
	char mark = p->s[p->pos];
	if (mark != ':' && mark != '=')
		return 0;
	p->pos++;
	if (!isdigit((unsigned char)p->s[p->pos]))
		return fail(p, mark == ':' ? "expected a weight after ':'" : "expected a size after '='");
	int w = 0;
	while (isdigit((unsigned char)p->s[p->pos]) && w < 1000)
		w = w * 10 + (p->s[p->pos++] - '0');
	if (mark == '=')
		n->fixed = w > 0 ? w : 1;
	else
		n->weight = w > 0 ? w : 1;
	return 0;
}

/* Parse "h(" or "v(" children ")". */
static int parse_split(parser *p, int idx)
{
	node *n = &p->nodes[idx];
	n->dir = p->s[p->pos];
	p->pos += 2;
	for (;;) {
		if (n->nkids == MAX_KIDS)
			return fail(p, "too many panes in one split");
		int k = parse_node(p);
		if (k < 0)
			return -1;
		n->kids[n->nkids++] = k;
		char c = p->s[p->pos];
		if (c == ')') {
			p->pos++;
			return 0;
		}
		if (c != ',')
			return fail(p, "expected ',' or ')'");
		p->pos++;
	}
}

/* Parse a pane name. */
static int parse_pane(parser *p, int idx)
{
	size_t start = p->pos;
	while (isalnum((unsigned char)p->s[p->pos]) || p->s[p->pos] == '-')
		p->pos++;
	size_t len = p->pos - start;
	if (len == 0)
		return fail(p, "expected a pane name");
	for (size_t i = 0; i < p->npanes; i++) {
		if (strlen(p->panes[i].name) == len && strncmp(p->panes[i].name, p->s + start, len) == 0) {
			p->nodes[idx].pane = i;
			return 0;
		}
	}
	p->pos = start;
	return fail(p, "unknown pane");
}

/* Parse one node with its weight; returns its index or -1. */
static int parse_node(parser *p)
{
	if (p->n == MAX_NODES)
		return fail(p, "too deep");
	int idx = p->n++;
	memset(&p->nodes[idx], 0, sizeof(node));
	const char *c = p->s + p->pos;
	int rc = (c[0] == 'h' || c[0] == 'v') && c[1] == '(' ? parse_split(p, idx) : parse_pane(p, idx);
	if (rc < 0 || parse_weight(p, &p->nodes[idx]) < 0)
		return -1;
	return idx;
}

/* The smallest size (along the axis, 'h' = width) a node can take. */
static int min_size(const parser *p, int idx, char axis)
{
	const node *n = &p->nodes[idx];
	if (!n->dir)
		return axis == 'h' ? p->panes[n->pane].min_w : p->panes[n->pane].min_h;
	int total = 0, most = 0;
	for (int i = 0; i < n->nkids; i++) {
		if (p->nodes[n->kids[i]].dropped)
			continue;
		int m = min_size(p, n->kids[i], axis);
		total += m;
		most = m > most ? m : most;
	}
	return n->dir == axis ? total : most;
}

/* The most important (lowest) priority in a subtree. */
static int best_priority(const parser *p, int idx)
{
	const node *n = &p->nodes[idx];
	if (!n->dir)
		return p->panes[n->pane].priority;
	int best = 1 << 30;
	for (int i = 0; i < n->nkids; i++) {
		int b = best_priority(p, n->kids[i]);
		best = b < best ? b : best;
	}
	return best;
}

/* Panes in a subtree. */
static int count_panes(const parser *p, int idx)
{
	const node *n = &p->nodes[idx];
	if (!n->dir)
		return 1;
	int c = 0;
	for (int i = 0; i < n->nkids; i++)
		c += count_panes(p, n->kids[i]);
	return c;
}

/* Split `len` cells among the live children: fixed sizes first, the rest by
 * weight (the last weighted child takes the rounding); false if one gets less
 * than its minimum. */
static bool share(const parser *p, const node *n, int len, int *sizes)
{
	int wsum = 0, weighted = 0, left = len;
	for (int i = 0; i < n->nkids; i++) {
		const node *k = &p->nodes[n->kids[i]];
		sizes[i] = 0;
		if (k->dropped)
			continue;
		if (k->fixed) {
			sizes[i] = k->fixed < left ? k->fixed : left;
			left -= sizes[i];
		} else {
			wsum += k->weight;
			weighted++;
		}
	}
	int used = 0, seen = 0;
	for (int i = 0; i < n->nkids; i++) {
		const node *k = &p->nodes[n->kids[i]];
		if (k->dropped || k->fixed)
			continue;
		seen++;
		sizes[i] = seen == weighted ? left - used : left * k->weight / wsum;
		used += sizes[i];
	}
	if (weighted == 0 && left > 0) /* only fixed children: the last one takes the slack */
		for (int i = n->nkids - 1; i >= 0; i--)
			if (!p->nodes[n->kids[i]].dropped) {
				sizes[i] += left;
				break;
			}
	for (int i = 0; i < n->nkids; i++)
		if (!p->nodes[n->kids[i]].dropped && sizes[i] < min_size(p, n->kids[i], n->dir))
			return false;
	return true;
}

/* Drop the live child whose panes matter least; returns the panes it held. */
static int drop_least(parser *p, node *n)
{
	int worst = -1, worst_pri = -1;
	for (int i = 0; i < n->nkids; i++) {
		if (p->nodes[n->kids[i]].dropped)
			continue;
		int pri = best_priority(p, n->kids[i]);
		if (pri > worst_pri)
			worst_pri = pri, worst = i;
	}
	p->nodes[n->kids[worst]].dropped = true;
	return count_panes(p, n->kids[worst]);
}

/* Place a node in r; appends to out and counts what could not be placed. */
static void place(parser *p, int idx, td_rect r, td_placement *out, int *nout, int *hidden)
{
	node *n = &p->nodes[idx];
	if (!n->dir) {
		if (r.w < p->panes[n->pane].min_w || r.h < p->panes[n->pane].min_h) {
			(*hidden)++;
			return;
		}
		out[(*nout)++] = (td_placement){ n->pane, r };
		return;
	}
	int sizes[MAX_KIDS];
	int len = n->dir == 'h' ? r.w : r.h;
	int live = n->nkids;
	while (!share(p, n, len, sizes) && live > 1) {
		*hidden += drop_least(p, n);
		live--;
	}
	int off = 0;
	for (int i = 0; i < n->nkids; i++) {
		if (p->nodes[n->kids[i]].dropped)
			continue;
		td_rect c = r;
		if (n->dir == 'h')
			c.x = r.x + off, c.w = sizes[i];
		else
			c.y = r.y + off, c.h = sizes[i];
		off += sizes[i];
		place(p, n->kids[i], c, out, nout, hidden);
	}
}

int td_layout_compute(const char *spec, td_rect area, const td_layout_pane *panes, size_t npanes,
		      td_placement *out, int *hidden, char *err, size_t errlen)
{
	parser p = { .s = spec, .panes = panes, .npanes = npanes, .err = err, .errlen = errlen };
	int root = parse_node(&p);
	if (root < 0)
		return -1;
	if (spec[p.pos] != '\0')
		return fail(&p, "unexpected text after the layout");
	if (count_panes(&p, root) > TD_LAYOUT_MAX)
		return fail(&p, "too many panes");
	int nout = 0;
	*hidden = 0;
	place(&p, root, area, out, &nout, hidden);
	return nout;
}
