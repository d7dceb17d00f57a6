/*
 * The ticket's editable fields (ui/ticket_form.c): which fields each kind
 * of ticket offers, typing, the reasons a field is in error, the tick grid
 * (refused when typed, rounded onto when stepped), stepping, the time in
 * force, the notes, and the safety contract with the confirmation: a
 * random walk over edits, Tab, Enter, y and Escape, checked against a model
 * that reads the fields as shown and parses them itself.
 *
 * The instrument of most tests has a tick of 0.05 at two decimals, so a
 * price of 512.25 is 51225 / 5 = 10245 ticks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ticket_form.h"

static const td_pxfmt NICKEL = { 5, 2 };

#define PX(units, cents) ((td_ticks)(((units) * 100 + (cents)) / 5))

/* buy 10 at 512.25, target 515.00, stop-loss 510.00, DAY */
static td_order_req bracket(void)
{
	return (td_order_req){ .instr = 3, .side = TD_SIDE_BUY, .qty = 10, .type = TD_OT_LIMIT, .tif = TD_TIF_DAY,
			       .limit = PX(512, 25), .stop = TD_PX_NONE, .take_profit = PX(515, 0),
			       .stop_loss = PX(510, 0), .source = "manual" };
}

static td_ticket_form *opened(const td_order_req *r, td_form_kind kind)
{
	td_ticket_form *f = td_ticket_form_new();
	assert_non_null(f);
	td_ticket_form_open(f, r, NICKEL, kind, 0, "opening note");
	return f;
}

/* The fields offered, as their labels joined by spaces. */
static const char *labels(const td_ticket_form *f)
{
	static char buf[128];
	td_form_field fl[TD_FF_COUNT];
	size_t n = td_ticket_form_fields(f, fl);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? " " : "", td_ticket_form_label(f, fl[i]));
	return buf;
}

/* Feed a string of characters. */
static void type(td_ticket_form *f, const char *s)
{
	for (; *s; s++)
		td_ticket_form_key(f, *s);
}

/* Move the cursor to fld from wherever it is. */
static void go(td_ticket_form *f, td_form_field fld)
{
	td_ticket_form_key(f, TD_FORM_KEY_FIRST);
	for (int i = 0; i < TD_FF_COUNT && td_ticket_form_cursor(f) != (int)fld; i++)
		td_ticket_form_key(f, TD_FORM_KEY_NEXT);
	assert_int_equal(td_ticket_form_cursor(f), fld);
}

static void test_fields_by_kind_and_type(void **state)
{
	(void)state;
	td_order_req r = bracket();
	td_ticket_form *f = opened(&r, TD_FORM_NEW);
	assert_string_equal(labels(f), "qty lmt tp sl tif");
	assert_string_equal(td_ticket_form_text(f, TD_FF_QTY), "10");
	assert_string_equal(td_ticket_form_text(f, TD_FF_LIMIT), "512.25");
	assert_string_equal(td_ticket_form_text(f, TD_FF_TAKE_PROFIT), "515.00");
	assert_string_equal(td_ticket_form_text(f, TD_FF_STOP_LOSS), "510.00");
	assert_string_equal(td_ticket_form_text(f, TD_FF_TIF), "DAY");
	assert_int_equal(td_ticket_form_cursor(f), -1);
	assert_true(td_ticket_form_ok(f));
	td_order_req got;
	char err[160];
	assert_int_equal(td_ticket_form_request(f, &got, err, sizeof err), 0);
	assert_int_equal(got.qty, 10);
	assert_int_equal(got.limit, 10245);
	assert_int_equal(got.take_profit, 10300);
	assert_int_equal(got.stop_loss, 10200);

	td_order_req m = { .instr = 3, .side = TD_SIDE_SELL, .qty = 2, .type = TD_OT_MARKET, .limit = TD_PX_NONE,
			   .stop = TD_PX_NONE };
	td_ticket_form_open(f, &m, NICKEL, TD_FORM_NEW, 0, NULL);
	assert_string_equal(labels(f), "qty tp sl tif");
	assert_string_equal(td_ticket_form_text(f, TD_FF_TAKE_PROFIT), "");  /* none */

	td_order_req sl = { .instr = 3, .side = TD_SIDE_SELL, .qty = 50, .type = TD_OT_STOP_LIMIT, .stop = PX(569, 0),
			    .limit = PX(568, 50) };
	td_ticket_form_open(f, &sl, NICKEL, TD_FORM_NEW, 0, NULL);
	assert_string_equal(labels(f), "qty lmt stp tp sl tif");
	assert_string_equal(td_ticket_form_text(f, TD_FF_STOP), "569.00");
	td_ticket_form_open(f, &sl, NICKEL, TD_FORM_MODIFY, 40, NULL);
	assert_string_equal(labels(f), "qty lmt stp");   /* a modify changes quantity, limit and stop only */

	td_order_req tr = { .instr = 3, .side = TD_SIDE_SELL, .qty = 100, .type = TD_OT_TRAIL_PERCENT, .limit = TD_PX_NONE,
			    .stop = TD_PX_NONE, .trail = 150 };
	td_ticket_form_open(f, &tr, NICKEL, TD_FORM_NEW, 0, NULL);
	assert_string_equal(labels(f), "qty trail% tp sl tif");
	assert_string_equal(td_ticket_form_text(f, TD_FF_TRAIL), "1.50");   /* 150 basis points */
	tr.type = TD_OT_TRAIL_AMOUNT;
	tr.trail = 10;                                                       /* 10 ticks of 0.05 */
	td_ticket_form_open(f, &tr, NICKEL, TD_FORM_NEW, 0, NULL);
	assert_string_equal(labels(f), "qty trail tp sl tif");
	assert_string_equal(td_ticket_form_text(f, TD_FF_TRAIL), "0.50");

	td_ticket_form_open(f, &r, NICKEL, TD_FORM_SIZED, 0, NULL);
	assert_string_equal(labels(f), "qty tp tif");   /* the prices the sizing used stay as they are */
	td_ticket_form_free(f);
}

