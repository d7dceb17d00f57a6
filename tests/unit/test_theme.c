/*
 * Unit tests for ui/theme.c.  Downgrade expectations are worked by hand from
 * xterm's colour cube (levels 0, 95, 135, 175, 215, 255; greys 8 + 10i) and
 * its default 16-colour palette, e.g. 196 = (255,0,0) is exactly colour 9.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "theme.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define D TD_COLOR_DEFAULT

static char tmpdir[] = "/tmp/td-theme-XXXXXX";

static const char *const shipped[] = { "dark", "light", "high-contrast", "mono" };

/* The repository root: $TD_TEST_ROOT, or the current directory. */
static const char *root(void)
{
	const char *r = getenv("TD_TEST_ROOT");
	return r && *r ? r : ".";
}

static int group_setup(void **state)
{
	(void)state;
	/* td_theme_locate looks in ./themes, so run from the repository root. */
	if (chdir(root()) != 0)
		return -1;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write text to tmpdir/name; the path goes to buf. */
static void write_file(const char *name, const char *text, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", tmpdir, name);
	FILE *f = fopen(buf, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Load a shipped theme by name, failing the test with its error. */
static td_theme *load_shipped(const char *name)
{
	char path[4096], err[512] = "";

	snprintf(path, sizeof path, "%s/themes/%s.theme", root(), name);
	td_theme *t = td_theme_load(path, err, sizeof err);
	if (!t)
		fail_msg("%s: %s", name, err);
	return t;
}

static bool style_eq(td_style a, td_style b)
{
	return a.fg == b.fg && a.bg == b.bg && a.attrs == b.attrs;
}

/* Every shipped theme loads, has its display name, and names every role. */
static void test_shipped_themes_load(void **state)
{
	static const char *const names[] = { "Dark", "Light", "High contrast", "Mono" };
	char path[4096], text[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(shipped); i++) {
		td_theme *t = load_shipped(shipped[i]);
		assert_string_equal(td_theme_name(t), names[i]);
		td_theme_free(t);

		/* every role is written out, so none silently inherits "normal" */
		snprintf(path, sizeof path, "%s/themes/%s.theme", root(), shipped[i]);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		int roles = 0;
		while (fgets(text, sizeof text, f)) {
			char role[64];
			if (sscanf(text, "%63s =", role) == 1 && td_role_find(role) >= 0)
				roles++;
		}
		fclose(f);
		assert_int_equal(roles, TD_ROLE_COUNT);
	}
}

/* The mono theme has no colours at all. */
static void test_mono_has_no_colours(void **state)
{
	(void)state;
	td_theme *t = load_shipped("mono");
	for (int r = 0; r < TD_ROLE_COUNT; r++) {
		td_style s = td_theme_style(t, (td_role)r);
		assert_int_equal(s.fg, D);
		assert_int_equal(s.bg, D);
	}
	td_theme_free(t);
}

/* Pairs that must look different on every terminal a theme meets. */
static void assert_distinguishable(const td_theme *t, const char *name, int ncolors)
{
	static const td_role pairs[][2] = {
		{ TD_ROLE_BUY, TD_ROLE_SELL },
		{ TD_ROLE_UP, TD_ROLE_DOWN },
		{ TD_ROLE_LARGE_BUY, TD_ROLE_LARGE_SELL },
		{ TD_ROLE_CURSOR, TD_ROLE_NORMAL },
		{ TD_ROLE_BID, TD_ROLE_ASK },
	};
	/* without colour bid and ask are told apart by their side of the ladder */
	size_t npairs = ncolors ? ARRAY_LEN(pairs) : ARRAY_LEN(pairs) - 1;

	for (size_t i = 0; i < npairs; i++) {
		td_style a = td_theme_resolve(t, pairs[i][0], ncolors);
		td_style b = td_theme_resolve(t, pairs[i][1], ncolors);
		if (style_eq(a, b))
			fail_msg("%s at %d colours: '%s' looks like '%s'", name, ncolors,
				 td_role_name(pairs[i][0]), td_role_name(pairs[i][1]));
	}
	for (int r = 0; r < TD_ROLE_COUNT; r++) {
		td_style s = td_theme_resolve(t, (td_role)r, ncolors);
		if (s.fg == s.bg && s.fg != D && !(ncolors == 8 && (s.attrs & TD_A_BOLD)))
			fail_msg("%s at %d colours: '%s' is invisible (%d on %d)", name, ncolors,
				 td_role_name((td_role)r), s.fg, s.bg);
	}
}

/* Shipped and built-in themes keep buy/sell, up/down, the cursor apart at 256, 16, 8 and 0 colours. */
static void test_themes_survive_downgrade(void **state)
{
	static const int depths[] = { 256, 16, 8, 0 };

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(shipped); i++) {
		td_theme *t = load_shipped(shipped[i]);
		for (size_t d = 0; d < ARRAY_LEN(depths); d++)
			assert_distinguishable(t, shipped[i], depths[d]);
		td_theme_free(t);
	}
	td_theme *b = td_theme_builtin();
	assert_non_null(b);
	for (size_t d = 0; d < ARRAY_LEN(depths); d++)
		assert_distinguishable(b, "built-in", depths[d]);
	td_theme_free(b);
}

/* In every coloured theme buys and rises stay green, sells and falls red, on 16 and 8 colours too. */
static void test_green_up_red_down(void **state)
{
	static const struct {
		td_role role;
		int hue;   /* 2 = green, 1 = red, bright or not */
	} want[] = {
		{ TD_ROLE_BUY, 2 }, { TD_ROLE_UP, 2 }, { TD_ROLE_BID, 2 },
		{ TD_ROLE_SELL, 1 }, { TD_ROLE_DOWN, 1 }, { TD_ROLE_ASK, 1 },
	};
	static const int depths[] = { 16, 8 };

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(shipped) - 1; i++) {   /* all but mono, the last */
		td_theme *t = load_shipped(shipped[i]);
		for (size_t d = 0; d < ARRAY_LEN(depths); d++) {
			for (size_t k = 0; k < ARRAY_LEN(want); k++) {
				td_style s = td_theme_resolve(t, want[k].role, depths[d]);
				if (s.fg % 8 != want[k].hue)
					fail_msg("%s at %d colours: '%s' has colour %d", shipped[i],
						 depths[d], td_role_name(want[k].role), s.fg);
			}
		}
		td_theme_free(t);
	}
}

/* Every colour form and attribute parses; unnamed roles copy "normal"; the name defaults to the file's. */
static void test_parse(void **state)
{
	char path[4096], err[512] = "";

	(void)state;
	write_file("parse.theme",
		   "[roles]\n"
		   "buy = bright-green default bold\n"
		   "sell = 196 black underline reverse\n"
		   "cursor = default white dim standout\n"
		   "normal = 252 0\n"
		   "up = white bright-white\n"
		   "down = red 255 bold dim reverse underline standout ; comment\n",
		   path, sizeof path);
	td_theme *t = td_theme_load(path, err, sizeof err);
	assert_non_null(t);
	assert_string_equal(td_theme_name(t), "parse");
	static const struct {
		td_role role;
		td_style style;
	} want[] = {
		{ TD_ROLE_BUY, { 10, D, TD_A_BOLD } },
		{ TD_ROLE_SELL, { 196, 0, TD_A_UNDERLINE | TD_A_REVERSE } },
		{ TD_ROLE_CURSOR, { D, 7, TD_A_DIM | TD_A_STANDOUT } },
		{ TD_ROLE_NORMAL, { 252, 0, 0 } },
		{ TD_ROLE_UP, { 7, 15, 0 } },
		{ TD_ROLE_DOWN, { 1, 255, TD_A_BOLD | TD_A_DIM | TD_A_REVERSE | TD_A_UNDERLINE | TD_A_STANDOUT } },
		{ TD_ROLE_BID, { 252, 0, 0 } },
		{ TD_ROLE_NOTE, { 252, 0, 0 } },
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		td_style s = td_theme_style(t, want[i].role);
		if (!style_eq(s, want[i].style))
			fail_msg("'%s' is %d %d %#x", td_role_name(want[i].role), s.fg, s.bg, s.attrs);
	}
	td_theme_free(t);
}

struct msg_case {
	const char *text;
	const char *msg;   /* after "PATH:" */
};

/* Every error form of a theme file, with its line number. */
static void test_errors(void **state)
{
	static const struct msg_case cases[] = {
		{ "[roles]\nbuy = green default\nbyu = red default\n", "3: unknown role 'byu'" },
		{ "[roles]\n\nbuy = 300 default\n",
		  "3: bad colour '300' for 'buy': expected default, a colour name or 0..255" },
		{ "[roles]\nbuy = green purple\n",
		  "2: bad colour 'purple' for 'buy': expected default, a colour name or 0..255" },
		{ "[roles]\nbuy = -1 default\n",
		  "2: bad colour '-1' for 'buy': expected default, a colour name or 0..255" },
		{ "[roles]\nbuy = 0x10 default\n",
		  "2: bad colour '0x10' for 'buy': expected default, a colour name or 0..255" },
		{ "[roles]\nbuy = Green default\n",
		  "2: bad colour 'Green' for 'buy': expected default, a colour name or 0..255" },
		{ "[roles]\nbuy = green\n", "2: bad style 'green' for 'buy': expected FG BG [ATTR...]" },
		{ "[roles]\nbuy =\n", "2: bad style '' for 'buy': expected FG BG [ATTR...]" },
		{ "[roles]\nbuy = green default blink\n",
		  "2: bad attribute 'blink' for 'buy': expected bold, dim, reverse, underline or standout" },
		{ "[colours]\nbuy = green default\n", "2: unknown section 'colours'" },
		{ "buy = green default\n", "1: 'buy' comes before any [theme] or [roles]" },
		{ "[theme]\ntitle = x\n", "2: unknown option 'theme.title'" },
		{ "[theme]\nname =\n", "2: bad value '' for 'theme.name': expected text of 1..63 characters" },
		{ "[roles]\nbuy green default\n", "2: expected '[section]' or 'name = value'" },
	};
	char path[4096], err[512], want[4200];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		write_file("bad.theme", cases[i].text, path, sizeof path);
		err[0] = '\0';
		assert_null(td_theme_load(path, err, sizeof err));
		snprintf(want, sizeof want, "%s:%s", path, cases[i].msg);
		assert_string_equal(err, want);
	}
	snprintf(path, sizeof path, "%s/missing.theme", tmpdir);
	assert_null(td_theme_load(path, err, sizeof err));
	snprintf(want, sizeof want, "cannot open '%s': No such file or directory", path);
	assert_string_equal(err, want);
}

