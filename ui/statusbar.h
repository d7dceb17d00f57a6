/* The status bar: session phase, clock, feed health and rates, counters. */
#ifndef TD_STATUSBAR_H
#define TD_STATUSBAR_H

#include <curses.h>

#include "pane.h"

typedef struct td_status_info {
	const char *feed_name;  /* "sim", "replay" */
	double speed;           /* 0 = max */
	bool feed_done, feed_failed;
	const char *layout;
	const char *message;    /* a transient message, or NULL */
	bool message_is_error;
	int hidden;             /* panes hidden for lack of room */
	bool halted;            /* the kill switch is on */
} td_status_info;

/* Draw the bar on row y of win, w columns wide. */
void td_status_draw(WINDOW *win, int y, int w, const td_view *v, const td_status_info *si);

#endif