static void test_cursor_moves_and_wraps(void **state)
{
	(void)state;
	td_order_req r = bracket();
	td_ticket_form *f = td_ticket_form_new();
	assert_int_equal(td_ticket_form_key(f, TD_FORM_KEY_NEXT), TD_FORM_NOT_MINE);   /* never opened: no field */
	td_ticket_form_open(f, &r, NICKEL, TD_FORM_NEW, 0, NULL);
	assert_int_equal(td_ticket_form_key(f, '5'), TD_FORM_NOT_MINE);   /* no field yet: a digit is the ticket's */
	assert_int_equal(td_ticket_form_key(f, TD_FORM_KEY_NEXT), TD_FORM_MOVED);
	assert_int_equal(td_ticket_form_cursor(f), TD_FF_QTY);
	td_ticket_form_key(f, TD_FORM_KEY_NEXT);
	assert_int_equal(td_ticket_form_cursor(f), TD_FF_LIMIT);
	td_ticket_form_key(f, TD_FORM_KEY_LAST);
	assert_int_equal(td_ticket_form_cursor(f), TD_FF_TIF);
	td_ticket_form_key(f, TD_FORM_KEY_NEXT);
	assert_int_equal(td_ticket_form_cursor(f), TD_FF_QTY);             /* wraps */
	td_ticket_form_key(f, TD_FORM_KEY_PREV);
	assert_int_equal(td_ticket_form_cursor(f), TD_FF_TIF);
	td_ticket_form_open(f, &r, NICKEL, TD_FORM_NEW, 0, NULL);
	td_ticket_form_key(f, TD_FORM_KEY_PREV);                             /* S-Tab first: the last field */
	assert_int_equal(td_ticket_form_cursor(f), TD_FF_TIF);
	assert_int_equal(td_ticket_form_key(f, '\n'), TD_FORM_NOT_MINE);
	assert_int_equal(td_ticket_form_key(f, 'y'), TD_FORM_NOT_MINE);
	assert_int_equal(td_ticket_form_key(f, 27), TD_FORM_NOT_MINE);
	td_ticket_form_free(f);
}

