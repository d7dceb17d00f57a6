/* Curses lifecycle, capabilities and the role attribute table. */
#include "tui.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static struct {
	SCREEN *screen;
	int out_fd;          /* the terminal's output, for its size */
	int winch[2];        /* self-pipe: the SIGWINCH handler writes, the loop polls */
	bool utf8;
	int colors;
	attr_t attr[TD_ROLE_COUNT];
} tui;

/* The colour count to use: what the terminal has, capped to what themes know. */
static int usable_colors(bool no_color)
{
	if (no_color || !has_colors() || start_color() == ERR)
		return 0;
	use_default_colors();
	if (COLORS >= 256)
		return 256;
	return COLORS >= 16 ? 16 : COLORS >= 8 ? 8 : 0;
}

/* SIGWINCH: only note it; the loop resizes (a signal handler must not touch curses). */
static void on_winch(int sig)
{
	(void)sig;
	int saved = errno;
	ssize_t rc = write(tui.winch[1], "w", 1);
	(void)rc;
	errno = saved;
}

/* Install the resize handler before curses starts, so curses keeps its own out of the way. */
static int watch_resize(char *err, size_t errlen)
{
	if (pipe2(tui.winch, O_NONBLOCK | O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	struct sigaction sa = { .sa_handler = on_winch };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	return 0;
}

int td_tui_open(FILE *out, FILE *in, const char *term, bool ascii, bool no_color, char *err, size_t errlen)
{
	if (watch_resize(err, errlen) < 0)
		return -1;
	tui.out_fd = fileno(out);
	tui.screen = newterm(term, out, in);
	if (!tui.screen) {
		const char *name = term ? term : getenv("TERM");
		snprintf(err, errlen, "cannot start the terminal '%s'", name ? name : "");
		return -1;
	}
	set_term(tui.screen);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	tui.utf8 = !ascii && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	tui.colors = usable_colors(no_color);
	return 0;
}

void td_tui_close(void)
{
	if (!tui.screen)
		return;
	endwin();
	delscreen(tui.screen);
	tui.screen = NULL;
	signal(SIGWINCH, SIG_DFL);
	close(tui.winch[0]);
	close(tui.winch[1]);
}

int td_tui_signal_fd(void)
{
	return tui.screen ? tui.winch[0] : -1;
}

bool td_tui_take_resize(void)
{
	char buf[64];
	bool any = false;
	while (read(tui.winch[0], buf, sizeof(buf)) > 0)
		any = true;
	struct winsize ws;
	if (!any || ioctl(tui.out_fd, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return false;
	resize_term(ws.ws_row, ws.ws_col);
	return true;
}

/* Curses attribute bits for TD_A_* bits. */
static attr_t curses_attrs(unsigned a)
{
	attr_t r = A_NORMAL;
	if (a & TD_A_BOLD)
		r |= A_BOLD;
	if (a & TD_A_DIM)
		r |= A_DIM;
	if (a & TD_A_REVERSE)
		r |= A_REVERSE;
	if (a & TD_A_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & TD_A_STANDOUT)
		r |= A_STANDOUT;
	return r;
}

void td_tui_apply_theme(const td_theme *t)
{
	for (int r = 0; r < TD_ROLE_COUNT; r++) {
		td_style s = td_theme_resolve(t, (td_role)r, tui.colors);
		attr_t a = curses_attrs(s.attrs);
		if (tui.colors > 0 && r + 1 < COLOR_PAIRS) {
			init_pair((short)(r + 1), (short)s.fg, (short)s.bg);
			a |= COLOR_PAIR(r + 1);
		}
		tui.attr[r] = a;
	}
	bkgdset(' ' | tui.attr[TD_ROLE_NORMAL]);
}

attr_t td_tui_attr(td_role r)
{
	return r < TD_ROLE_COUNT ? tui.attr[r] : A_NORMAL;
}

bool td_tui_utf8(void)
{
	return tui.utf8;
}

int td_tui_colors(void)
{
	return tui.colors;
}

void td_tui_flush(void)
{
	doupdate();
}
