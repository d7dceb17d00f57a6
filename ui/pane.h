/*
 * Panes.  A pane is a table of functions (one file per pane, the table at the
 * bottom) plus its private state.  Panes draw into the window they are given
 * and read the engine's state through td_view; they never flush the screen,
 * resize, quit or read raw keys: keys arrive as commands from the keymap, and
 * a command a pane does not handle is passed on to the global handler.
 */
#ifndef TD_PANE_H
#define TD_PANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "commands.h"
#include "core/config.h"
#include "core/session.h"
#include "engine/analysis.h"
#include "engine/engine.h"
#include "engine/market.h"

/* What panes may read (and, for the selection, set). */
typedef struct td_view {
	const td_market *market;
	const td_engine_rates *rates;
	const td_session *session;
	const td_config *cfg;
	const uint32_t *watch;   /* watchlist ids */
	size_t nwatch;
	uint32_t selected;       /* the selected instrument: tape and book follow it */
	td_analysis *analysis;   /* studies of the watchlist's instruments */
	td_ticks ladder_px;      /* the ladder's cursor price (TD_PX_NONE before it has one) */
	td_optchain *chains;     /* option chains of the underlyings with options */
	uint32_t opt_cursor;     /* the option chain's cursor contract (TD_NO_ID before it has one);
				    another pane may set it to move the chain's cursor there */
	const char *focus_request;  /* set by a pane's command: the name of the pane to focus next */
	td_oms *oms;             /* the order manager, or NULL when orders are off */
	td_alerting *alerts;     /* alerting, or NULL when it is off */
	char order_request[192]; /* set by a pane's command: a :buy/:sell line to open a ticket with */
	char order_source[40];   /* ... and where it came from ("alert:NAME") */
} td_view;

typedef enum td_reaction {
	TD_REACT_PASS = 0,  /* not handled: try the global handler */
	TD_REACT_DONE       /* handled; the screen will be redrawn */
} td_reaction;

typedef struct td_pane_ops {
	const char *name;     /* unique; also the key context */
	const char *caption;  /* the default title */
	int min_w, min_h;     /* smallest useful size, frame included */
	int priority;         /* lower = more important; kept longest on small screens */
	/* Optional (NULL: the pane keeps no state).  New private state, or NULL on out of memory. */
	void *(*create)(void);
	/* Optional; mandatory when create is set.  Free what create returned. */
	void (*destroy)(void *st);
	/* Mandatory.  Draw the inside of the frame: h rows, w columns at (1,1). */
	void (*draw)(void *st, const td_view *v, WINDOW *win, int h, int w);
	/* Optional (NULL: everything passes).  Handle a command. */
	td_reaction (*command)(void *st, td_view *v, td_cmd cmd);
	/* Optional (NULL: the caption).  Write a title with live detail. */
	void (*title)(void *st, const td_view *v, char *buf, size_t n);
} td_pane_ops;

extern const td_pane_ops td_pane_watchlist;
extern const td_pane_ops td_pane_tape;
extern const td_pane_ops td_pane_book;
extern const td_pane_ops td_pane_ladder;
extern const td_pane_ops td_pane_fpchart;
extern const td_pane_ops td_pane_tpo;
extern const td_pane_ops td_pane_chart;
extern const td_pane_ops td_pane_premarket;
extern const td_pane_ops td_pane_chain;
extern const td_pane_ops td_pane_exposure;
extern const td_pane_ops td_pane_scan;
extern const td_pane_ops td_pane_orders;
extern const td_pane_ops td_pane_positions;
extern const td_pane_ops td_pane_deals;
extern const td_pane_ops td_pane_fills;
extern const td_pane_ops td_pane_alerts;
extern const td_pane_ops td_pane_risk;

/* The symbol of an instrument, or "?". */
const char *td_view_symbol(const td_view *v, uint32_t id);

/* A price of an instrument formatted with its tick format ("-" when none). */
void td_view_price(const td_view *v, uint32_t id, td_ticks px, char *buf, size_t n);

#endif