static void test_typing_replaces_then_appends(void **state)
{
	(void)state;
	td_order_req r = bracket(), got;
	char err[160];
	td_ticket_form *f = opened(&r, TD_FORM_NEW);
	go(f, TD_FF_QTY);
	assert_int_equal(td_ticket_form_key(f, '2'), TD_FORM_EDITED);
	assert_string_equal(td_ticket_form_text(f, TD_FF_QTY), "2");    /* the first key replaces 10 */
	type(f, "5");
	assert_string_equal(td_ticket_form_text(f, TD_FF_QTY), "25");
	assert_int_equal(td_ticket_form_request(f, &got, err, sizeof err), 0);
	assert_int_equal(got.qty, 25);
	assert_int_equal(td_ticket_form_key(f, TD_FORM_KEY_BACKSPACE), TD_FORM_EDITED);
	assert_string_equal(td_ticket_form_text(f, TD_FF_QTY), "2");
	td_ticket_form_key(f, TD_FORM_KEY_CLEAR);
	assert_string_equal(td_ticket_form_text(f, TD_FF_QTY), "");
	assert_int_equal(td_ticket_form_request(f, &got, err, sizeof err), -1);
	assert_string_equal(err, "qty: a quantity is needed");
	assert_int_equal(td_ticket_form_key(f, TD_FORM_KEY_BACKSPACE), TD_FORM_MOVED);   /* nothing left to delete */
	go(f, TD_FF_LIMIT);                                                   /* Backspace keeps the rest */
	td_ticket_form_key(f, TD_FORM_KEY_BACKSPACE);
	assert_string_equal(td_ticket_form_text(f, TD_FF_LIMIT), "512.2");
	td_ticket_form_key(f, '0');
	assert_string_equal(td_ticket_form_text(f, TD_FF_LIMIT), "512.20");
	type(f, "00000000000000000000");                                      /* 20 characters at most */
	assert_int_equal(strlen(td_ticket_form_text(f, TD_FF_LIMIT)), 20);
	go(f, TD_FF_TAKE_PROFIT);
	td_ticket_form_key(f, TD_FORM_KEY_CLEAR);                            /* an empty target is no target */
	assert_true(td_ticket_form_error(f, TD_FF_TAKE_PROFIT)[0] == '\0');
	td_ticket_form_free(f);
}

/* The reason shown for text typed into fld. */
static const char *why_for(td_ticket_form *f, td_form_field fld, const char *text)
{
	go(f, fld);
	td_ticket_form_key(f, TD_FORM_KEY_CLEAR);
	type(f, text);
	assert_false(td_ticket_form_ok(f));
	return td_ticket_form_error(f, fld);
}

static void test_parse_errors_say_why(void **state)
{
	(void)state;
	td_order_req r = bracket(), got;
	char err[160];
	td_ticket_form *f = opened(&r, TD_FORM_NEW);
	assert_string_equal(why_for(f, TD_FF_QTY, "0"), "'0' is not a whole positive quantity");
	assert_string_equal(why_for(f, TD_FF_QTY, "1.5"), "'1.5' is not a whole positive quantity");
	assert_string_equal(why_for(f, TD_FF_QTY, "99999999999999999999"), /* above 2^63 - 1 */
			    "'99999999999999999999' is not a whole positive quantity");
	go(f, TD_FF_QTY);
	type(f, "10");
	assert_true(td_ticket_form_ok(f));
	assert_string_equal(why_for(f, TD_FF_LIMIT, "12.3.4"),
			    "'12.3.4' is not a price: unexpected character in number (the tick is 0.05)");
	assert_string_equal(why_for(f, TD_FF_LIMIT, "512.23"),          /* 51223 is not a multiple of 5 */
			    "'512.23' is not a price: price off the tick grid (the tick is 0.05)");
	assert_string_equal(why_for(f, TD_FF_LIMIT, "512.255"),
			    "'512.255' is not a price: more than 2 decimals (the tick is 0.05)");
	assert_string_equal(why_for(f, TD_FF_LIMIT, "."), "'.' is not a price: no digits in number (the tick is 0.05)");
	assert_string_equal(why_for(f, TD_FF_LIMIT, "0"), "'0' is not a positive price");
	assert_string_equal(why_for(f, TD_FF_LIMIT, ""), "a limit price is needed");
	assert_int_equal(td_ticket_form_request(f, &got, err, sizeof err), -1);
	assert_string_equal(err, "lmt: a limit price is needed");
	type(f, "512.");                                                  /* as the command line reads it: 512.00 */
	assert_true(td_ticket_form_ok(f));
	assert_int_equal(td_ticket_form_request(f, &got, err, sizeof err), 0);
	assert_int_equal(got.limit, 51200 / 5);
	assert_string_equal(why_for(f, TD_FF_STOP_LOSS, "510.01"),
			    "'510.01' is not a price: price off the tick grid (the tick is 0.05)");

	td_order_req tr = { .instr = 3, .side = TD_SIDE_SELL, .qty = 100, .type = TD_OT_TRAIL_PERCENT, .limit = TD_PX_NONE,
			    .stop = TD_PX_NONE, .trail = 150 };
	td_ticket_form_open(f, &tr, NICKEL, TD_FORM_NEW, 0, NULL);
	assert_string_equal(why_for(f, TD_FF_TRAIL, "100"), "'100' is not a percentage between 0 and 100");
	assert_string_equal(why_for(f, TD_FF_TRAIL, "1.555"), "'1.555' is not a percentage: more than 2 decimals");
	td_ticket_form_key(f, TD_FORM_KEY_CLEAR);
	type(f, "2.25");
	assert_int_equal(td_ticket_form_request(f, &got, err, sizeof err), 0);
	assert_int_equal(got.trail, 225);                                 /* basis points */
	td_ticket_form_free(f);
}

