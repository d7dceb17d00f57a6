/* The ticket's confirmation sequence: see ticket.h. */
#include "oms/ticket.h"

#include <stdio.h>
#include <string.h>

#define KEY_ENTER_ '\n'
#define KEY_ESCAPE_ 27

void td_ticket_init(td_ticket *t, const td_order_req *req, const td_risk_check *checks, size_t n,
		   td_risk_status worst, bool strict)
{
	memset(t, 0, sizeof(*t));
	t->req = *req;
	t->nchecks = n < TD_RISK_MAX_CHECKS ? n : TD_RISK_MAX_CHECKS;
	memcpy(t->checks, checks, t->nchecks * sizeof(*checks));
	t->worst = worst;
	t->strict = strict;
	t->stage = TD_TICKET_SHOWN;
}

/* Strict mode: digits typed after Enter, compared with the quantity when y comes. */
static bool typed_quantity_matches(const td_ticket *t)
{
	char want[24];
	snprintf(want, sizeof want, "%lld", (long long)t->req.qty);
	return strcmp(t->typed, want) == 0;
}

static td_ticket_stage armed_key(td_ticket *t, int key)
{
	size_t n = strlen(t->typed);
	if (key == 'y' && (!t->strict || typed_quantity_matches(t)))
		return TD_TICKET_CONFIRMED;
	if (t->strict && key >= '0' && key <= '9' && n + 1 < sizeof t->typed) {
		t->typed[n] = (char)key;
		t->typed[n + 1] = '\0';
		return TD_TICKET_ARMED;
	}
	return TD_TICKET_SHOWN;
}

td_ticket_stage td_ticket_key(td_ticket *t, int key)
{
	if (t->stage == TD_TICKET_CANCELLED || t->stage == TD_TICKET_SENT || t->stage == TD_TICKET_CONFIRMED)
		return t->stage;
	if (key == KEY_ESCAPE_)
		return t->stage = TD_TICKET_CANCELLED;
	if (t->stage == TD_TICKET_ARMED) {
		t->stage = armed_key(t, key);
	} else if (key == KEY_ENTER_ && t->worst != TD_RISK_FAIL) {
		t->stage = TD_TICKET_ARMED;
		t->typed[0] = '\0';
	}
	if (t->stage == TD_TICKET_SHOWN)
		t->typed[0] = '\0';
	return t->stage;
}

const char *td_ticket_prompt(const td_ticket *t)
{
	switch (t->stage) {
	case TD_TICKET_SHOWN:
		return t->worst == TD_RISK_FAIL ? "a risk check failed: Esc to close" : "Enter to arm, Esc to cancel";
	case TD_TICKET_ARMED:
		return t->strict ? "type the quantity, then y to send; any other key disarms" : "y to send; any other key disarms";
	case TD_TICKET_CONFIRMED: return "sending";
	case TD_TICKET_CANCELLED: return "cancelled: nothing was sent";
	case TD_TICKET_SENT: return "sent";
	}
	return "?";
}
