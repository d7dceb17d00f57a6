/*
 * Pane test harness: a real engine over a recorded simulated session, and
 * curses on a throwaway terminal, so a pane can be drawn off-screen and its
 * text read back and checked.  Header-only (static functions) because each
 * unit test is one program; include it only from pane tests.
 *
 *   td_harness h;
 *   td_harness_open(&h, 1, "us", "09:29", 90);   // seed, preset, start, minutes
 *   char text[60][256];
 *   td_harness_draw(&h, &td_pane_ladder, state, 100, 40, text);
 *   ...
 *   td_harness_close(&h);
 */
#ifndef TD_TEST_HARNESS_H
#define TD_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "engine/engine.h"
#include "engine/record.h"
#include "pane.h"
#include "theme.h"
#include "tui.h"

#define TD_HARNESS_COLS 256

typedef struct td_harness {
	td_engine *e;
	td_view view;
	FILE *out, *in;
	char dir[64], tape[128];
} td_harness;

/* Replay every event of the tape into the engine. */
static inline int td_harness_drain(td_harness *h)
{
	for (;;) {
		bool done = td_feed_get_stats(td_engine_feed(h->e)).done;
		size_t n = td_engine_drain(h->e, 1 << 16);
		if (n == 0 && done)
			return 0;
		if (n == 0)
			usleep(1000);
	}
}

/* Record `minutes` of the simulator from `start` on `date` and load them into a fresh engine; curses in ASCII, no colour. */
static inline int td_harness_open_at(td_harness *h, uint64_t seed, const char *market, const char *date, const char *start,
			      int minutes)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->dir, sizeof(h->dir), "/tmp/td_harness_XXXXXX");
	if (!mkdtemp(h->dir))
		return -1;
	snprintf(h->tape, sizeof(h->tape), "%s/s.tape", h->dir);
	td_config cfg;
	td_config_defaults(&cfg);
	cfg.seed = seed;
	snprintf(cfg.market, sizeof(cfg.market), "%s", market);
	snprintf(cfg.start, sizeof(cfg.start), "%s", start);
	snprintf(cfg.date, sizeof(cfg.date), "%s", date);
	char err[256], note[256];
	uint64_t n;
	if (td_record(&cfg, h->tape, 0, (td_ns)minutes * TD_NS_PER_MIN, &n, note, sizeof(note), err, sizeof(err)) < 0)
		return -1;
	snprintf(cfg.feed, sizeof(cfg.feed), "replay:%s", h->tape);
	cfg.speed = 0;
	h->e = td_engine_new(&cfg, err, sizeof(err));
	if (!h->e || td_engine_start(h->e, err, sizeof(err)) < 0 || td_harness_drain(h) < 0)
		return -1;
	h->out = tmpfile();
	h->in = fopen("/dev/null", "r");
	setenv("LINES", "100", 1);
	setenv("COLUMNS", "250", 1);
	if (!h->out || !h->in || td_tui_open(h->out, h->in, "xterm", true, true, err, sizeof(err)) < 0)
		return -1;
	td_theme *t = td_theme_builtin();
	td_tui_apply_theme(t);
	td_theme_free(t);
	h->view.market = td_engine_market(h->e);
	h->view.rates = td_engine_rates_get(h->e);
	h->view.session = td_engine_session(h->e);
	h->view.cfg = td_engine_config(h->e);
	h->view.nwatch = td_engine_watchlist(h->e, &h->view.watch);
	h->view.selected = h->view.watch[0];
	h->view.analysis = td_engine_analysis(h->e);
	h->view.ladder_px = TD_PX_NONE;
	h->view.chains = td_engine_chains(h->e);
	h->view.opt_cursor = TD_NO_ID;
	return 0;
}

/* The same on Friday 2026-11-20. */
static inline int td_harness_open(td_harness *h, uint64_t seed, const char *market, const char *start, int minutes)
{
	return td_harness_open_at(h, seed, market, "2026-11-20", start, minutes);
}

/* Draw a pane's inside (w x rows) off-screen and copy each row's text, trailing blanks cut. */
static inline void td_harness_draw(td_harness *h, const td_pane_ops *ops, void *st, int w, int rows,
			    char text[][TD_HARNESS_COLS])
{
	WINDOW *win = newwin(rows + 2, w + 2, 0, 0);
	werase(win);
	ops->draw(st, &h->view, win, rows, w);
	for (int y = 0; y < rows; y++) {
		char *line = text[y];
		mvwinnstr(win, y + 1, 1, line, w < TD_HARNESS_COLS - 1 ? w : TD_HARNESS_COLS - 1);
		for (int x = (int)strlen(line) - 1; x >= 0 && line[x] == ' '; x--)
			line[x] = '\0';
	}
	delwin(win);
}

static inline void td_harness_close(td_harness *h)
{
	td_tui_close();
	td_engine_free(h->e);
	if (h->out)
		fclose(h->out);
	if (h->in)
		fclose(h->in);
	unlink(h->tape);
	rmdir(h->dir);
}

#endif
