/* Names for the event enums, for logs, the status line and tape dumps. */
#include "event.h"

/* Short name of an event type; "?" for unknown. */
const char *td_ev_type_name(td_ev_type t)
{
	static const char *const names[TD_EV_TYPE_COUNT] = {
		[TD_EV_NONE] = "none",
		[TD_EV_TRADE] = "trade",
		[TD_EV_QUOTE] = "quote",
		[TD_EV_LEVEL] = "level",
		[TD_EV_OPTQ] = "optq",
		[TD_EV_STATUS] = "status",
	};
	return (unsigned)t < TD_EV_TYPE_COUNT ? names[t] : "?";
}

/* Name of a session phase as the status line shows it; "?" for unknown. */
const char *td_phase_name(td_phase p)
{
	static const char *const names[TD_PHASE_COUNT] = {
		[TD_PHASE_CLOSED] = "closed",
		[TD_PHASE_OVERNIGHT] = "overnight",
		[TD_PHASE_PREMARKET] = "pre-market",
		[TD_PHASE_REGULAR] = "regular",
		[TD_PHASE_POSTMARKET] = "post-market",
	};
	return (unsigned)p < TD_PHASE_COUNT ? names[p] : "?";
}
