/*
 * Pre-trade risk: every check an order must pass before it may be sent,
 * each with a verdict and the numbers behind it, so the ticket can show
 * them all and a rejection names the limit.
 *
 * The checks are a table (risk.c), run in order over a snapshot of what
 * they need (td_risk_ctx), which the order manager fills from its
 * positions, orders and P&L and from the market.  Pure: no I/O, no globals.
 *
 * Verdicts: PASS; WARN (the order may go, the ticket says why to think
 * twice); FAIL (the order may not go); NA (the check cannot be made, e.g. no
 * last price for the price band: said as such, and it does not block).
 *
 * Money is in the account's currency; prices in price units (not ticks);
 * quantities in units of the instrument (shares, contracts, lots), and a
 * contract's money value is price x multiplier x quantity.  A limit of 0
 * turns its check off (shown as NA "no limit set").  Definitions, with the
 * progressive daily-loss restriction, PDT and the margin estimate, are in
 * doc/orders.md "Pre-trade risk".
 *
 * The holiday calendar and the volatility-spike breaker are looked up by the
 * caller (td_calendar_now, td_spike_state) into the context, like every
 * other input, so that the checks stay a pure function of the context and a
 * test can state any day or move without a file or a price series.  A
 * context left zero there means an ordinary day and a calm market.
 */
#ifndef TD_RISK_H
#define TD_RISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/event.h"
#include "oms/order.h"
#include "oms/spike.h"

typedef struct td_risk_limits {
	int64_t max_qty;          /* units per order */
	double max_notional;      /* money per order */
	double price_band_pct;    /* a limit or stop within this percent of the last trade */
	int64_t max_position;     /* units held in one instrument after the order, either side */
	double max_gross;         /* money: sum over instruments of |position| x price x multiplier, after the order */
	int max_open_orders;      /* working orders, this one included */
	double risk_per_trade_pct;/* percent of capital lost if the stop is hit */
	double daily_loss;        /* money: realised + unrealised loss of the day that halts trading */
	double warn_pct;          /* percent of daily_loss that warns (default 50) */
	double reduce_pct;        /* percent of daily_loss from which only reducing orders pass (default 75) */
	double max_drawdown;      /* money below the day's high-water mark of equity that halts trading */
	int max_consecutive_losses;  /* losing round trips in a row that halt trading for the day */
	double pdt_equity;        /* pattern day trader: below this equity (25,000 in the US) ... */
	int pdt_day_trades;       /* ... this many day trades in 5 business days (4) flag the account; 0 = off */
	bool extended_hours;      /* allow orders outside the regular session */
	double margin_buffer_pct; /* buying power kept back, percent */
	double vol_spike_pct;     /* volatility breaker: a move of more than this percent over the window ... */
	int vol_spike_window;     /* ... seconds (td_spike: (high - low) / low of the trades) pauses opening orders ... */
	int vol_spike_cooldown;   /* ... until this many seconds after the move last exceeded the limit */
} td_risk_limits;

/* What the checks read. */
typedef struct td_risk_ctx {
	const td_order_req *req;
	double price;             /* the order's price in price units: its limit, else the stop, else the touch it takes */
	double last;              /* last trade, NaN when none */
	double multiplier;        /* money per price unit per unit of quantity */
	double position;          /* units held now in the instrument, signed */
	double gross;             /* money, before the order */
	int open_orders;          /* working orders before this one */
	double capital;           /* the account's starting capital of the day */
	double equity;            /* capital + realised + unrealised now */
	double day_high_equity;   /* the day's high-water mark of equity */
	double day_pnl;           /* realised + unrealised today */
	int consecutive_losses;   /* losing round trips in a row today */
	int day_trades_5d;        /* day trades in the last 5 business days */
	bool completes_day_trade; /* the order would close a position opened today */
	double stop_distance;     /* price units between entry and the protective stop; NaN when none */
	double buying_power;      /* money available for new margin */
	double margin;            /* money this order would tie up (td_risk_margin) */
	td_phase phase;           /* session phase now */
	bool halted;              /* the kill switch is on */
	bool duplicate;           /* the same instrument, side, quantity and price as an order of the last seconds */
	const char *symbol;       /* the instrument the move is of, for the messages; NULL = none named */
	td_cal_now cal;           /* the exchange calendar now (td_calendar_now): holiday, early close */
	td_spike_info spike;      /* the volatility breaker of the instrument now (td_spike_state) */
} td_risk_ctx;