static void test_stepping_and_the_grid(void **state)
{
	(void)state;
	td_order_req r = bracket(), got;
	char err[160];
	td_ticket_form *f = opened(&r, TD_FORM_NEW);
	go(f, TD_FF_QTY);
	td_ticket_form_key(f, '+');
	assert_string_equal(td_ticket_form_text(f, TD_FF_QTY), "11");
	td_ticket_form_key(f, '1');                                       /* a step leaves a whole value: typing replaces it */
	assert_string_equal(td_ticket_form_text(f, TD_FF_QTY), "1");
	assert_int_equal(td_ticket_form_key(f, '-'), TD_FORM_EDITED);
	assert_string_equal(td_ticket_form_text(f, TD_FF_QTY), "1");     /* never below one unit */
	td_ticket_form_key(f, '0');
	td_ticket_form_key(f, '+');
	assert_string_equal(td_ticket_form_text(f, TD_FF_QTY), "1");     /* from 0 (in error) to one unit */
	go(f, TD_FF_LIMIT);
	td_ticket_form_key(f, '+');
	assert_string_equal(td_ticket_form_text(f, TD_FF_LIMIT), "512.30");   /* one tick of 0.05 */
	td_ticket_form_key(f, '-');
	td_ticket_form_key(f, '-');
	assert_string_equal(td_ticket_form_text(f, TD_FF_LIMIT), "512.20");
	type(f, "512.23");                                                /* off the grid: refused as typed */
	assert_false(td_ticket_form_ok(f));
	td_ticket_form_key(f, '+');                                       /* ... and stepped onto it */
	assert_string_equal(td_ticket_form_text(f, TD_FF_LIMIT), "512.25");
	assert_true(td_ticket_form_ok(f));
	td_ticket_form_key(f, TD_FORM_KEY_CLEAR);
	type(f, "512.23");
	td_ticket_form_key(f, '-');
	assert_string_equal(td_ticket_form_text(f, TD_FF_LIMIT), "512.20");
	td_ticket_form_key(f, TD_FORM_KEY_CLEAR);
	type(f, "0.05");
	td_ticket_form_key(f, '-');
	assert_string_equal(td_ticket_form_text(f, TD_FF_LIMIT), "0.05");   /* never below one tick */
	td_ticket_form_key(f, TD_FORM_KEY_CLEAR);
	type(f, "12.3.4");
	assert_int_equal(td_ticket_form_key(f, '+'), TD_FORM_MOVED);     /* not a number: nothing to step from */
	assert_string_equal(td_ticket_form_text(f, TD_FF_LIMIT), "12.3.4");
	td_ticket_form_key(f, TD_FORM_KEY_CLEAR);
	type(f, "512.25");
	go(f, TD_FF_TAKE_PROFIT);                                         /* an empty target starts at the limit */
	td_ticket_form_key(f, TD_FORM_KEY_CLEAR);
	td_ticket_form_key(f, '+');
	assert_string_equal(td_ticket_form_text(f, TD_FF_TAKE_PROFIT), "512.30");
	go(f, TD_FF_STOP_LOSS);
	td_ticket_form_key(f, TD_FORM_KEY_CLEAR);
	td_ticket_form_key(f, '-');
	assert_string_equal(td_ticket_form_text(f, TD_FF_STOP_LOSS), "512.20");
	assert_int_equal(td_ticket_form_request(f, &got, err, sizeof err), 0);
	assert_int_equal(got.take_profit, 51230 / 5);
	assert_int_equal(got.stop_loss, 51220 / 5);

	td_order_req m = { .instr = 3, .side = TD_SIDE_BUY, .qty = 2, .type = TD_OT_MARKET, .limit = TD_PX_NONE,
			   .stop = TD_PX_NONE };
	td_ticket_form_open(f, &m, NICKEL, TD_FORM_NEW, 0, NULL);
	go(f, TD_FF_TAKE_PROFIT);                                         /* a market order has no price to start from */
	assert_int_equal(td_ticket_form_key(f, '+'), TD_FORM_MOVED);
	assert_string_equal(td_ticket_form_text(f, TD_FF_TAKE_PROFIT), "");

	td_order_req tr = { .instr = 3, .side = TD_SIDE_SELL, .qty = 100, .type = TD_OT_TRAIL_PERCENT, .limit = TD_PX_NONE,
			    .stop = TD_PX_NONE, .trail = 150 };
	td_ticket_form_open(f, &tr, NICKEL, TD_FORM_NEW, 0, NULL);
	go(f, TD_FF_TRAIL);
	td_ticket_form_key(f, '+');
	assert_string_equal(td_ticket_form_text(f, TD_FF_TRAIL), "1.51");
	type(f, "250");                                                   /* 250% never triggers ... */
	td_ticket_form_key(f, '-');
	assert_string_equal(td_ticket_form_text(f, TD_FF_TRAIL), "99.99");   /* ... and steps back below 100% */
	tr.type = TD_OT_TRAIL_AMOUNT;
	tr.trail = 10;
	td_ticket_form_open(f, &tr, NICKEL, TD_FORM_NEW, 0, NULL);
	go(f, TD_FF_TRAIL);
	td_ticket_form_key(f, '-');
	assert_string_equal(td_ticket_form_text(f, TD_FF_TRAIL), "0.45");
	td_ticket_form_free(f);
}