struct down_case {
	int c, c16, c8;
};

/* Downgrades worked by hand: RGB of the 256-colour, nearest of xterm's 16, then bright to normal. */
static void test_downgrade(void **state)
{
	static const struct down_case cases[] = {
		{ 196, 9, 1 },    /* (255,0,0) = bright red exactly */
		{ 46, 10, 2 },    /* (0,255,0) = bright green exactly */
		{ 226, 11, 3 },   /* (255,255,0) */
		{ 201, 13, 5 },   /* (255,0,255) */
		{ 51, 14, 6 },    /* (0,255,255) */
		{ 231, 15, 7 },   /* (255,255,255) */
		{ 16, 0, 0 },     /* (0,0,0) */
		{ 232, 0, 0 },    /* grey 8: black at 192, bright black at 42483 */
		{ 21, 4, 4 },     /* (0,0,255): blue (0,0,238) at 289 beats (92,92,255) at 16928 */
		{ 244, 8, 0 },    /* grey 128: bright black (127) at 3 */
		{ 250, 7, 7 },    /* grey 188: white (229) at 5043, bright black at 11163 */
		{ 160, 1, 1 },    /* (215,0,0): red (205,0,0) at 100 */
		{ 40, 2, 2 },     /* (0,215,0): green (0,205,0) at 100 */
		{ 9, 9, 1 },      /* standard colours: kept in 16, bright folded in 8 */
		{ 3, 3, 3 },
		{ 15, 15, 7 },
		{ 0, 0, 0 },
		{ D, D, D },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(td_color_downgrade(cases[i].c, 256), cases[i].c);
		assert_int_equal(td_color_downgrade(cases[i].c, 16), cases[i].c16);
		assert_int_equal(td_color_downgrade(cases[i].c, 8), cases[i].c8);
	}
	assert_int_equal(td_color_downgrade(256, 16), D);
	for (int c = 0; c < 256; c++) {
		int c16 = td_color_downgrade(c, 16);
		assert_true(c16 >= 0 && c16 < 16);
		assert_int_equal(td_color_downgrade(c, 8), c16 % 8);
	}
}

