/*
 * Rendering at 200x60: frames drawn into a counting sink instead of a
 * terminal.  Between frames the engine applies 2,000 simulated events, so each
 * frame shows real changes (prices, tape, book), as at full speed.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "engine/engine.h"
#include "theme.h"
#include "tui.h"
#include "ui.h"

#define FRAMES 2000
#define EVENTS_PER_FRAME 2000

/* Bytes curses has written to the sink file so far. */
static long sink_size(FILE *out)
{
	fflush(out);
	struct stat st;
	return fstat(fileno(out), &st) == 0 ? (long)st.st_size : -1;
}

/* Drain exactly `want` events (the feed runs at full speed). */
static void feed_engine(td_engine *e, size_t want)
{
	size_t got = 0;
	while (got < want)
		got += td_engine_drain(e, want - got);
}

void td_bench_render(void)
{
	td_config cfg;
	td_config_defaults(&cfg);
	cfg.speed = 0;
	char err[256];
	td_engine *e = td_engine_new(&cfg, err, sizeof(err));
	FILE *out = tmpfile(); /* curses writes to the fd, so count in a real file */
	FILE *in = fopen("/dev/null", "r");
	setenv("LINES", "60", 1);
	setenv("COLUMNS", "200", 1);
	if (!e || !out || !in || td_engine_start(e, err, sizeof(err)) < 0 ||
	    td_tui_open(out, in, "xterm-256color", false, false, err, sizeof(err)) < 0) {
		printf("render: %s\n", err);
		td_engine_free(e);
		return;
	}
	td_ui *u = td_ui_new(e, td_theme_builtin(), err, sizeof(err));
	feed_engine(e, 200000);
	long start = sink_size(out);
	td_ui_render(u);
	long first = sink_size(out) - start;
	double busy = 0;
	for (int i = 0; i < FRAMES; i++) {
		feed_engine(e, EVENTS_PER_FRAME);
		double t0 = td_bench_seconds();
		td_ui_render(u);
		busy += td_bench_seconds() - t0;
	}
	double per = (double)(sink_size(out) - start - first) / FRAMES;
	printf("render 200x60: first frame %ld bytes; then %.1f us/frame and %.0f bytes/frame over %d frames "
	       "with %d events between frames (%.1f KB/s at 20 fps)\n",
	       first, busy * 1e6 / FRAMES, per, FRAMES, EVENTS_PER_FRAME, per * 20 / 1024);
	td_ui_free(u);
	td_tui_close();
	td_engine_free(e);
	fclose(out);
	fclose(in);
}