typedef enum td_risk_status {
	TD_RISK_PASS = 0,
	TD_RISK_NA,
	TD_RISK_WARN,
	TD_RISK_FAIL
} td_risk_status;

typedef struct td_risk_check {
	const char *name;         /* "max quantity", ... (static) */
	td_risk_status status;
	char detail[120];         /* the numbers: "150 > 100 per order" */
} td_risk_check;

/*
 * The account's standing against its limits now, without an order (the
 * risk pane): what the checks that look beyond one order would read.
 * Per-order limits (quantity, notional, price band, risk per trade,
 * duplicates) have no standing; the pane shows their settings.
 */
typedef struct td_risk_usage {
	int open_orders;          /* working orders */
	double gross;             /* money: sum of |position| x price x multiplier */
	double largest_position;  /* units: the largest |position| of any instrument */
	const char *largest_symbol; /* its instrument (static in the registry); NULL when flat */
	double capital;           /* the account's starting capital of the day */
	double equity;            /* capital + realised + unrealised now */
	double day_high_equity;   /* the day's high-water mark of equity */
	double day_pnl;           /* realised + unrealised today */
	int consecutive_losses;   /* losing round trips in a row today */
	int day_trades_5d;        /* day trades in the last 5 business days */
	double buying_power;      /* money available for new margin */
	td_phase phase;           /* session phase now */
	bool halted;              /* the kill switch is on */
	td_cal_now cal;           /* the exchange calendar now */
	int paused;               /* instruments the volatility breaker pauses now */
	const char *paused_symbol; /* one of them (static in the registry); NULL when none */
	td_spike_info spike;      /* that instrument's breaker state (zero when none is paused) */
} td_risk_usage;

/*
 * The checks, in the order they run and are shown: X(function, "name").
 * risk.c checks an order with these functions; risk_view.c has a function
 * of the same name for each, giving the account's standing against it.
 */
#define TD_RISK_CHECKS(X)                                                      \
	X(kill_switch, "kill switch") X(max_qty, "max quantity")               \
	X(max_notional, "max notional") X(price_band, "price band")            \
	X(max_position, "max position") X(max_gross, "gross exposure")         \
	X(open_orders, "open orders") X(risk_per_trade, "risk per trade")      \
	X(daily_loss, "daily loss") X(drawdown, "drawdown")                    \
	X(losing_streak, "losing streak") X(vol_spike, "volatility spike")     \
	X(pattern_day_trader, "pattern day trader") X(buying_power, "buying power") \
	X(trading_hours, "trading hours") X(duplicate, "duplicate order")

#define TD_RISK_MAX_CHECKS 20

/* The defaults (doc/orders.md lists them; they become the [risk] section of the configuration with order entry). */
void td_risk_limits_default(td_risk_limits *l);

/*
 * Run every check on c against l into out (room for TD_RISK_MAX_CHECKS),
 * in table order.  Returns the number of checks; *worst gets the most
 * severe verdict (FAIL > WARN > NA > PASS).
 */
size_t td_risk_run(const td_risk_limits *l, const td_risk_ctx *c, td_risk_check *out, td_risk_status *worst);

/* The most severe verdict alone, without the numbers (several times faster: for the send path). */
td_risk_status td_risk_verdict(const td_risk_limits *l, const td_risk_ctx *c);

/* Whether an order reduces the position without reversing it (the only kind allowed when reducing only). */
bool td_risk_reduces(double position, td_side side, int64_t qty);

/*
 * Margin an order would tie up, a documented estimate (doc/orders.md):
 * stock and futures bought or sold short: 50 % of the value (Reg-T
 * initial); a bought option: its premium; a sold option: the CBOE-style
 * naked figure max(20 % of the underlying - the out-of-the-money amount,
 * 10 % of the underlying for a call or of the strike for a put) x
 * multiplier, plus the premium.  Quantities in units; the option fields are
 * ignored for non-options (is_option false).
 */
double td_risk_margin(bool is_option, bool is_call, td_side side, int64_t qty, double price, double multiplier,
		      double underlying, double strike);

const char *td_risk_status_name(td_risk_status s);

#endif