static void test_time_in_force_cycles(void **state)
{
	(void)state;
	td_order_req r = bracket(), got;
	char err[160];
	td_ticket_form *f = opened(&r, TD_FORM_NEW);
	go(f, TD_FF_TIF);
	static const struct {
		int key;
		const char *shown;
		td_tif tif;
	} steps[] = {
		{ ' ', "GTC", TD_TIF_GTC }, { TD_FORM_KEY_RIGHT, "IOC", TD_TIF_IOC }, { TD_FORM_KEY_RIGHT, "DAY", TD_TIF_DAY },
		{ TD_FORM_KEY_LEFT, "IOC", TD_TIF_IOC }, { '-', "GTC", TD_TIF_GTC }, { '+', "IOC", TD_TIF_IOC },
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		assert_int_equal(td_ticket_form_key(f, steps[i].key), TD_FORM_EDITED);
		assert_string_equal(td_ticket_form_text(f, TD_FF_TIF), steps[i].shown);
		assert_int_equal(td_ticket_form_request(f, &got, err, sizeof err), 0);
		assert_int_equal(got.tif, steps[i].tif);
	}
	assert_int_equal(td_ticket_form_key(f, '7'), TD_FORM_NOT_MINE);   /* nothing to type in a choice */
	assert_int_equal(td_ticket_form_key(f, TD_FORM_KEY_BACKSPACE), TD_FORM_NOT_MINE);
	assert_string_equal(td_ticket_form_hint(f), "Space or Left/Right changes it, Tab: next field");
	td_ticket_form_free(f);
}

/* The order manager's stand-in: the request's own check, then a FAIL above 50 units or above 520.00. */
typedef struct fake_oms {
	bool strict;
	int calls;
	char replaces[TD_ORDER_ID_MAX];   /* the order a modify ticket changes, as td_oms_modify_ticket keeps it */
} fake_oms;

static bool fails(const td_order_req *r)
{
	return r->qty > 50 || (r->limit != TD_PX_NONE && r->limit > PX(520, 0));
}

static int fake_rerun(void *ctx, const td_order_req *req, td_ticket *t, char *err, size_t errlen)
{
	fake_oms *o = ctx;
	o->calls++;
	if (td_order_req_check(req, err, errlen) < 0)
		return -1;
	td_risk_check c = { .name = "max quantity", .status = fails(req) ? TD_RISK_FAIL : TD_RISK_PASS };
	td_ticket_init(t, req, &c, 1, c.status, o->strict);
	strcpy(t->replaces, o->replaces);
	return 0;
}

/* A ticket and its form as the order manager and ui.c make them. */
static void open_both(td_ticket_form *f, td_ticket *t, fake_oms *o, const td_order_req *r, td_form_kind kind)
{
	char err[160];
	assert_int_equal(fake_rerun(o, r, t, err, sizeof err), 0);
	td_ticket_form_open(f, r, NICKEL, kind, 7, "sized: 1% of 100000.00 = 1000.00 at risk / 2.25 a unit = 444");
	o->calls = 0;
}

