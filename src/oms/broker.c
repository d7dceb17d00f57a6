/* Names of the broker events, for the journal and the screen. */
#include "oms/broker.h"

static const char *const names[] = {
	[TD_BEV_ACK] = "ack",
	[TD_BEV_REJECT] = "reject",
	[TD_BEV_FILL] = "fill",
	[TD_BEV_CANCELLED] = "cancelled",
	[TD_BEV_EXPIRED] = "expired",
	[TD_BEV_REPLACED] = "replaced",
};

const char *td_broker_ev_name(td_broker_ev_type t)
{
	return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}
