/* Text, number and frame drawing for panes. */
#include "draw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "tui.h"

/* Sanitise text for the screen; in ASCII mode every non-ASCII byte becomes '?'. */
static void clean(char *dst, size_t n, const char *src)
{
	td_text_sanitize(dst, n, src);
	if (td_tui_utf8())
		return;
	for (char *p = dst; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
}

/* Display columns of sanitised UTF-8 text (each code point is one column here). */
static int columns(const char *s)
{
	int c = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			c++;
	return c;
}

/* Bytes of s that fit in maxw columns. */
static size_t fit(const char *s, int maxw)
{
	int c = 0;
	size_t i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && c++ == maxw)
			break;
	}
	return i;
}

int td_draw_text(WINDOW *w, int y, int x, int maxw, td_role role, const char *text)
{
	if (maxw <= 0)
		return 0;
	char buf[512];
	clean(buf, sizeof(buf), text);
	size_t len = fit(buf, maxw);
	buf[len] = '\0';
	wattrset(w, td_tui_attr(role));
	mvwaddnstr(w, y, x, buf, (int)len);
	return columns(buf);
}

int td_draw_right(WINDOW *w, int y, int x, int width, td_role role, const char *text)
{
	char buf[512];
	clean(buf, sizeof(buf), text);
	int c = columns(buf);
	if (c > width)
		return td_draw_text(w, y, x, width, role, buf);
	return td_draw_text(w, y, x + width - c, c, role, buf);
}

void td_draw_fill(WINDOW *w, int y, int x, int n, td_role role)
{
	if (n > 0)
		mvwhline(w, y, x, ' ' | td_tui_attr(role), n);
}

/*
 * Frame glyphs.  UTF-8 terminals get the box-drawing characters written as
 * text rather than through the alternate character set, which some
 * terminals and multiplexers render as letters.
 */
static const char *const frame_utf8[] = { "\u250c", "\u2510", "\u2514", "\u2518", "\u2500", "\u2502" };
static const char *const frame_ascii[] = { "+", "+", "+", "+", "-", "|" };

void td_draw_frame(WINDOW *w, const char *title, int focused)
{
	const char *const *g = td_tui_utf8() ? frame_utf8 : frame_ascii;
	int h = getmaxy(w), wd = getmaxx(w);
	wattrset(w, td_tui_attr(focused ? TD_ROLE_BORDER_FOCUS : TD_ROLE_BORDER));
	for (int x = 1; x < wd - 1; x++) {
		mvwaddstr(w, 0, x, g[4]);
		mvwaddstr(w, h - 1, x, g[4]);
	}
	for (int y = 1; y < h - 1; y++) {
		mvwaddstr(w, y, 0, g[5]);
		mvwaddstr(w, y, wd - 1, g[5]);
	}
	mvwaddstr(w, 0, 0, g[0]);
	mvwaddstr(w, 0, wd - 1, g[1]);
	mvwaddstr(w, h - 1, 0, g[2]);
	/* The last cell of a window: curses writes it and reports ERR for the cursor, which cannot advance. */
	mvwaddstr(w, h - 1, wd - 1, g[3]);
	int maxw = wd - 4;
	if (maxw <= 0)
		return;
	char t[256];
	snprintf(t, sizeof(t), " %s ", title);
	td_draw_text(w, 0, 1, maxw, focused ? TD_ROLE_TITLE_FOCUS : TD_ROLE_TITLE, t);
}

void td_fmt_int(int64_t v, char *buf, size_t n)
{
	char digits[32];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)u);
	char out[48];
	size_t o = 0;
	if (v < 0)
		out[o++] = '-';
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	td_strlcpy(buf, out, n);
}

void td_fmt_compact(double v, char *buf, size_t n)
{
	static const char *suffix[] = { "", "k", "M", "G", "T" };
	double a = fabs(v);
	int s = 0;
	while (a >= 999.5 && s < 4)
		a /= 1000, v /= 1000, s++;
	if (s == 0)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, a < 9.995 ? "%.2f%s" : a < 99.95 ? "%.1f%s" : "%.0f%s", v, suffix[s]);
}

void td_fmt_duration(int64_t ns, char *buf, size_t n)
{
	if (ns < 0)
		snprintf(buf, n, "-");
	else if (ns < 1000 * 1000)
		snprintf(buf, n, "%lldus", (long long)(ns / 1000));
	else if (ns < 1000LL * 1000 * 1000)
		snprintf(buf, n, "%.1fms", (double)ns / 1e6);
	else
		snprintf(buf, n, "%.1fs", (double)ns / 1e9);
}

const char *td_glyph_up(void)
{
	return td_tui_utf8() ? "\u25b2" : "^";
}

const char *td_glyph_down(void)
{
	return td_tui_utf8() ? "\u25bc" : "v";
}

const char *td_glyph_block(void)
{
	return td_tui_utf8() ? "\u2588" : "#";
}

WINDOW *td_draw_overlay(int h, int w, const char *title)
{
	WINDOW *win = newwin(h, w, (LINES - 1 - h) / 2, (COLS - w) / 2);
	if (!win)
		return NULL;
	wattrset(win, td_tui_attr(TD_ROLE_NORMAL));
	werase(win);
	td_draw_frame(win, title, 1);
	return win;
}