/* Resolve: unchanged at 256, downgraded at 16 and 8 (bright fg gains bold), mono bits at 0. */
static void test_resolve(void **state)
{
	char path[4096], err[512];

	(void)state;
	write_file("resolve.theme",
		   "[roles]\nbuy = 46 234 underline\nsell = 160 default\nstatus-error = 231 160 dim\n",
		   path, sizeof path);
	td_theme *t = td_theme_load(path, err, sizeof err);
	assert_non_null(t);

	td_style s = td_theme_resolve(t, TD_ROLE_BUY, 256);
	assert_true(style_eq(s, (td_style){ 46, 234, TD_A_UNDERLINE }));
	s = td_theme_resolve(t, TD_ROLE_BUY, 16);
	assert_true(style_eq(s, (td_style){ 10, 0, TD_A_UNDERLINE }));
	s = td_theme_resolve(t, TD_ROLE_BUY, 8);
	assert_true(style_eq(s, (td_style){ 2, 0, TD_A_UNDERLINE | TD_A_BOLD }));
	s = td_theme_resolve(t, TD_ROLE_SELL, 8);
	assert_true(style_eq(s, (td_style){ 1, D, 0 }));

	/* no colour: the theme's attributes plus the role's mono attributes */
	s = td_theme_resolve(t, TD_ROLE_BUY, 0);
	assert_true(style_eq(s, (td_style){ D, D, TD_A_UNDERLINE | TD_A_BOLD }));
	s = td_theme_resolve(t, TD_ROLE_SELL, 0);
	assert_true(style_eq(s, (td_style){ D, D, 0 }));
	s = td_theme_resolve(t, TD_ROLE_DOWN, 0);
	assert_true(style_eq(s, (td_style){ D, D, TD_A_UNDERLINE }));
	s = td_theme_resolve(t, TD_ROLE_CURSOR, 0);
	assert_true(style_eq(s, (td_style){ D, D, TD_A_REVERSE }));
	s = td_theme_resolve(t, TD_ROLE_STATUS_ERR, 0);
	assert_true(style_eq(s, (td_style){ D, D, TD_A_DIM | TD_A_REVERSE | TD_A_BOLD | TD_A_UNDERLINE }));
	td_theme_free(t);
}

