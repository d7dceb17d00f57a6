/*
 * The one list of commands.  Each yields an enum constant, the name typed at
 * the `:` prompt, its argument (if any), the group shown in help, and the
 * help line.  Keys map to these (keymap.c); the `?` overlay, the `:`
 * completion and the man page's key section are generated from this list and
 * the key table, so they cannot drift apart.
 */
#ifndef TD_COMMANDS_H
#define TD_COMMANDS_H

#include <stddef.h>

/* X(ENUM, "name", "argument or NULL", "group", "help") */
#define TD_COMMANDS(X)                                                                      \
	X(QUIT, "quit", NULL, "general", "leave tapedeck")                                    \
	X(HELP, "help", NULL, "general", "show or hide this list of keys")                    \
	X(PROMPT, "prompt", NULL, "general", "open the command line")                         \
	X(REDRAW, "redraw", NULL, "general", "redraw the whole screen")                       \
	X(FOCUS_NEXT, "focus-next", NULL, "panes", "move focus to the next pane")             \
	X(FOCUS_PREV, "focus-prev", NULL, "panes", "move focus to the previous pane")         \
	X(ZOOM, "zoom", NULL, "panes", "zoom the focused pane to full screen, or back")       \
	X(LAYOUT_NEXT, "layout-next", NULL, "panes", "switch to the next named layout")       \
	X(LAYOUT, "layout", "NAME", "panes", "switch to the named layout")                    \
	X(SPEED_UP, "faster", NULL, "feed", "double the replay or simulation speed")          \
	X(SPEED_DOWN, "slower", NULL, "feed", "halve the replay or simulation speed")         \
	X(SPEED, "speed", "N|max", "feed", "set the speed: 1 is real time, max is unthrottled") \
	X(THEME, "theme", "NAME", "view", "load a theme from themes/NAME.theme")              \
	X(SET, "set", "KEY VALUE", "general", "change ui.fps or ui.large_print while running")  \
	X(UP, "up", NULL, "moving", "move the cursor up")                                     \
	X(DOWN, "down", NULL, "moving", "move the cursor down")                               \
	X(PAGE_UP, "page-up", NULL, "moving", "move the cursor up a page")                    \
	X(PAGE_DOWN, "page-down", NULL, "moving", "move the cursor down a page")              \
	X(HOME, "home", NULL, "moving", "move the cursor to the top")                         \
	X(END, "end", NULL, "moving", "move the cursor to the bottom")                        \
	X(SELECT, "select", NULL, "watchlist", "make the symbol under the cursor the selected one") \
	X(TAPE_ALL, "tape-all", NULL, "tape", "show prints of all symbols or only the selected one") \
	X(CENTRE, "centre", NULL, "ladder", "put the last price in the middle and follow it")  \
	X(LADDER_VIEW, "ladder-view", NULL, "ladder", "switch between the session and one bar")  \
	X(OLDER, "older", NULL, "history", "step back to an older bar or day")                 \
	X(NEWER, "newer", NULL, "history", "step forward to a newer bar or day")               \
	X(TF_NEXT, "tf-next", NULL, "chart", "next timeframe (1m 5m 15m 30m 60m daily)")       \
	X(TF_PREV, "tf-prev", NULL, "chart", "previous timeframe")                             \
	X(TOGGLE_EMA, "ema", NULL, "chart", "show or hide the EMA overlays")                   \
	X(TOGGLE_VWAP, "vwap", NULL, "chart", "show or hide VWAP and its bands")                \
	X(TOGGLE_BB, "bollinger", NULL, "chart", "show or hide the Bollinger bands")            \
	X(TOGGLE_LEVELS, "levels", NULL, "chart", "show or hide the support and resistance levels") \
	X(MERGE_DAYS, "merge", NULL, "tpo", "merge the shown days into one profile, or split them") \
	X(CALLS, "calls", NULL, "options", "put the chain's cursor on the call side")             \
	X(PUTS, "puts", NULL, "options", "put the chain's cursor on the put side")                 \
	X(EXPIRY_NEXT, "next-expiry", NULL, "options", "show the next (later) expiry")              \
	X(EXPIRY_PREV, "prev-expiry", NULL, "options", "show the previous (earlier) expiry")        \
	X(CHAIN_NEXT, "next-chain", NULL, "options", "show the next underlying with options")       \
	X(TOGGLE_DEX, "dex", NULL, "options", "switch the exposure bars between gamma and delta") \
	X(BUY, "buy", "QTY|risk AMT[%] SYMBOL [TYPE PRICE] [tp P] [sl P] [TIF]", "orders", "open a buy ticket (:buy 100 SPY lmt 512.25 tp 515 sl 510; :buy 1 vertical SPY 2026-12-18 C 600 610 lmt 3.20)") \
	X(SELL, "sell", "QTY|risk AMT[%] SYMBOL [TYPE PRICE] [tp P] [sl P] [TIF]", "orders", "open a sell ticket (:sell 2 SPY mkt)") \
	X(ALERT, "alert", "add NAME EXPR [level= cooldown= sinks=]|list|show|enable|disable|delete NAME", "alerts", "manage alert rules (doc/alerts.md)") \
	X(ACK, "ack", NULL, "alerts", "acknowledge the alert under the cursor") \
	X(ACK_ALL, "ack-all", NULL, "alerts", "acknowledge every alert shown") \
	X(ALERT_FILTER, "alert-filter", NULL, "alerts", "show all alerts, warnings and up, or critical only") \
	X(ROLL, "roll", "SYMBOL EXPIRY [STRIKE] [lmt P|mkt] [TIF]", "orders", "open a ticket rolling an option position to another expiry (and strike) as one order") \
	X(MODIFY, "modify", "ID [qty N] [lmt P] [stp P]", "orders", "open a ticket changing a working order") \
	X(TICKET_BUY, "ticket-buy", NULL, "orders", "open a buy ticket here: ladder price, chain contract, or market") \
	X(TICKET_SELL, "ticket-sell", NULL, "orders", "open a sell ticket here: ladder price, chain contract, or market") \
	X(KILL, "kill", NULL, "orders", "kill switch: halt all new orders at once, no confirmation") \
	X(REARM, "rearm", NULL, "orders", "re-arm after the kill switch (asks for y)") \
	X(CANCEL_ALL, "cancel-all", NULL, "orders", "cancel every working order (asks for y)") \
	X(FLATTEN, "flatten", NULL, "orders", "close every position at market (asks for y; each order passes its risk checks)")

typedef enum td_cmd {
	TD_CMD_NONE = 0,
#define TD_CMD_ENUM(e, name, arg, group, help) TD_CMD_##e,
	TD_COMMANDS(TD_CMD_ENUM)
#undef TD_CMD_ENUM
	TD_CMD_COUNT
} td_cmd;

typedef struct td_cmd_info {
	td_cmd cmd;
	const char *name;
	const char *arg;    /* NULL when the command takes no argument */
	const char *group;
	const char *help;
} td_cmd_info;

/* The entry for a command, or NULL. */
const td_cmd_info *td_cmd_info_get(td_cmd c);

/* The command named `name` (exact), or TD_CMD_NONE. */
td_cmd td_cmd_find(const char *name);

/*
 * Complete a prefix: the number of commands whose name starts with it; the
 * first of them in *first (may be NULL) and the longest prefix they share,
 * written to common (size n).
 */
size_t td_cmd_complete(const char *prefix, const td_cmd_info **first, char *common, size_t n);

#endif
