/*
 * The order ticket's editable fields: the quantity, the prices its type
 * takes, take-profit and stop-loss, and the time in force, as text the
 * trader edits in place while the ticket is shown.
 *
 * The form holds one text per field and a field cursor.  It opens with no
 * field under the cursor (the ticket reads as before until Tab); Tab/Down
 * and S-Tab/Up move the cursor (ui.c resolves those through the keymap's
 * "ticket" context and hands them in as TD_FORM_KEY_*).  On the field under
 * the cursor, digits and '.' type (the first one replaces the text),
 * Backspace deletes, C-u clears, + and - step a price by one tick and a
 * quantity by one unit, and Space, Left and Right change the time in force.
 *
 * After every edit each field is parsed again with the instrument's price
 * format, exactly as the command line parses it (a price off the tick grid
 * is refused, not rounded); a field that does not parse carries its reason.
 *
 * td_ticket_form_feed joins the form to the confirmation of oms/ticket.h:
 * an edit is possible only while the ticket is SHOWN and re-runs the whole
 * ticket (every risk check) on the edited request, so what the ticket
 * shows is what it would send; Enter is refused while a field is in error;
 * keys in ARMED keep their meaning (any of them but y, or the quantity in
 * strict mode, disarms).  Hence the request y confirms is the one shown
 * when Enter was pressed.
 *
 * Pure: no curses, no I/O.
 */
#ifndef TD_TICKET_FORM_H
#define TD_TICKET_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/price.h"
#include "oms/order.h"
#include "oms/ticket.h"

typedef struct td_ticket_form td_ticket_form;

/* The fields, in the order the ticket shows them (the command line's order). */
typedef enum td_form_field {
	TD_FF_QTY = 0,
	TD_FF_LIMIT,
	TD_FF_STOP,
	TD_FF_TRAIL,        /* a trailing stop's distance: a price (trail) or a percentage (trail%) */
	TD_FF_TAKE_PROFIT,  /* empty: none */
	TD_FF_STOP_LOSS,    /* empty: none */
	TD_FF_TIF,
	TD_FF_COUNT
} td_form_field;

/* What kind of ticket the form edits, which decides the fields it offers. */
typedef enum td_form_kind {
	TD_FORM_NEW = 0,  /* a new order: every field its type has */
	TD_FORM_SIZED,    /* a new order sized by risk: quantity, take-profit and time in force (the
			     prices the sizing used stay fixed); a typed quantity overrides the sizing */
	TD_FORM_MODIFY    /* a working order (td_oms_modify_ticket): the quantity and its limit and stop */
} td_form_kind;

/* The form's keys that are not characters; negative, so never a character or a curses code. */
enum {
	TD_FORM_KEY_NEXT = -2,       /* the next field (Tab, Down) */
	TD_FORM_KEY_PREV = -3,       /* the previous field (S-Tab, Up) */
	TD_FORM_KEY_FIRST = -4,      /* Home */
	TD_FORM_KEY_LAST = -5,       /* End */
	TD_FORM_KEY_LEFT = -6,       /* the previous time in force */
	TD_FORM_KEY_RIGHT = -7,      /* the next time in force */
	TD_FORM_KEY_BACKSPACE = -8,
};
#define TD_FORM_KEY_CLEAR 21 /* C-u */

/* What a key did to the form. */
typedef enum td_form_react {
	TD_FORM_NOT_MINE = 0, /* not a form key here: the ticket's confirmation gets it */
	TD_FORM_MOVED,        /* the cursor moved, or the key changed nothing */
	TD_FORM_EDITED        /* a field's text changed: the request must be checked again */
} td_form_react;

/*
 * Re-run the ticket for an edited request: fill *t afresh (SHOWN, every
 * risk check of now) and return 0, or return -1 with err when the order
 * manager refuses the request itself (td_order_req_check's reason, a modify
 * below the filled quantity).  ctx is the caller's.
 */
typedef int (*td_form_rerun_fn)(void *ctx, const td_order_req *req, td_ticket *t, char *err, size_t errlen);

/* An empty form that takes no key until td_ticket_form_open; NULL when out of memory. */
td_ticket_form *td_ticket_form_new(void);
void td_ticket_form_free(td_ticket_form *f);

/*
 * Fill the form from the request a ticket opened with, priced in px.
 * was_qty: for MODIFY the working order's quantity now, else unused.  note
 * (copied, may be NULL): what the ticket said when it opened (the sizing's
 * working).  No field is under the cursor.
 */
void td_ticket_form_open(td_ticket_form *f, const td_order_req *req, td_pxfmt px, td_form_kind kind,
			 int64_t was_qty, const char *note);

/* The fields the form offers, in order; returns how many (at most TD_FF_COUNT). */
size_t td_ticket_form_fields(const td_ticket_form *f, td_form_field *out);

/* The field under the cursor, or -1 before the first Tab. */
int td_ticket_form_cursor(const td_ticket_form *f);

/* A field's text as shown ("" for an empty take-profit); its short name ("qty", "lmt", "tp"). */
const char *td_ticket_form_text(const td_ticket_form *f, td_form_field fld);
const char *td_ticket_form_label(const td_ticket_form *f, td_form_field fld);

/* Why the field is in error ("'0' is not a whole positive quantity"), or "". */
const char *td_ticket_form_error(const td_ticket_form *f, td_form_field fld);

/* True when no field is in error. */
bool td_ticket_form_ok(const td_ticket_form *f);

/* The first field in error as "qty: why" into buf; false when none is. */
bool td_ticket_form_why(const td_ticket_form *f, char *buf, size_t n);

/* The request the fields say: 0, or -1 with the first field's error in err. */
int td_ticket_form_request(const td_ticket_form *f, td_order_req *out, char *err, size_t errlen);

/* Apply one key (a character, C-u or a TD_FORM_KEY_*). */
td_form_react td_ticket_form_key(td_ticket_form *f, int key);

/* Which keys the field under the cursor takes, for the ticket's prompt line. */
const char *td_ticket_form_hint(const td_ticket_form *f);

/*
 * The note ticket t shows: what a modify changes ("modifies ID: quantity
 * 10 -> 25", ID from t), that a typed quantity overrides a sizing
 * ("quantity overridden: 500 typed over the 444 sized by risk"), else the
 * note it opened with.
 */
void td_ticket_form_note(const td_ticket_form *f, const td_ticket *t, char *buf, size_t n);

/*
 * One key to the ticket and its form: while t is SHOWN the form takes its
 * keys, an edit re-runs the ticket through rerun (a request it refuses
 * puts its reason on the field under the cursor), and Enter is refused
 * while any field is in error; otherwise td_ticket_key decides.  Returns
 * the ticket's stage.
 */
td_ticket_stage td_ticket_form_feed(td_ticket_form *f, td_ticket *t, int key, td_form_rerun_fn rerun, void *ctx);

#endif