static td_ticket_stage feed(td_ticket_form *f, td_ticket *t, fake_oms *o, const char *keys)
{
	for (; *keys; keys++)
		td_ticket_form_feed(f, t, *keys == '\t' ? TD_FORM_KEY_NEXT : *keys, fake_rerun, o);
	return t->stage;
}

static void test_every_edit_reruns_the_ticket(void **state)
{
	(void)state;
	td_order_req r = bracket();
	td_ticket t;
	fake_oms o = { 0 };
	td_ticket_form *f = td_ticket_form_new();
	open_both(f, &t, &o, &r, TD_FORM_NEW);
	assert_int_equal(feed(f, &t, &o, "\t25"), TD_TICKET_SHOWN);
	assert_int_equal(o.calls, 2);                                     /* 2, then 25 */
	assert_int_equal(t.req.qty, 25);
	assert_int_equal(feed(f, &t, &o, "0"), TD_TICKET_SHOWN);          /* 250 > 50: FAIL */
	assert_int_equal(t.worst, TD_RISK_FAIL);
	assert_int_equal(feed(f, &t, &o, "\n"), TD_TICKET_SHOWN);         /* a failed check cannot be armed */
	feed(f, &t, &o, "\x15" "15");                                     /* C-u, 15 */
	assert_int_equal(t.worst, TD_RISK_PASS);
	assert_int_equal(feed(f, &t, &o, "\n"), TD_TICKET_ARMED);
	assert_int_equal(feed(f, &t, &o, "\t"), TD_TICKET_SHOWN);         /* in ARMED a field key only disarms */
	assert_int_equal(td_ticket_form_cursor(f), TD_FF_QTY);
	assert_int_equal(feed(f, &t, &o, "\n8"), TD_TICKET_SHOWN);        /* ... and a digit is not typed */
	assert_string_equal(td_ticket_form_text(f, TD_FF_QTY), "15");

	int calls = o.calls;
	feed(f, &t, &o, "\x15" "1.5");                                   /* does not parse: the manager is not asked */
	assert_int_equal(o.calls, calls + 1);                             /* only "1" parsed */
	assert_int_equal(t.req.qty, 1);
	assert_int_equal(feed(f, &t, &o, "\n"), TD_TICKET_SHOWN);         /* Enter is refused while a field is in error */
	feed(f, &t, &o, "\x15" "12");
	feed(f, &t, &o, "\t\t\x15" "511");                                /* a target below the limit */
	assert_false(td_ticket_form_ok(f));
	assert_string_equal(td_ticket_form_error(f, TD_FF_TAKE_PROFIT), "the target must be above the limit for a buy");
	assert_int_equal(t.req.take_profit, 0);     /* the ticket keeps the last good request: the target cleared by C-u */
	assert_int_equal(feed(f, &t, &o, "\n"), TD_TICKET_SHOWN);
	feed(f, &t, &o, "\x15" "516");
	assert_true(td_ticket_form_ok(f));
	assert_int_equal(feed(f, &t, &o, "\ny"), TD_TICKET_CONFIRMED);
	assert_int_equal(t.req.qty, 12);
	assert_int_equal(t.req.take_profit, PX(516, 0));
	assert_int_equal(feed(f, &t, &o, "\x1b"), TD_TICKET_CONFIRMED);   /* once confirmed, keys change nothing */
	td_ticket_form_free(f);
}

static void test_notes_of_sized_and_modify_tickets(void **state)
{
	(void)state;
	td_order_req r = bracket();
	td_ticket t;
	fake_oms o = { 0 };
	char note[128];
	td_ticket_form *f = td_ticket_form_new();
	open_both(f, &t, &o, &r, TD_FORM_SIZED);
	td_ticket_form_note(f, &t, note, sizeof note);
	assert_string_equal(note, "sized: 1% of 100000.00 = 1000.00 at risk / 2.25 a unit = 444");
	feed(f, &t, &o, "\t\t\t ");                                        /* the time in force leaves the sizing alone */
	td_ticket_form_note(f, &t, note, sizeof note);
	assert_string_equal(note, "sized: 1% of 100000.00 = 1000.00 at risk / 2.25 a unit = 444");
	feed(f, &t, &o, "\t44");
	td_ticket_form_note(f, &t, note, sizeof note);
	assert_string_equal(note, "quantity overridden: 44 typed over the 10 sized by risk");

	strcpy(o.replaces, "TD1a2b3c4d-7");
	open_both(f, &t, &o, &r, TD_FORM_MODIFY);                          /* the working order has 7 */
	td_ticket_form_note(f, &t, note, sizeof note);
	assert_string_equal(note, "modifies TD1a2b3c4d-7: quantity 7 -> 10");
	feed(f, &t, &o, "\t25");
	td_ticket_form_note(f, &t, note, sizeof note);
	assert_string_equal(note, "modifies TD1a2b3c4d-7: quantity 7 -> 25");
	td_ticket_form_free(f);
}

