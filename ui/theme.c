/*
 * Themes: parsing theme files and fitting colours to the terminal.
 *
 * This file is pure: it knows xterm colour numbers and TD_A_* bits, never
 * curses, so it can be tested and fuzzed without a terminal.  The curses
 * glue turns a resolved td_style into a colour pair and attributes.
 *
 * Colours are stored as xterm-256 numbers.  A terminal with fewer colours
 * gets, for each colour, the nearest of the 16 standard ones, measured in RGB
 * against xterm's default palette (the values xterm uses when no resources
 * are set: color0..15 = black, red3, green3, yellow3, blue2, magenta3, cyan3,
 * gray90, gray50, red, green, yellow, #5c5cff, magenta, cyan, white).  On an
 * 8-colour terminal a bright colour becomes its normal twin, and a bright
 * foreground gains bold, which such terminals show as the bright colour
 * (as tmux does).
 */
#include "theme.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"

struct td_theme {
	char name[64];
	td_style style[TD_ROLE_COUNT];
	bool named[TD_ROLE_COUNT];   /* set by the file; the others inherit "normal" */
};

static const char *const td_role_names[TD_ROLE_COUNT] = {
#define TD_ROLE_NAME(e, name, mono) name,
	TD_ROLES(TD_ROLE_NAME)
#undef TD_ROLE_NAME
};

static const unsigned td_role_mono[TD_ROLE_COUNT] = {
#define TD_ROLE_MONO(e, name, mono) mono,
	TD_ROLES(TD_ROLE_MONO)
#undef TD_ROLE_MONO
};

static const char *const td_color_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"bright-black", "bright-red", "bright-green", "bright-yellow",
	"bright-blue", "bright-magenta", "bright-cyan", "bright-white",
};

/* xterm's default RGB for colours 0..15 (see the file comment). */
static const unsigned char td_xterm16[16][3] = {
	{ 0, 0, 0 },       { 205, 0, 0 },     { 0, 205, 0 },     { 205, 205, 0 },
	{ 0, 0, 238 },     { 205, 0, 205 },   { 0, 205, 205 },   { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 },     { 0, 255, 0 },     { 255, 255, 0 },
	{ 92, 92, 255 },   { 255, 0, 255 },   { 0, 255, 255 },   { 255, 255, 255 },
};

static const struct {
	const char *name;
	unsigned bit;
} td_attr_names[] = {
	{ "bold", TD_A_BOLD },
	{ "dim", TD_A_DIM },
	{ "reverse", TD_A_REVERSE },
	{ "underline", TD_A_UNDERLINE },
	{ "standout", TD_A_STANDOUT },
};

#define TD_NATTRS (sizeof td_attr_names / sizeof td_attr_names[0])

/* A role's name as written in theme files. */
const char *td_role_name(td_role r)
{
	return (unsigned)r < TD_ROLE_COUNT ? td_role_names[r] : "";
}

/* The role with this name, or -1. */
int td_role_find(const char *name)
{
	for (int r = 0; r < TD_ROLE_COUNT; r++)
		if (strcmp(td_role_names[r], name) == 0)
			return r;
	return -1;
}

