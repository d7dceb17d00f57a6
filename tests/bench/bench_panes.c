/*
 * One pane drawn into a 200x60 window over a recorded simulated morning,
 * many times: CPU per frame of the pane's own drawing (the terminal output
 * is measured by the render bench).  The harness is the unit tests' one.
 */
#include "bench.h"

#include "harness.h"

#define FRAMES 2000

/* Microseconds per draw of a pane at 200x60. */
static double per_frame(td_harness *h, const td_pane_ops *ops)
{
	void *st = ops->create ? ops->create() : NULL;
	WINDOW *win = newwin(60, 200, 0, 0);
	double t0 = td_bench_seconds();
	for (int i = 0; i < FRAMES; i++) {
		werase(win);
		ops->draw(st, &h->view, win, 58, 198);
	}
	double dt = td_bench_seconds() - t0;
	delwin(win);
	if (ops->destroy)
		ops->destroy(st);
	return dt * 1e6 / FRAMES;
}

void td_bench_panes(void)
{
	td_harness h;
	if (td_harness_open(&h, 1, "us", "09:29", 120) < 0) {
		printf("panes: cannot set up the harness\n");
		return;
	}
	static const td_pane_ops *const panes[] = { &td_pane_ladder, &td_pane_tpo, &td_pane_fpchart, &td_pane_chart,
						    &td_pane_premarket, &td_pane_watchlist, &td_pane_tape, &td_pane_book };
	double us[sizeof(panes) / sizeof(panes[0])];
	for (size_t i = 0; i < sizeof(panes) / sizeof(panes[0]); i++)
		us[i] = per_frame(&h, panes[i]);
	td_harness_close(&h);
	for (size_t i = 0; i < sizeof(panes) / sizeof(panes[0]); i++)
		printf("pane %s at 200x60: %.1f us of CPU per frame (%d frames, two simulated hours loaded)\n",
		       panes[i]->name, us[i], FRAMES);
}
