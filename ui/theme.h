/*
 * Themes: colour roles mapped to terminal attributes.
 *
 * Widgets ask for a role (TD_ROLE_BUY), never a colour.  A theme file
 * (themes/NAME.theme, INI format, see doc/formats.md) maps each role to a
 * foreground, a background and attributes.  Colours are names or xterm-256
 * numbers; on a 16- or 8-colour terminal each is mapped to the nearest
 * colour that terminal has, and with no colour (or NO_COLOR set) only the
 * attributes remain, plus a built-in monochrome attribute per role so that
 * buys, sells and the cursor stay distinguishable.
 */
#ifndef TD_THEME_H
#define TD_THEME_H

#include <stdbool.h>
#include <stddef.h>

/* X(ENUM, "name", mono attributes as TD_A_* bits) */
#define TD_ROLES(X)                                                   \
	X(NORMAL, "normal", 0)                                        \
	X(DIM, "dim", TD_A_DIM)                                       \
	X(HEADER, "header", TD_A_BOLD)                                \
	X(BORDER, "border", 0)                                        \
	X(BORDER_FOCUS, "border-focus", TD_A_BOLD)                    \
	X(TITLE, "title", 0)                                          \
	X(TITLE_FOCUS, "title-focus", TD_A_REVERSE)                   \
	X(UP, "up", TD_A_BOLD)                                        \
	X(DOWN, "down", TD_A_UNDERLINE)                               \
	X(BUY, "buy", TD_A_BOLD)                                      \
	X(SELL, "sell", 0)                                            \
	X(LARGE_BUY, "large-buy", TD_A_REVERSE | TD_A_BOLD)           \
	X(LARGE_SELL, "large-sell", TD_A_REVERSE)                     \
	X(BID, "bid", 0)                                              \
	X(ASK, "ask", 0)                                              \
	X(CURSOR, "cursor", TD_A_REVERSE)                             \
	X(STATUS, "status", TD_A_REVERSE)                             \
	X(STATUS_OK, "status-ok", TD_A_REVERSE)                       \
	X(STATUS_WARN, "status-warn", TD_A_REVERSE | TD_A_BOLD)       \
	X(STATUS_ERR, "status-error", TD_A_REVERSE | TD_A_BOLD | TD_A_UNDERLINE) \
	X(PROMPT, "prompt", TD_A_BOLD)                                \
	X(HELP_KEY, "help-key", TD_A_BOLD)                            \
	X(NOTE, "note", TD_A_DIM)                                     \
	X(ATM, "atm", TD_A_BOLD | TD_A_UNDERLINE)                     \
	X(HEAT1, "heat-1", TD_A_DIM)                                  \
	X(HEAT2, "heat-2", 0)                                         \
	X(HEAT3, "heat-3", 0)                                         \
	X(HEAT4, "heat-4", TD_A_BOLD)                                 \
	X(HEAT5, "heat-5", TD_A_BOLD | TD_A_UNDERLINE)                \
	X(ALERT_INFO, "alert-info", 0)                                \
	X(ALERT_WARNING, "alert-warning", TD_A_BOLD)                  \
	X(ALERT_CRITICAL, "alert-critical", TD_A_REVERSE | TD_A_BOLD)

/* Attribute bits, independent of curses so the parser needs no terminal. */
#define TD_A_BOLD      0x01u
#define TD_A_DIM       0x02u
#define TD_A_REVERSE   0x04u
#define TD_A_UNDERLINE 0x08u
#define TD_A_STANDOUT  0x10u

typedef enum td_role {
#define TD_ROLE_ENUM(e, name, mono) TD_ROLE_##e,
	TD_ROLES(TD_ROLE_ENUM)
#undef TD_ROLE_ENUM
	TD_ROLE_COUNT
} td_role;

#define TD_COLOR_DEFAULT (-1)

typedef struct td_style {
	int fg, bg;        /* TD_COLOR_DEFAULT or 0..255 (xterm-256 numbering) */
	unsigned attrs;    /* TD_A_* */
} td_style;

typedef struct td_theme td_theme;

/*
 * Load a theme file.  Roles the file does not name inherit "normal".
 * Returns NULL with err "FILE:LINE: what is wrong" on a bad line or an
 * unreadable file.
 */
td_theme *td_theme_load(const char *path, char *err, size_t errlen);

/* The built-in theme used when no file can be found (plain terminal colours). */
td_theme *td_theme_builtin(void);

void td_theme_free(td_theme *t);

/* The theme's display name. */
const char *td_theme_name(const td_theme *t);

/* A role's style as written in the theme (before any downgrade). */
td_style td_theme_style(const td_theme *t, td_role r);

/*
 * The style to use on a terminal with `ncolors` colours (256, 16, 8, or 0 for
 * none).  Colours above the terminal's range map to the nearest it has (on 8
 * colours a bright foreground becomes its normal twin plus bold); with 0
 * colours fg and bg are TD_COLOR_DEFAULT and attrs gain the role's mono bits.
 */
td_style td_theme_resolve(const td_theme *t, td_role r, int ncolors);

/*
 * Nearest of the 16 standard xterm colours to xterm colour c, by RGB distance;
 * for ncolors 8 a bright result (8..15) then becomes its normal twin (0..7).
 * ncolors >= 256 returns c; TD_COLOR_DEFAULT stays TD_COLOR_DEFAULT.
 */
int td_color_downgrade(int c, int ncolors);

const char *td_role_name(td_role r);

/* Role by name, or -1. */
int td_role_find(const char *name);

/*
 * Find a theme file by name: "$XDG_CONFIG_HOME/tapedeck/themes/NAME.theme",
 * then beside the executable (../themes in the source tree,
 * ../share/tapedeck/themes when installed), then ./themes, then
 * TD_DATADIR/themes.
 * A name containing '/' is taken as a path.  Returns 0 with the path, or -1.
 */
int td_theme_locate(const char *name, char *path, size_t n);

#endif
