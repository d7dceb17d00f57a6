/*
 * Drawing helpers shared by the panes: text that is always sanitised and
 * clipped, numbers formatted for narrow columns, and glyphs with an ASCII
 * fallback.
 */
#ifndef TD_DRAW_H
#define TD_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "core/price.h"
#include "theme.h"

/*
 * Draw outside text at (y, x), at most maxw columns, in a role.  Control
 * characters are dropped and, in ASCII mode, other non-ASCII bytes become
 * '?'.  Returns the columns used.
 */
int td_draw_text(WINDOW *w, int y, int x, int maxw, td_role role, const char *text);

/* Like td_draw_text, right-aligned so the text ends at column x + width - 1. */
int td_draw_right(WINDOW *w, int y, int x, int width, td_role role, const char *text);

/* Fill a row from x for n columns with blanks in a role. */
void td_draw_fill(WINDOW *w, int y, int x, int n, td_role role);

/* Draw a pane frame with its title; focused frames use the focus roles. */
void td_draw_frame(WINDOW *w, const char *title, int focused);

/* A cleared, framed h x w window centred above the status bar (ticket and help overlays); NULL when it cannot be made. */
WINDOW *td_draw_overlay(int h, int w, const char *title);

/* 1234567 -> "1,234,567". */
void td_fmt_int(int64_t v, char *buf, size_t n);

/* 1234567 -> "1.23M", 12345 -> "12.3k": fits in 6 columns. */
void td_fmt_compact(double v, char *buf, size_t n);

/* A duration in ns as "850us", "12.3ms", "1.2s"; negative means unknown: "-". */
void td_fmt_duration(int64_t ns, char *buf, size_t n);

/* Glyphs: UTF-8 or ASCII according to the terminal. */
const char *td_glyph_up(void);
const char *td_glyph_down(void);
const char *td_glyph_block(void);   /* a full cell, for bars */

#endif
