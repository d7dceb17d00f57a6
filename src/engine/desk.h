/*
 * The order desk: the engine's trading side, opened by the workstation
 * (not by headless commands, which never trade): the fee schedule, the
 * paper broker and the order manager with its journal, wired to the
 * market state.  See doc/orders.md.
 */
#ifndef TD_DESK_H
#define TD_DESK_H

#include <stddef.h>

#include "core/config.h"
#include "core/session.h"
#include "engine/market.h"
#include "oms/oms.h"

typedef struct td_desk td_desk;

/*
 * A desk for cfg's [risk] and [orders] (copied) over reg and m (borrowed).
 * The fee file is $XDG_CONFIG_HOME/tapedeck/fees.conf when it exists (a bad
 * line refuses it), else the built-in schedules.  Returns NULL with err when
 * the desk cannot trade at all (a journal in use by another tapedeck, a bad
 * fee file); *rep says what the journal gave back.
 */
td_desk *td_desk_open(const td_config *cfg, const td_session *s, const td_registry *reg, const td_market *m,
		      td_oms_recovery *rep, char *err, size_t errlen);
void td_desk_close(td_desk *d);

/* The order manager. */
td_oms *td_desk_oms(td_desk *d);

/* The fees an order of req's size would pay at price (price units), from the desk's schedule; NaN when unknown. */
double td_desk_fee_estimate(const td_desk *d, const td_order_req *req, double price);

/* One line saying what was recovered, for the status bar. */
void td_desk_recovery_text(const td_oms_recovery *r, char *buf, size_t n);

/* The limits cfg's [risk] section gives. */
void td_desk_limits(const td_config *cfg, td_risk_limits *l);

#endif