/* xorshift for the random walk */
static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 32);
}

/*
 * The model's own reading of a price as shown: digits with at most one '.',
 * decimals past the second only zeros, on the 0.05 grid and positive.
 */
static bool model_price(const char *s, td_ticks *out)
{
	int64_t v = 0;
	int dec = -1, digits = 0;
	for (; *s; s++) {
		if (*s == '.' && dec < 0) {
			dec = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return false;
		digits++;
		if (dec >= 2) {
			if (*s != '0')
				return false;
			continue;
		}
		if (v > (INT64_MAX - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
		dec += dec >= 0;
	}
	for (int d = dec < 0 ? 0 : dec; d < 2; d++) {
		if (v > INT64_MAX / 10)
			return false;
		v *= 10;
	}
	if (!digits || v <= 0 || v % 5)
		return false;
	*out = v / 5;
	return true;
}

/* The request the fields show, parsed by the model; false when it is not a request. */
static bool model_request(const td_ticket_form *f, const td_order_req *opened, td_order_req *out)
{
	td_order_req r = *opened;
	const char *q = td_ticket_form_text(f, TD_FF_QTY), *tp = td_ticket_form_text(f, TD_FF_TAKE_PROFIT),
		   *sl = td_ticket_form_text(f, TD_FF_STOP_LOSS), *tif = td_ticket_form_text(f, TD_FF_TIF);
	char why[160];
	if (!*q || strspn(q, "0123456789") != strlen(q))
		return false;
	r.qty = 0;
	for (; *q; q++) {
		if (r.qty > (INT64_MAX - (*q - '0')) / 10)
			return false;
		r.qty = r.qty * 10 + (*q - '0');
	}
	if (!model_price(td_ticket_form_text(f, TD_FF_LIMIT), &r.limit))
		return false;
	r.take_profit = r.stop_loss = 0;
	if ((*tp && !model_price(tp, &r.take_profit)) || (*sl && !model_price(sl, &r.stop_loss)))
		return false;
	r.tif = strcmp(tif, "DAY") == 0 ? TD_TIF_DAY : strcmp(tif, "GTC") == 0 ? TD_TIF_GTC : TD_TIF_IOC;
	*out = r;
	return td_order_req_check(&r, why, sizeof why) == 0;
}

static bool same_req(const td_order_req *a, const td_order_req *b)
{
	return a->instr == b->instr && a->side == b->side && a->qty == b->qty && a->type == b->type && a->tif == b->tif &&
	       a->limit == b->limit && a->stop == b->stop && a->trail == b->trail && a->take_profit == b->take_profit &&
	       a->stop_loss == b->stop_loss && strcmp(a->source, b->source) == 0;
}

/* Every field's text, zero-padded so that two snapshots compare with memcmp. */
static void snapshot(const td_ticket_form *f, char out[TD_FF_COUNT][24])
{
	memset(out, 0, TD_FF_COUNT * 24);
	for (int i = 0; i < TD_FF_COUNT; i++)
		snprintf(out[i], 24, "%s", td_ticket_form_text(f, (td_form_field)i));
}

typedef struct walk_stats {
	long confirmed, confirmed_edited, refused_error, refused_fail;
} walk_stats;

/*
 * One random key sequence against the model: the stage after every key is
 * the model's (Enter arms only a ticket whose shown fields parse to a
 * request with no failed check; y right after confirms; strict mode wants
 * the quantity typed between them; any other key disarms; Escape cancels),
 * the fields do not change while armed, whenever the fields parse the
 * ticket holds exactly that request, and the confirmed request is the one
 * shown at the Enter.  In strict mode half the Enters that arm are followed
 * by the quantity's digits (then random keys again), as a trader types it,
 * so that the walk reaches a confirmation often enough to check it.
 */
static void walk(uint64_t *s, bool strict, int run, walk_stats *st)
{
	static const int keys[] = { '\n', '\n', '\n', 'y', 'y', 'y', 27, '0', '1', '2', '5', '9', '.', '+', '-', ' ',
				    TD_FORM_KEY_NEXT, TD_FORM_KEY_NEXT, TD_FORM_KEY_PREV, TD_FORM_KEY_LEFT, TD_FORM_KEY_RIGHT,
				    TD_FORM_KEY_BACKSPACE, TD_FORM_KEY_CLEAR, 'x' };
	td_order_req opened = bracket(), shown, armed_req = opened;
	td_ticket t;
	fake_oms o = { .strict = strict };
	td_ticket_form *f = td_ticket_form_new();
	open_both(f, &t, &o, &opened, TD_FORM_NEW);
	td_ticket_stage want = TD_TICKET_SHOWN;
	char typed[24] = "", before[TD_FF_COUNT][24], after[TD_FF_COUNT][24], pending[24] = "";
	const char *next = pending;
	int len = 1 + (int)(rnd(s) % 24);
	for (int i = 0; i < len; i++) {
		int k = *next ? *next++ : keys[rnd(s) % (sizeof keys / sizeof keys[0])];
		bool parses = model_request(f, &opened, &shown);
		snapshot(f, before);
		td_ticket_form_feed(f, &t, k, fake_rerun, &o);
		snapshot(f, after);
		if (want == TD_TICKET_SHOWN && k == 27) {
			want = TD_TICKET_CANCELLED;
		} else if (want == TD_TICKET_SHOWN && k == '\n') {
			want = parses && !fails(&shown) ? TD_TICKET_ARMED : TD_TICKET_SHOWN;
			armed_req = shown;
			typed[0] = '\0';
			if (strict && want == TD_TICKET_ARMED && rnd(s) % 2) {
				snprintf(pending, sizeof pending, "%lld", (long long)shown.qty);
				next = pending;
			}
			st->refused_error += !parses;
			st->refused_fail += parses && fails(&shown);
		} else if (want == TD_TICKET_ARMED) {
			char q[24];
			snprintf(q, sizeof q, "%lld", (long long)armed_req.qty);
			size_t n = strlen(typed);
			if (memcmp(before, after, sizeof before) != 0)
				fail_msg("run %d key %d: a field changed while armed", run, i);
			if (k == 27)
				want = TD_TICKET_CANCELLED;
			else if (k == 'y' && (!strict || strcmp(typed, q) == 0))
				want = TD_TICKET_CONFIRMED;
			else if (strict && k >= '0' && k <= '9' && n + 1 < sizeof typed) {
				typed[n] = (char)k;
				typed[n + 1] = '\0';
			} else {
				want = TD_TICKET_SHOWN;
			}
		}
		if (t.stage != want)
			fail_msg("run %d key %d (%d): stage %d, the model says %d", run, i, k, t.stage, want);
		if (want == TD_TICKET_SHOWN && model_request(f, &opened, &shown) && !same_req(&t.req, &shown))
			fail_msg("run %d key %d: the ticket holds another request than the fields show", run, i);
	}
	if (t.stage == TD_TICKET_CONFIRMED) {
		if (!same_req(&t.req, &armed_req))
			fail_msg("run %d: the confirmed request is not the one shown at the Enter", run);
		st->confirmed++;
		st->confirmed_edited += !same_req(&t.req, &opened);
	}
	td_ticket_form_free(f);
}

static void test_random_keys_confirm_only_what_was_shown(void **state)
{
	(void)state;
	uint64_t s = 0x9e3779b97f4a7c15ull;
	for (int strict = 0; strict < 2; strict++) {
		walk_stats st = { 0 };
		for (int run = 0; run < 100000; run++)
			walk(&s, strict, run, &st);
		print_message("# strict %d: %ld confirmed (%ld of them edited), Enter refused %ld times for a field, %ld for a check\n",
			      strict, st.confirmed, st.confirmed_edited, st.refused_error, st.refused_fail);
		/* the walk reaches every outcome it is meant to check */
		assert_true(st.confirmed_edited > 100);
		assert_true(st.refused_error > 100);
		assert_true(st.refused_fail > 100);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_by_kind_and_type),
		cmocka_unit_test(test_cursor_moves_and_wraps),
		cmocka_unit_test(test_typing_replaces_then_appends),
		cmocka_unit_test(test_parse_errors_say_why),
		cmocka_unit_test(test_stepping_and_the_grid),
		cmocka_unit_test(test_time_in_force_cycles),
		cmocka_unit_test(test_every_edit_reruns_the_ticket),
		cmocka_unit_test(test_notes_of_sized_and_modify_tickets),
		cmocka_unit_test(test_random_keys_confirm_only_what_was_shown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