/* Role names and numbers map both ways. */
static void test_roles(void **state)
{
	(void)state;
	for (int r = 0; r < TD_ROLE_COUNT; r++)
		assert_int_equal(td_role_find(td_role_name((td_role)r)), r);
	assert_string_equal(td_role_name(TD_ROLE_STATUS_ERR), "status-error");
	assert_int_equal(td_role_find("large-buy"), TD_ROLE_LARGE_BUY);
	assert_int_equal(td_role_find("byu"), -1);
	assert_int_equal(td_role_find(""), -1);
}

/* The built-in theme exists and colours buys green and sells red. */
static void test_builtin(void **state)
{
	(void)state;
	td_theme *t = td_theme_builtin();
	assert_non_null(t);
	assert_string_equal(td_theme_name(t), "built-in");
	assert_int_equal(td_theme_style(t, TD_ROLE_BUY).fg, 2);
	assert_int_equal(td_theme_style(t, TD_ROLE_SELL).fg, 1);
	assert_true(style_eq(td_theme_style(t, TD_ROLE_NORMAL), (td_style){ D, D, 0 }));
	td_theme_free(t);
}

/* The user's directory comes first, then the source tree; a name with '/' is a path. */
static void test_locate(void **state)
{
	char cfg[256], dir[4096], mine[4096], path[4096];

	(void)state;
	snprintf(cfg, sizeof cfg, "%s/cfg", tmpdir);
	setenv("XDG_CONFIG_HOME", cfg, 1);

	/* from the source tree: ./themes, or next to the executable */
	assert_int_equal(td_theme_locate("dark", path, sizeof path), 0);
	size_t len = strlen(path);
	assert_true(len >= 17 && strcmp(path + len - 17, "themes/dark.theme") == 0);
	td_theme *t = td_theme_load(path, dir, sizeof dir);
	assert_non_null(t);
	assert_string_equal(td_theme_name(t), "Dark");
	td_theme_free(t);
	assert_int_equal(td_theme_locate("no-such-theme", path, sizeof path), -1);
	assert_int_equal(td_theme_locate("", path, sizeof path), -1);

	snprintf(dir, sizeof dir, "%s/tapedeck", cfg);
	assert_int_equal(mkdir(cfg, 0700), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof dir, "%s/tapedeck/themes", cfg);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file("cfg/tapedeck/themes/dark.theme", "[theme]\nname = Mine\n", mine, sizeof mine);
	assert_int_equal(td_theme_locate("dark", path, sizeof path), 0);
	assert_string_equal(path, mine);

	assert_int_equal(td_theme_locate(mine, path, sizeof path), 0);
	assert_string_equal(path, mine);
	snprintf(mine, sizeof mine, "%s/nothing.theme", tmpdir);
	assert_int_equal(td_theme_locate(mine, path, sizeof path), -1);
	assert_int_equal(td_theme_locate("dark", path, 8), -1);
	unsetenv("XDG_CONFIG_HOME");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_themes_load),
		cmocka_unit_test(test_mono_has_no_colours),
		cmocka_unit_test(test_themes_survive_downgrade),
		cmocka_unit_test(test_green_up_red_down),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_downgrade),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_locate),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