/* Parse "default", a colour name or 0..255 into *out; false if it is none. */
static bool td_color_parse(const char *s, int *out)
{
	if (strcmp(s, "default") == 0) {
		*out = TD_COLOR_DEFAULT;
		return true;
	}
	for (int i = 0; i < 16; i++) {
		if (strcmp(s, td_color_names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	size_t len = strspn(s, "0123456789");
	if (len == 0 || len > 3 || s[len] != '\0' || atoi(s) > 255)
		return false;
	*out = atoi(s);
	return true;
}

/* Parse "FG BG [ATTR...]" for role; -1 with why on a bad word. */
static int td_style_parse(const char *role, const char *value, td_style *st,
			  char *why, size_t whylen)
{
	char buf[256];
	char *save = NULL;
	char *word[2];

	snprintf(buf, sizeof buf, "%s", value);
	word[0] = strtok_r(buf, " \t", &save);
	word[1] = word[0] ? strtok_r(NULL, " \t", &save) : NULL;
	if (!word[1]) {
		snprintf(why, whylen, "bad style '%s' for '%s': expected FG BG [ATTR...]",
			 value, role);
		return -1;
	}
	int *color[2] = { &st->fg, &st->bg };
	for (int i = 0; i < 2; i++) {
		if (!td_color_parse(word[i], color[i])) {
			snprintf(why, whylen, "bad colour '%s' for '%s': expected default, "
				 "a colour name or 0..255", word[i], role);
			return -1;
		}
	}
	st->attrs = 0;
	for (char *a; (a = strtok_r(NULL, " \t", &save)) != NULL; ) {
		size_t i = 0;
		while (i < TD_NATTRS && strcmp(a, td_attr_names[i].name) != 0)
			i++;
		if (i == TD_NATTRS) {
			snprintf(why, whylen, "bad attribute '%s' for '%s': expected bold, dim, "
				 "reverse, underline or standout", a, role);
			return -1;
		}
		st->attrs |= td_attr_names[i].bit;
	}
	return 0;
}

/* One "name = value" of a theme file. */
static int td_theme_ini_option(void *user, const char *section, const char *name,
			       const char *value, char *why, size_t whylen)
{
	td_theme *t = user;

	if (strcmp(section, "theme") == 0) {
		if (strcmp(name, "name") != 0) {
			snprintf(why, whylen, "unknown option 'theme.%s'", name);
			return -1;
		}
		if (*value == '\0' || strlen(value) >= sizeof t->name) {
			snprintf(why, whylen, "bad value '%s' for 'theme.name': expected "
				 "text of 1..%zu characters", value, sizeof t->name - 1);
			return -1;
		}
		snprintf(t->name, sizeof t->name, "%s", value);
		return 0;
	}
	if (strcmp(section, "roles") != 0) {
		if (*section == '\0')
			snprintf(why, whylen, "'%s' comes before any [theme] or [roles]", name);
		else
			snprintf(why, whylen, "unknown section '%s'", section);
		return -1;
	}
	int r = td_role_find(name);
	if (r < 0) {
		snprintf(why, whylen, "unknown role '%s'", name);
		return -1;
	}
	if (td_style_parse(name, value, &t->style[r], why, whylen) != 0)
		return -1;
	t->named[r] = true;
	return 0;
}

/* Give every role the file did not name the style of "normal". */
static void td_theme_inherit(td_theme *t)
{
	for (int r = 0; r < TD_ROLE_COUNT; r++)
		if (!t->named[r])
			t->style[r] = t->style[TD_ROLE_NORMAL];
}

/* A theme with every role in the terminal's own colours, named name. */
static td_theme *td_theme_new(const char *name)
{
	td_theme *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	snprintf(t->name, sizeof t->name, "%s", name);
	for (int r = 0; r < TD_ROLE_COUNT; r++)
		t->style[r] = (td_style){ TD_COLOR_DEFAULT, TD_COLOR_DEFAULT, 0 };
	return t;
}

/* Load a theme file; any bad line fails the whole theme. */
td_theme *td_theme_load(const char *path, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/');
	char stem[64];

	/* A file without "name =" is called after itself. */
	snprintf(stem, sizeof stem, "%s", base ? base + 1 : path);
	char *dot = strrchr(stem, '.');
	if (dot && strcmp(dot, ".theme") == 0)
		*dot = '\0';
	td_theme *t = td_theme_new(stem);
	if (!t) {
		snprintf(err, errlen, "out of memory loading '%s'", path);
		return NULL;
	}
	if (td_config_read_ini(path, td_theme_ini_option, t, err, errlen) != 0) {
		free(t);
		return NULL;
	}
	td_theme_inherit(t);
	return t;
}

/* A theme in the 8 basic colours for when no file is found; free with td_theme_free. */
td_theme *td_theme_builtin(void)
{
	static const struct {
		td_role role;
		td_style style;
	} plain[] = {
		{ TD_ROLE_DIM, { TD_COLOR_DEFAULT, TD_COLOR_DEFAULT, TD_A_DIM } },
		{ TD_ROLE_HEADER, { TD_COLOR_DEFAULT, TD_COLOR_DEFAULT, TD_A_BOLD } },
		{ TD_ROLE_BORDER_FOCUS, { 6, TD_COLOR_DEFAULT, TD_A_BOLD } },
		{ TD_ROLE_TITLE_FOCUS, { TD_COLOR_DEFAULT, TD_COLOR_DEFAULT, TD_A_REVERSE } },
		{ TD_ROLE_UP, { 2, TD_COLOR_DEFAULT, 0 } },
		{ TD_ROLE_DOWN, { 1, TD_COLOR_DEFAULT, 0 } },
		{ TD_ROLE_BUY, { 2, TD_COLOR_DEFAULT, TD_A_BOLD } },
		{ TD_ROLE_SELL, { 1, TD_COLOR_DEFAULT, 0 } },
		{ TD_ROLE_LARGE_BUY, { 0, 2, TD_A_BOLD } },
		{ TD_ROLE_LARGE_SELL, { 7, 1, 0 } },
		{ TD_ROLE_BID, { 2, TD_COLOR_DEFAULT, 0 } },
		{ TD_ROLE_ASK, { 1, TD_COLOR_DEFAULT, 0 } },
		{ TD_ROLE_CURSOR, { TD_COLOR_DEFAULT, TD_COLOR_DEFAULT, TD_A_REVERSE } },
		{ TD_ROLE_STATUS, { TD_COLOR_DEFAULT, TD_COLOR_DEFAULT, TD_A_REVERSE } },
		{ TD_ROLE_STATUS_OK, { 0, 2, 0 } },
		{ TD_ROLE_STATUS_WARN, { 0, 3, TD_A_BOLD } },
		{ TD_ROLE_STATUS_ERR, { 7, 1, TD_A_BOLD } },
		{ TD_ROLE_PROMPT, { TD_COLOR_DEFAULT, TD_COLOR_DEFAULT, TD_A_BOLD } },
		{ TD_ROLE_HELP_KEY, { 6, TD_COLOR_DEFAULT, TD_A_BOLD } },
		{ TD_ROLE_NOTE, { TD_COLOR_DEFAULT, TD_COLOR_DEFAULT, TD_A_DIM } },
	};
	td_theme *t = td_theme_new("built-in");

	if (!t)
		return NULL;
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		t->style[plain[i].role] = plain[i].style;
	return t;
}

/* Free a theme from td_theme_load or td_theme_builtin. */
void td_theme_free(td_theme *t)
{
	free(t);
}

/* The theme's display name. */
const char *td_theme_name(const td_theme *t)
{
	return t->name;
}

/* A role's style as written. */
td_style td_theme_style(const td_theme *t, td_role r)
{
	return t->style[(unsigned)r < TD_ROLE_COUNT ? r : TD_ROLE_NORMAL];
}

/* The RGB xterm gives colour c in 16..255: a 6x6x6 cube, then a grey ramp. */
static void td_xterm_rgb(int c, int rgb[3])
{
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };

	if (c >= 232) {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
		return;
	}
	c -= 16;
	rgb[0] = level[c / 36];
	rgb[1] = level[c / 6 % 6];
	rgb[2] = level[c % 6];
}

/* The standard colour (0..15) nearest to colour c in 16..255; ties go to the lower number. */
static int td_nearest16(int c)
{
	int rgb[3], best = 0, best_d = INT_MAX;

	td_xterm_rgb(c, rgb);
	for (int i = 0; i < 16; i++) {
		int d = 0;
		for (int k = 0; k < 3; k++)
			d += (rgb[k] - td_xterm16[i][k]) * (rgb[k] - td_xterm16[i][k]);
		if (d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best;
}

/* Fit colour c to a terminal of ncolors colours. */
int td_color_downgrade(int c, int ncolors)
{
	if (c < 0 || c > 255)
		return TD_COLOR_DEFAULT;
	if (ncolors >= 256)
		return c;
	if (c >= 16)
		c = td_nearest16(c);
	return ncolors < 16 && c >= 8 ? c - 8 : c;
}

/* A role's style fitted to a terminal of ncolors colours. */
td_style td_theme_resolve(const td_theme *t, td_role r, int ncolors)
{
	td_style s = td_theme_style(t, r);

	if (ncolors < 8) {
		s.fg = s.bg = TD_COLOR_DEFAULT;
		s.attrs |= td_role_mono[(unsigned)r < TD_ROLE_COUNT ? r : TD_ROLE_NORMAL];
		return s;
	}
	if (ncolors < 16 && td_color_downgrade(s.fg, 16) >= 8)
		s.attrs |= TD_A_BOLD;
	s.fg = td_color_downgrade(s.fg, ncolors);
	s.bg = td_color_downgrade(s.bg, ncolors);
	return s;
}

/* Write DIR/NAME.theme to path and say whether it is readable. */
static bool td_theme_try(char *path, size_t n, const char *dir, const char *name)
{
	int w = snprintf(path, n, "%s/%s.theme", dir, name);

	return w > 0 && (size_t)w < n && access(path, R_OK) == 0;
}

/* The user's theme directory, next to the user's config file. */
static bool td_theme_user_dir(char *dir, size_t n)
{
	if (td_config_user_path(dir, n) != 0)
		return false;
	char *slash = strrchr(dir, '/');
	size_t len = (size_t)(slash - dir);
	return snprintf(slash, n - len, "/themes") < (int)(n - len);
}

/* <directory of the running executable>/rel: ../themes for a build in the
 * source tree, ../share/tapedeck/themes for an install under any PREFIX. */
static bool td_theme_exe_dir(char *dir, size_t n, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (len <= 0)
		return false;
	exe[len] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	int w = snprintf(dir, n, "%s/%s", exe, rel);
	return w > 0 && (size_t)w < n;
}

/* Find NAME.theme in the user's, the source tree's and the installed theme directories. */
int td_theme_locate(const char *name, char *path, size_t n)
{
	char dir[PATH_MAX];

	if (*name == '\0')
		return -1;
	if (strchr(name, '/')) {
		int w = snprintf(path, n, "%s", name);
		return w > 0 && (size_t)w < n && access(path, R_OK) == 0 ? 0 : -1;
	}
	if (td_theme_user_dir(dir, sizeof dir) && td_theme_try(path, n, dir, name))
		return 0;
	if (td_theme_exe_dir(dir, sizeof dir, "../themes") && td_theme_try(path, n, dir, name))
		return 0;
	if (td_theme_exe_dir(dir, sizeof dir, "../share/tapedeck/themes") && td_theme_try(path, n, dir, name))
		return 0;
	if (td_theme_try(path, n, "themes", name))
		return 0;
#ifdef TD_DATADIR
	if (td_theme_try(path, n, TD_DATADIR "/themes", name))
		return 0;
#endif
	return -1;
}
