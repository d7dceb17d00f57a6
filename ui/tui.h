/*
 * The terminal: the only module that starts and ends curses and flushes the
 * screen.  It also holds the active theme's role -> attribute table (one of
 * the few named pieces of process-wide state, engine thread only).
 */
#ifndef TD_TUI_H
#define TD_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <curses.h>

#include "theme.h"

/*
 * Start curses on out/in (stdout/stdin for the real thing, other streams for
 * the benchmark).  ascii forces the ASCII fallback; no_color disables colour
 * (NO_COLOR).  Returns 0 or -1 with err.
 */
int td_tui_open(FILE *out, FILE *in, const char *term, bool ascii, bool no_color, char *err, size_t errlen);

/* Restore the terminal.  Safe to call when not open, and more than once. */
void td_tui_close(void);

/* Map the theme's roles to attributes for this terminal's colours. */
void td_tui_apply_theme(const td_theme *t);

/* The attribute for a role under the applied theme. */
attr_t td_tui_attr(td_role r);

/* Whether to draw UTF-8 glyphs (the locale is UTF-8 and ascii was not forced). */
bool td_tui_utf8(void);

/* Colours in use: 0 (none), 8, 16 or 256. */
int td_tui_colors(void);

/* The fd that becomes readable when the terminal was resized (poll it), or -1. */
int td_tui_signal_fd(void);

/* After the signal fd was readable: apply the new size; true if it changed. */
bool td_tui_take_resize(void);

/* Send the frame built with wnoutrefresh to the terminal. */
void td_tui_flush(void);

#endif
