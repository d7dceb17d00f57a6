/*
 * The built-in simulated market.
 *
 * DESIGN
 *
 * One latent index level X per market (S&P-500-like for "us", NIFTY 50 for
 * "in") carries the information.  It moves in log space by a process chosen
 * by the market regime:
 *
 *   range       mean-reverting (Ornstein-Uhlenbeck) towards an anchor and
 *               reflected inside a band; while fair value is near an edge
 *               the quote stays pinned there, traders try to break out and
 *               makers refill the edge as an iceberg, so the aggression is
 *               absorbed without the price moving
 *   trend-up,   drifting random walk; aggressive flow leans with the trend,
 *   trend-down  which leaves buy/sell imbalances in footprints
 *   news        a jump of 0.4-1.2 % at the start, then a shock that decays
 *               over minutes: wide spreads, thin books, high volatility,
 *               volume spike, short-dated implied volatility bid up
 *
 * Regimes follow a Markov chain with exponential durations (SIM_REGIMES).
 * Every tradable underlying has a limit order book of contiguous tick levels
 * per side (SIM_MODEL.depth, at least 10).  Its fair price is X times a
 * ratio (SPY = X/10, a future carries X at r - q to its expiry).  Three
 * kinds of action hit a book, all driven by one self-exciting (Hawkes)
 * intensity per book: lambda = mu(t) + excitation, where mu(t) is the
 * instrument's base rate times its activity in the session phase, the
 * intraday U-shape and the regime's volume; each aggressive order adds
 * alpha to the excitation, which decays at beta, so orders come in bursts.
 *
 *   aggressive order  a buy (sell) takes the best asks (bids), walking at
 *                     most SIM_MODEL.max_sweep levels; one print per level at
 *                     that level's price with the known aggressor side; the
 *                     side is biased by the regime and by fair - mid
 *   maker action      makers pull stale quotes and improve towards the fair
 *                     spread, refill depth, or change a level's size
 *   option print      a trade on an option of the chain the book drives
 *
 * Time advances event by event: the next candidate instant is drawn from the
 * total intensity and thinned (Ogata) so the decaying excitation is exact;
 * heartbeats (every simulated second), session phase changes and regime
 * switches are scheduled instants that pre-empt it.  When nothing trades the
 * clock jumps from heartbeat to heartbeat, so quiet phases cost one event
 * per simulated second.
 *
 * Option chains are quoted from a private pricer: Black-Scholes-Merton with
 * cost of carry, Black-76 for options on futures, and the Barone-Adesi-Whaley
 * approximation for American (SPY) options, on a volatility surface with a
 * put skew and a term structure whose short end follows the regime.  A few
 * options per book update are re-quoted round-robin, so per-event work stays
 * O(1); a quote is sent only when its prices change.
 *
 * UNITS  Prices inside the model are doubles in the instrument's ticks, or
 * price units where named (_px); events carry integer ticks.  Time is td_ns
 * (UTC); rates are per simulated second; volatilities and rates annualised.
 * Sizes are shares (SPY) or contracts.
 *
 * Every random number comes from the simulator's own xoshiro256** generator
 * seeded with splitmix64, so the same seed and parameters give the same
 * event stream.  Events wait in a small queue; each step of the model fills
 * it with a bounded number of events (SIM_QCAP covers the worst step).
 */
#include "sim.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/instrument.h"
#include "core/price.h"
#include "core/session.h"
#include "core/text.h"
#include "core/time.h"

#define SIM_RING 64      /* price-indexed slots per book side; > max depth */
#define SIM_QCAP 256     /* queued events; more than any single step emits */
#define SIM_MAX_UND 2    /* underlyings per market */
#define SIM_MAX_EXP 4    /* expiries per chain: two weeklies, two monthlies */
#define SIM_SNAP_CHUNK 64  /* option quotes per step of the opening snapshot */
#define SIM_NS_PER_YEAR (365.25 * 86400.0 * 1e9)
/* Seconds of regular trading in a year, to turn annual vol into per second. */
#define SIM_TRADING_SEC_PER_YEAR (252.0 * 23400.0)

enum { RG_RANGE, RG_UP, RG_DOWN, RG_NEWS, RG_COUNT };

/* Everything tunable about the micro-structure, in one place. */
static const struct sim_model {
	int depth;              /* levels per side makers keep */
	int max_depth;          /* deeper levels are dropped */
	int max_sweep;          /* levels one aggressive order may walk */
	int max_reprice;        /* levels one maker action may pull or add */
	double hawkes_beta;     /* 1/s: decay rate of the excitation */
	double hawkes_branch;   /* mean orders triggered by one order (< 1) */
	double fair_pull;       /* buy-probability per spread of (fair - mid) */
	double order_alpha;     /* Pareto tail index of aggressive order size */
	double order_cap;       /* largest order, in multiples of the scale */
	double iceberg;         /* absorbing level size, in mean level sizes */
	double range_width;     /* half-width of a range band, log units */
	double breakout;        /* buy-probability push towards a near band edge */
	double breakout_zone;   /* fraction of the band near each edge */
	double range_halflife;  /* s: mean reversion inside the band */
	double news_jump_min;   /* news jump size, log units */
	double news_jump_max;
	double news_decay;      /* s: time constant of the news shock */
	double iv_halflife;     /* s: implied vol catching up with the regime */
	double iv_tau;          /* years: term-structure decay of the short vol */
	double skew;            /* IV change per standard deviation of moneyness */
	double smile;           /* IV convexity per squared standard deviation */
	double wing;            /* standard deviations beyond which the smile is flat */
	double opt_spread;      /* option spread as a fraction of its price */
	double opt_spread_otm;  /* extra spread per standard deviation OTM */
	double opt_size;        /* Pareto scale of an option print, contracts */
	int requote;            /* options re-quoted per book update */
	double u_floor;         /* U-shape: midday activity */
	double u_open;          /* extra activity at the open, decaying */
	double u_open_len;      /* fraction of the session it decays over */
	double u_close;         /* extra activity into the close */
	double u_close_len;
	double phase_vol[TD_PHASE_COUNT];  /* latent volatility per phase */
} SIM_MODEL = {
	.depth = 20,
	.max_depth = 28,
	.max_sweep = 8,
	.max_reprice = 4,
	.hawkes_beta = 0.8,
	.hawkes_branch = 0.65,
	.fair_pull = 0.25,
	.order_alpha = 1.7,
	.order_cap = 40.0,
	.iceberg = 5.0,
	.range_width = 0.0009,
	.breakout = 0.2,
	.breakout_zone = 0.25,
	.range_halflife = 240.0,
	.news_jump_min = 0.003,
	.news_jump_max = 0.008,
	.news_decay = 150.0,
	.iv_halflife = 300.0,
	.iv_tau = 0.08,
	.skew = -0.10,
	.smile = 0.025,
	.wing = 4.0,
	.opt_spread = 0.01,
	.opt_spread_otm = 0.35,
	.opt_size = 2.0,
	.requote = 4,
	.u_floor = 0.55,
	.u_open = 2.6,
	.u_open_len = 0.08,
	.u_close = 1.3,
	.u_close_len = 0.05,
	.phase_vol = {
		[TD_PHASE_CLOSED] = 0.3, [TD_PHASE_OVERNIGHT] = 0.45,
		[TD_PHASE_PREMARKET] = 0.6, [TD_PHASE_REGULAR] = 1.0,
		[TD_PHASE_POSTMARKET] = 0.6,
	},
};

/* How each regime shapes prices and flow. */
typedef struct sim_regime {
	const char *name;
	double minutes;           /* mean duration */
	double drift;             /* log drift per hour of regular trading */
	double vol;               /* annualised volatility of X */
	double flow;              /* bias of the buy probability (news: along the jump) */
	double spread;            /* quoted-spread multiplier */
	double volume;            /* aggressive-rate multiplier */
	double depth;             /* displayed-size multiplier */
	double iv;                /* short-dated implied vol it pulls towards */
	double next[RG_COUNT];    /* transition probabilities */
} sim_regime;

static const sim_regime SIM_REGIMES[RG_COUNT] = {
	[RG_RANGE] = { "range", 40, 0.0, 0.10, 0.0, 1.0, 0.8, 1.3, 0.12,
		       { 0.0, 0.42, 0.42, 0.16 } },
	[RG_UP] = { "trend-up", 30, 0.004, 0.13, 0.10, 1.0, 1.2, 1.0, 0.11,
		    { 0.55, 0.0, 0.30, 0.15 } },
	[RG_DOWN] = { "trend-down", 25, -0.005, 0.18, -0.12, 1.4, 1.4, 0.8, 0.20,
		      { 0.55, 0.30, 0.0, 0.15 } },
	[RG_NEWS] = { "news", 8, 0.0, 0.45, 0.20, 4.0, 4.0, 0.45, 0.40,
		      { 0.50, 0.25, 0.25, 0.0 } },
};

typedef enum sim_style { SIM_CME, SIM_NSE } sim_style;

/* One underlying of a market. */
typedef struct sim_spec {
	const char *root;          /* symbol, or root of futures and options */
	td_ins_kind kind;
	td_pxfmt px;
	int64_t multiplier;
	double index_ratio;        /* spot price = X * index_ratio */
	double act[TD_PHASE_COUNT];  /* activity per phase vs regular; 0: none */
	double agg_rate;           /* aggressive orders per second, midday baseline */
	double maker_ratio;        /* maker actions per aggressive order */
	double opt_ratio;          /* option prints per aggressive order */
	int64_t lot;               /* size unit: round lot or one contract */
	double level_lots;         /* mean displayed lots per level at the touch */
	double order_lots;         /* Pareto scale of an aggressive order, lots */
	int spread;                /* normal quoted spread, ticks */
	/* option chain; strike_step 0 means none */
	double strike_step;
	int strikes_half;          /* strikes each side of the money */
	td_pxfmt opx;
	int64_t omult;
	td_exercise ostyle;
} sim_spec;

/* A market: its underlyings in watchlist order and its calendar rules. */
typedef struct sim_market {
	const char *session;       /* preset name */
	sim_style style;           /* expiry calendar and symbol forms */
	double x_lo, x_hi;         /* range of the opening index level */
	double r, q;               /* interest rate and dividend yield */
	double vol_long;           /* long-dated implied volatility */
	size_t nund;
	sim_spec und[SIM_MAX_UND];
} sim_market;

/*
 * NIFTY futures tick 0.10: NSE moved index futures on indices between 15,000
 * and 30,000 from 0.05 to 0.10 on 2025-04-15; index options kept 0.05.
 * ES options use 0.05 throughout (CME's cabinet tick; 0.25 above 5.00 is not
 * modelled).
 */
static const sim_market SIM_MARKETS[] = {
	{
		.session = "us", .style = SIM_CME, .x_lo = 5000, .x_hi = 6000,
		.r = 0.040, .q = 0.013, .vol_long = 0.17, .nund = 2,
		.und = {
			{ .root = "SPY", .kind = TD_INS_EQUITY, .px = { 1, 2 },
			  .multiplier = 1, .index_ratio = 0.1,
			  .act = { 0, 0, 0.04, 1, 0.03 },
			  .agg_rate = 1.2, .maker_ratio = 3.0, .opt_ratio = 0.5,
			  .lot = 100, .level_lots = 9, .order_lots = 1.5, .spread = 1,
			  .strike_step = 1.0, .strikes_half = 20, .opx = { 1, 2 },
			  .omult = 100, .ostyle = TD_EXERCISE_AMERICAN },
			{ .root = "ES", .kind = TD_INS_FUTURE, .px = { 25, 2 },
			  .multiplier = 50, .index_ratio = 1.0,
			  .act = { 0, 0.05, 0.12, 1, 0.08 },
			  .agg_rate = 1.0, .maker_ratio = 3.0, .opt_ratio = 0.4,
			  .lot = 1, .level_lots = 25, .order_lots = 2.5, .spread = 1,
			  .strike_step = 25.0, .strikes_half = 15, .opx = { 5, 2 },
			  .omult = 50, .ostyle = TD_EXERCISE_EUROPEAN },
		},
	},
	{
		.session = "in", .style = SIM_NSE, .x_lo = 24000, .x_hi = 26000,
		.r = 0.065, .q = 0.012, .vol_long = 0.15, .nund = 2,
		.und = {
			{ .root = "NIFTY", .kind = TD_INS_INDEX, .px = { 5, 2 },
			  .multiplier = 1, .index_ratio = 1.0,
			  .act = { 0, 0, 0, 1, 0 },
			  .strike_step = 50.0, .strikes_half = 15, .opx = { 5, 2 },
			  .omult = 75, .ostyle = TD_EXERCISE_EUROPEAN },
			{ .root = "NIFTY", .kind = TD_INS_FUTURE, .px = { 10, 2 },
			  .multiplier = 75, .index_ratio = 1.0,
			  .act = { 0, 0, 0, 1, 0 },
			  .agg_rate = 1.5, .maker_ratio = 3.0, .opt_ratio = 0.8,
			  .lot = 1, .level_lots = 12, .order_lots = 1.5, .spread = 2 },
		},
	},
};

/* One side of a book: n contiguous levels from best, sized by price slot. */
typedef struct sim_side {
	td_ticks best;
	int away;                 /* -1 bids, +1 asks: direction of depth */
	int n;
	int64_t sz[SIM_RING];     /* size at price p in slot p & (SIM_RING - 1) */
} sim_side;

/* An underlying: its book (if tradable), flow state and option chain. */
typedef struct sim_und {
	const sim_spec *sp;
	uint32_t id;
	double tickp;             /* price units per tick */
	double ratio;             /* fair price = X * ratio */
	bool book;
	sim_side bid, ask;
	double mu;                /* baseline aggressive rate now, 1/s */
	double exc;               /* Hawkes excitation at t_exc, 1/s */
	td_ns t_exc;
	td_ticks qb, qa;          /* last QUOTE sent */
	int64_t qbs, qas;
	int drives;               /* underlying whose chain this book drives, or -1 */
	/* its own chain: options [opt0, opt0 + nopt), expiry-major, strike, C/P */
	size_t opt0, nopt, rr;
	int nexp, nstrikes;
	double k0;                /* lowest strike */
	td_ns expiry_ns[SIM_MAX_EXP];
} sim_und;

typedef struct sim_opt {
	uint32_t id;
	bool call;
	uint8_t und;              /* index of its underlying */
	double strike;
	td_ns expiry_ns;
	double tickp;
	td_ticks bid, ask;        /* TD_PX_NONE: no bid */
	int32_t bsz, asz;
	int64_t volume, oi;
} sim_opt;

/* Regime-dependent parameters in force, refreshed at each scheduled instant. */
typedef struct sim_eff {
	double drift, vol, flow, spread, volume, depth, iv;
} sim_eff;

typedef struct sim_rng {
	uint64_t s[4];
	bool has_spare;           /* the polar method makes normals in pairs */
	double spare;
} sim_rng;

enum { ST_OPEN, ST_SNAPSHOT, ST_LIVE };

struct td_sim {
	const sim_market *mk;
	const td_session *sess;
	const td_tz *tz;
	sim_rng rng;
	int64_t date;             /* local session date, days since the epoch */
	td_ns now;
	int stage;                /* ST_*: opening announcements, then live */
	size_t snap;              /* next option of the opening snapshot */
	td_phase phase;
	td_ns t_phase, t_hb, t_regime;  /* next scheduled instants */
	double lx;                /* log of the latent index level X */
	td_ns t_x;
	int regime;
	td_ns regime_t0;
	double news_dir;          /* +1 or -1: direction of the last news jump */
	double anchor;            /* range: centre of the band, log units */
	double shock;             /* news: 1 at the jump, decaying to 0 */
	double iv_short;          /* short-dated ATM implied vol */
	double ushape;            /* intraday activity factor */
	sim_eff eff;
	size_t nund;
	sim_und und[SIM_MAX_UND];
	sim_opt *opt;             /* owned */
	size_t nopt;
	td_event q[SIM_QCAP];
	size_t qh, qt;
};

/* ---- random numbers ---------------------------------------------------- */

/* splitmix64: expands the seed into the generator's state. */
static uint64_t sim_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t sim_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256**. */
static uint64_t rng_next(sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = sim_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = sim_rotl(s[3], 45);
	return out;
}

static void rng_seed(sim_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = sim_splitmix(&seed);
	r->has_spare = false;
}

/* Uniform in (0, 1]; never 0, so its log is finite. */
static double rng_unit(sim_rng *r)
{
	return (double)((rng_next(r) >> 11) + 1) * 0x1.0p-53;
}

static bool rng_coin(sim_rng *r, double p)
{
	return rng_unit(r) <= p;
}

/* Standard exponential. */
static double rng_exp(sim_rng *r)
{
	return -log(rng_unit(r));
}

/* Standard normal (Marsaglia's polar method). */
static double rng_norm(sim_rng *r)
{
	if (r->has_spare) {
		r->has_spare = false;
		return r->spare;
	}
	double u, v, s;
	do {
		u = 2.0 * rng_unit(r) - 1.0;
		v = 2.0 * rng_unit(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	double f = sqrt(-2.0 * log(s) / s);
	r->spare = v * f;
	r->has_spare = true;
	return u * f;
}

/* Pareto with scale 1 and tail index alpha: heavy-tailed sizes >= 1. */
static double rng_pareto(sim_rng *r, double alpha)
{
	return exp(rng_exp(r) / alpha);
}

/* ---- option pricing (private; the options module has the real one) ----- */

static double ncdf(double x)
{
	return 0.5 * erfc(-x * M_SQRT1_2);
}

static double npdf(double x)
{
	return 0.3989422804014327 * exp(-0.5 * x * x);
}

/* Black-Scholes-Merton with cost of carry b (r - q; 0 gives Black-76). */
static double gbs(bool call, double s, double k, double t, double r, double b, double v)
{
	double sq = v * sqrt(t);
	double d1 = (log(s / k) + (b + 0.5 * v * v) * t) / sq;
	double d2 = d1 - sq;
	double ds = s * exp((b - r) * t), dk = k * exp(-r * t);
	return call ? ds * ncdf(d1) - dk * ncdf(d2) : dk * ncdf(-d2) - ds * ncdf(-d1);
}

/* Barone-Adesi-Whaley critical price, by Haug's Newton iteration (sgn: +1 call, -1 put). */
static double baw_critical(bool call, double k, double t, double r, double b, double v)
{
	double v2 = v * v, n = 2.0 * b / v2, m = 2.0 * r / v2, sq = v * sqrt(t);
	double kk = 1.0 - exp(-r * t), carry = exp((b - r) * t), sgn = call ? 1.0 : -1.0;
	double disc = (n - 1.0) * (n - 1.0);
	double qu = (-(n - 1.0) + sgn * sqrt(disc + 4.0 * m)) / 2.0;
	double q = (-(n - 1.0) + sgn * sqrt(disc + 4.0 * m / kk)) / 2.0;
	double su = k / (1.0 - 1.0 / qu);
	double si = call ? k + (su - k) * (1.0 - exp(-(b * t + 2.0 * sq) * k / (su - k)))
			 : su + (k - su) * exp((b * t - 2.0 * sq) * k / (k - su));
	for (int i = 0; i < 60; i++) {
		double d1 = (log(si / k) + (b + 0.5 * v2) * t) / sq;
		double nd = ncdf(sgn * d1), pd = carry * npdf(d1) / sq;
		double rhs = gbs(call, si, k, t, r, b, v) + sgn * (1.0 - carry * nd) * si / q;
		if (fabs(sgn * (si - k) - rhs) < 1e-7 * k)
			break;
		double bi = sgn * carry * nd * (1.0 - 1.0 / q) + (sgn - pd) / q;
		si = (sgn * k + rhs - bi * si) / (sgn - bi);
	}
	return si;
}

/* Barone-Adesi-Whaley American value. */
static double baw(bool call, double s, double k, double t, double r, double b, double v)
{
	double euro = gbs(call, s, k, t, r, b, v);
	if (call && b >= r)
		return euro;  /* never worth exercising early */
	double sgn = call ? 1.0 : -1.0, carry = exp((b - r) * t);
	double n = 2.0 * b / (v * v), m = 2.0 * r / (v * v), kk = 1.0 - exp(-r * t);
	double q = (-(n - 1.0) + sgn * sqrt((n - 1.0) * (n - 1.0) + 4.0 * m / kk)) / 2.0;
	double sk = baw_critical(call, k, t, r, b, v);
	if (sgn * (s - sk) >= 0.0)
		return sgn * (s - k);
	double d1 = (log(sk / k) + (b + 0.5 * v * v) * t) / (v * sqrt(t));
	double a = sgn * (sk / q) * (1.0 - carry * ncdf(sgn * d1));
	return euro + a * pow(s / sk, q);
}

/* ---- calendars and symbols --------------------------------------------- */

/* Third Friday of a month (US monthly options, quarterly futures). */
static int64_t third_friday(int y, int m)
{
	int64_t first = td_days_from_civil(y, m, 1);
	return first + (5 - td_weekday(first) + 7) % 7 + 14;
}

/* Last Tuesday of a month (NSE monthly expiry since September 2025). */
static int64_t last_tuesday(int y, int m)
{
	int64_t last = td_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
	return last - (td_weekday(last) - 2 + 7) % 7;
}

static int64_t monthly_expiry(sim_style st, int y, int m)
{
	return st == SIM_CME ? third_friday(y, m) : last_tuesday(y, m);
}

/* Is day d its month's monthly expiry? */
static bool is_monthly(sim_style st, int64_t d)
{
	int y, m, dd;
	td_civil_from_days(d, &y, &m, &dd);
	return monthly_expiry(st, y, m) == d;
}

/* The first monthly expiry on or after day d + min_ahead, stepping months. */
static int64_t next_monthly(sim_style st, int64_t d, int64_t min_ahead, int month_step)
{
	int y, m, dd;
	td_civil_from_days(d, &y, &m, &dd);
	if (month_step > 1)
		m = ((m - 1) / month_step + 1) * month_step;  /* first month of the cycle >= m */
	for (;;) {
		int64_t e = monthly_expiry(st, y, m);
		if (e >= d + min_ahead)
			return e;
		m += month_step;
		if (m > 12) {
			m -= 12;
			y++;
		}
	}
}

/* Two weeklies (not monthlies) and two monthlies from day d on, ascending. */
static int chain_expiries(sim_style st, int64_t d, int64_t out[SIM_MAX_EXP])
{
	int wday = st == SIM_CME ? 5 : 2;
	int64_t mon1 = next_monthly(st, d, 0, 1);
	int64_t mon2 = next_monthly(st, mon1, 1, 1);
	int64_t wk[2];
	int nw = 0;
	for (int64_t e = d + (wday - td_weekday(d) + 7) % 7; nw < 2; e += 7)
		if (!is_monthly(st, e))
			wk[nw++] = e;
	int64_t all[SIM_MAX_EXP] = { wk[0], wk[1], mon1, mon2 };
	for (int i = 1; i < SIM_MAX_EXP; i++)
		for (int j = i; j > 0 && all[j] < all[j - 1]; j--) {
			int64_t t = all[j];
			all[j] = all[j - 1];
			all[j - 1] = t;
		}
	memcpy(out, all, sizeof(all));
	return SIM_MAX_EXP;
}

static const char *const sim_mon3[12] = {
	"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
};

/* Front future: CME quarterly (rolled 8 days before expiry) or NSE monthly. */
static int64_t front_future(sim_style st, int64_t d, char *sym, size_t n, const char *root)
{
	int y, m, dd;
	int64_t e = st == SIM_CME ? next_monthly(st, d, 8, 3) : next_monthly(st, d, 0, 1);
	td_civil_from_days(e, &y, &m, &dd);
	if (st == SIM_CME)
		snprintf(sym, n, "%s%c%d", root, "HMUZ"[m / 3 - 1], y % 10);
	else
		snprintf(sym, n, "%s%02d%sFUT", root, y % 100, sim_mon3[m - 1]);
	return e;
}

/*
 * NSE option symbol: weeklies NIFTY<YY><M><DD><strike><CE|PE> with M = 1-9,
 * O, N, D; monthlies NIFTY<YY><MON><strike><CE|PE>.
 */
static void nse_option_symbol(char *buf, size_t n, const td_occ *o, bool monthly)
{
	long long k = (long long)(o->strike_milli / 1000);
	const char *cp = o->right == 'C' ? "CE" : "PE";
	if (monthly)
		snprintf(buf, n, "%s%02d%s%lld%s", o->root, o->year % 100, sim_mon3[o->month - 1], k, cp);
	else
		snprintf(buf, n, "%s%02d%c%02d%lld%s", o->root, o->year % 100,
			 "123456789OND"[o->month - 1], o->day, k, cp);
}

/* ---- the event queue --------------------------------------------------- */

/* Append an event stamped now; the caller fills its payload. */
static td_event *emit(td_sim *s, td_ev_type type, uint32_t instr)
{
	if (s->qt >= SIM_QCAP)
		abort();  /* a step emitted more than SIM_QCAP allows: a bug */
	td_event *ev = &s->q[s->qt++];
	memset(ev, 0, sizeof(*ev));
	ev->type = (uint8_t)type;
	ev->instr = instr;
	ev->exch_ns = s->now;
	return ev;
}

static void emit_status(td_sim *s, td_status_kind kind)
{
	td_event *ev = emit(s, TD_EV_STATUS, TD_NO_ID);
	ev->u.status.kind = (uint8_t)kind;
	ev->u.status.phase = (uint8_t)s->phase;
}

static void emit_trade(td_sim *s, uint32_t id, td_ticks px, int64_t size, td_side aggr)
{
	td_event *ev = emit(s, TD_EV_TRADE, id);
	ev->u.trade.px = px;
	ev->u.trade.size = size;
	ev->u.trade.aggressor = (uint8_t)aggr;
}

/* ---- books -------------------------------------------------------------- */

static int64_t *slot(sim_side *sd, td_ticks px)
{
	return &sd->sz[(uint64_t)px & (SIM_RING - 1)];
}

static td_ticks level_px(const sim_side *sd, int i)
{
	return sd->best + (td_ticks)sd->away * i;
}

static void emit_level(td_sim *s, const sim_und *u, const sim_side *sd, td_ticks px, int64_t size)
{
	td_event *ev = emit(s, TD_EV_LEVEL, u->id);
	ev->u.level.px = px;
	ev->u.level.size = size;
	ev->u.level.side = (uint8_t)(sd->away < 0 ? TD_SIDE_BUY : TD_SIDE_SELL);
}

/* A fresh level's size: thicker deeper in the book, thinner in a shock. */
static int64_t fresh_size(td_sim *s, const sim_und *u, int depth)
{
	double lots = u->sp->level_lots * s->eff.depth * (0.6 + 0.08 * depth) *
		      (0.3 + 0.7 * rng_exp(&s->rng));
	return u->sp->lot * (lots < 1.0 ? 1 : (int64_t)lots);
}

/* Drop the deepest level. */
static void side_pop_back(td_sim *s, sim_und *u, sim_side *sd)
{
	td_ticks px = level_px(sd, sd->n - 1);
	*slot(sd, px) = 0;
	sd->n--;
	emit_level(s, u, sd, px, 0);
}

/* Add a level one tick better than best; drops the deepest past max_depth. */
static void side_push_top(td_sim *s, sim_und *u, sim_side *sd, int64_t size)
{
	sd->best -= sd->away;
	sd->n++;
	*slot(sd, sd->best) = size;
	emit_level(s, u, sd, sd->best, size);
	if (sd->n > SIM_MODEL.max_depth)
		side_pop_back(s, u, sd);
}

/* Pull the best level. */
static void side_pop_top(td_sim *s, sim_und *u, sim_side *sd)
{
	td_ticks px = sd->best;
	*slot(sd, px) = 0;
	sd->best += sd->away;
	sd->n--;
	emit_level(s, u, sd, px, 0);
}

static void side_push_back(td_sim *s, sim_und *u, sim_side *sd)
{
	td_ticks px = level_px(sd, sd->n);
	int64_t size = fresh_size(s, u, sd->n);
	*slot(sd, px) = size;
	sd->n++;
	emit_level(s, u, sd, px, size);
}

/* Send the top of book if it changed since the last QUOTE. */
static void quote_if_changed(td_sim *s, sim_und *u)
{
	int64_t bs = *slot(&u->bid, u->bid.best), as = *slot(&u->ask, u->ask.best);
	if (u->qb == u->bid.best && u->qa == u->ask.best && u->qbs == bs && u->qas == as)
		return;
	u->qb = u->bid.best;
	u->qa = u->ask.best;
	u->qbs = bs;
	u->qas = as;
	td_event *ev = emit(s, TD_EV_QUOTE, u->id);
	ev->u.quote.bid = u->qb;
	ev->u.quote.ask = u->qa;
	ev->u.quote.bid_sz = (int32_t)(bs > INT32_MAX ? INT32_MAX : bs);
	ev->u.quote.ask_sz = (int32_t)(as > INT32_MAX ? INT32_MAX : as);
}

/* ---- the latent market ------------------------------------------------- */

static double lerp(double a, double b, double w)
{
	return a + (b - a) * w;
}

/* Recompute the regime-dependent parameters (news blends into range as it decays). */
static void refresh_eff(td_sim *s)
{
	const sim_regime *g = &SIM_REGIMES[s->regime];
	if (s->regime == RG_NEWS) {
		const sim_regime *base = &SIM_REGIMES[RG_RANGE];
		double w = s->shock;
		s->eff = (sim_eff){
			.drift = 0.0,
			.vol = lerp(base->vol, g->vol, w),
			.flow = g->flow * w * s->news_dir,
			.spread = lerp(base->spread, g->spread, w),
			.volume = lerp(base->volume, g->volume, w),
			.depth = lerp(base->depth, g->depth, w),
			.iv = lerp(base->iv, g->iv, w),
		};
		return;
	}
	s->eff = (sim_eff){ g->drift, g->vol, g->flow, g->spread, g->volume, g->depth, g->iv };
}

/* Move X from t_x to t under the regime's process. */
static void advance_latent(td_sim *s, td_ns t)
{
	if (t <= s->t_x)
		return;
	double dt = (double)(t - s->t_x) / 1e9;
	double vs = s->eff.vol * SIM_MODEL.phase_vol[s->phase] / sqrt(SIM_TRADING_SEC_PER_YEAR);
	double noise = vs * sqrt(dt) * rng_norm(&s->rng);
	if (s->regime == RG_RANGE) {
		double theta = M_LN2 / SIM_MODEL.range_halflife, w = SIM_MODEL.range_width;
		s->lx += theta * (s->anchor - s->lx) * dt + noise;
		if (s->lx > s->anchor + w)
			s->lx = 2.0 * (s->anchor + w) - s->lx;
		if (s->lx < s->anchor - w)
			s->lx = 2.0 * (s->anchor - w) - s->lx;
	} else {
		double drift = s->eff.drift * SIM_MODEL.phase_vol[s->phase] / 3600.0;
		s->lx += (drift - 0.5 * vs * vs) * dt + noise;
	}
	s->t_x = t;
}

/* Fair price of an underlying in its ticks. */
static double fair_ticks(const td_sim *s, const sim_und *u)
{
	return exp(s->lx) * u->ratio / u->tickp;
}

/* The range band's edges for a book, in ticks (only meaningful in range). */
static void band_ticks(const td_sim *s, const sim_und *u, td_ticks *lo, td_ticks *hi)
{
	double k = u->ratio / u->tickp, w = SIM_MODEL.range_width;
	*lo = (td_ticks)ceil(exp(s->anchor - w) * k);
	*hi = (td_ticks)floor(exp(s->anchor + w) * k);
}

static int spread_target(const td_sim *s, const sim_und *u)
{
	int sp = (int)lround(u->sp->spread * s->eff.spread);
	return sp < 1 ? 1 : sp;
}

/*
 * Where makers want the best bid and ask.  In range they defend the band:
 * while fair value is near an edge the quote stays pinned at that edge.
 */
static void targets(const td_sim *s, const sim_und *u, td_ticks *tb, td_ticks *ta)
{
	int sp = spread_target(s, u);
	double f = fair_ticks(s, u);
	*tb = (td_ticks)llround(f - 0.5 * sp);
	*ta = *tb + sp;
	if (s->regime != RG_RANGE)
		return;
	td_ticks lo, hi;
	band_ticks(s, u, &lo, &hi);
	if (hi - lo < 2 * sp + 2)
		return;
	double zone = SIM_MODEL.breakout_zone * (double)(hi - lo);
	if (*ta > hi || f > (double)hi - zone) {
		*ta = hi;
		*tb = hi - sp;
	}
	if (*tb < lo || f < (double)lo + zone) {
		*tb = lo;
		*ta = lo + sp;
	}
}

/* Intraday activity: heavy at the open, light at midday, rising into the close. */
static double ushape(const td_sim *s)
{
	const td_session *se = s->sess;
	int off = td_tz_offset(s->tz, s->now);
	td_ns tod = ((s->now + (td_ns)off * TD_NS_PER_SEC) % TD_NS_PER_DAY + TD_NS_PER_DAY) % TD_NS_PER_DAY;
	double len = (double)(se->close_tod - se->open_tod);
	double x = len > 0 ? (double)(tod - se->open_tod) / len : 0.5;
	if (x < 0.0 || x > 1.0)
		return 1.0;
	return SIM_MODEL.u_floor + SIM_MODEL.u_open * exp(-x / SIM_MODEL.u_open_len) +
	       SIM_MODEL.u_close * exp(-(1.0 - x) / SIM_MODEL.u_close_len);
}

/* Baseline rates from phase, U-shape and regime. */
static void refresh_rates(td_sim *s)
{
	s->ushape = s->phase == TD_PHASE_REGULAR ? ushape(s) : 1.0;
	for (size_t i = 0; i < s->nund; i++) {
		sim_und *u = &s->und[i];
		u->mu = u->book ? u->sp->agg_rate * u->sp->act[s->phase] * s->ushape * s->eff.volume : 0.0;
	}
}

/* Aggressive-order intensity of a book at t (baseline plus decayed excitation). */
static double agg_rate(const sim_und *u, td_ns t)
{
	double age = (double)(t - u->t_exc) / 1e9;
	return u->mu + u->exc * exp(-SIM_MODEL.hawkes_beta * age);
}

/* All actions of a book per second: orders, maker actions, option prints. */
static double book_rate(const td_sim *s, const sim_und *u, td_ns t)
{
	if (!u->book || u->mu <= 0.0)
		return 0.0;
	double opt = s->phase == TD_PHASE_REGULAR && u->drives >= 0 ? u->sp->opt_ratio : 0.0;
	return agg_rate(u, t) * (1.0 + u->sp->maker_ratio + opt);
}

/* ---- options ------------------------------------------------------------ */

/* Price of a chain's underlying in price units, and its cost of carry. */
static double chain_spot(const td_sim *s, const sim_und *c, double *b)
{
	*b = c->sp->kind == TD_INS_FUTURE ? 0.0 : s->mk->r - s->mk->q;
	if (!c->book)
		return exp(s->lx) * c->ratio;
	return 0.5 * (double)(c->bid.best + c->ask.best) * c->tickp;
}

/*
 * Implied volatility from the surface: term structure, then skew and smile in
 * standardised moneyness, flat beyond the wings so that far strikes near
 * expiry keep call prices falling and put prices rising with the strike.
 */
static double surface_iv(const td_sim *s, double fwd, double k, double t)
{
	double atm = lerp(s->mk->vol_long, s->iv_short, exp(-t / SIM_MODEL.iv_tau));
	double m = log(k / fwd) / (atm * sqrt(t)), w = SIM_MODEL.wing;
	m = m < -w ? -w : m > w ? w : m;
	return atm * (1.0 + SIM_MODEL.skew * m + SIM_MODEL.smile * m * m);
}

/* Model value of an option, and its distance from the money in std devs (up to the wing). */
static double option_value(const td_sim *s, const sim_opt *o, double spot, double b, double *sd)
{
	const sim_und *c = &s->und[o->und];
	double t = (double)(o->expiry_ns - s->now) / SIM_NS_PER_YEAR;
	if (t < 1e-5)
		t = 1e-5;  /* about five minutes: the last quotes of expiry day */
	double r = s->mk->r, fwd = spot * exp(b * t);
	double v = surface_iv(s, fwd, o->strike, t);
	*sd = fmin(fabs(log(o->strike / fwd)) / (v * sqrt(t)), SIM_MODEL.wing);
	if (c->sp->ostyle == TD_EXERCISE_AMERICAN)
		return baw(o->call, spot, o->strike, t, r, b, v);
	return gbs(o->call, spot, o->strike, t, r, b, v);
}

static void emit_optq(td_sim *s, const sim_opt *o)
{
	td_event *ev = emit(s, TD_EV_OPTQ, o->id);
	ev->u.optq.bid = o->bid;
	ev->u.optq.ask = o->ask;
	ev->u.optq.bid_sz = o->bsz;
	ev->u.optq.ask_sz = o->asz;
	ev->u.optq.volume = o->volume;
	ev->u.optq.oi = o->oi;
}

/* Re-price one option; send a quote when its prices changed (or always). */
static void quote_option(td_sim *s, sim_opt *o, double spot, double b, bool always)
{
	double sd;
	double val = option_value(s, o, spot, b, &sd) / o->tickp;
	double half = 0.5 * (SIM_MODEL.opt_spread * val + 1.0) *
		      (1.0 + SIM_MODEL.opt_spread_otm * sd) * s->eff.spread;
	if (half < 0.5)
		half = 0.5;
	td_ticks bid = (td_ticks)floor(val - half), ask = (td_ticks)ceil(val + half);
	if (ask < 1)
		ask = 1;
	if (bid >= ask)
		bid = ask - 1;
	if (bid <= 0)
		bid = TD_PX_NONE;
	if (!always && bid == o->bid && ask == o->ask)
		return;
	double depth = 10.0 + 190.0 * exp(-0.5 * sd * sd);
	o->bid = bid;
	o->ask = ask;
	o->bsz = bid == TD_PX_NONE ? 0 : (int32_t)(depth * (0.3 + 0.7 * rng_exp(&s->rng))) + 1;
	o->asz = (int32_t)(depth * (0.3 + 0.7 * rng_exp(&s->rng))) + 1;
	emit_optq(s, o);
}

/* Re-quote the next few options of chain c, round-robin; skip expired ones. */
static void requote_chain(td_sim *s, sim_und *c)
{
	if (c->nopt == 0 || s->phase != TD_PHASE_REGULAR)
		return;
	double b, spot = chain_spot(s, c, &b);
	for (int i = 0; i < SIM_MODEL.requote; i++) {
		sim_opt *o = &s->opt[c->opt0 + c->rr];
		c->rr = (c->rr + 1) % c->nopt;
		if (o->expiry_ns > s->now)
			quote_option(s, o, spot, b, false);
	}
}

/* Weights of the expiries in option flow: the nearest trade most. */
static const double sim_exp_weight[SIM_MAX_EXP] = { 0.45, 0.25, 0.18, 0.12 };

/* An option print on chain c: near the money and near expiry mostly. */
static void option_trade(td_sim *s, sim_und *c)
{
	double u = rng_unit(&s->rng), acc = 0.0;
	int e = 0;
	while (e < c->nexp - 1 && u > (acc += sim_exp_weight[e]))
		e++;
	double b, spot = chain_spot(s, c, &b);
	int off = (int)(rng_exp(&s->rng) * 2.5);
	if (rng_coin(&s->rng, 0.5))
		off = -off;
	int k = (int)lround((spot - c->k0) / c->sp->strike_step) + off;
	if (k < 0 || k >= c->nstrikes)
		return;
	bool call = rng_coin(&s->rng, off > 0 ? 0.7 : off < 0 ? 0.3 : 0.5);
	sim_opt *o = &s->opt[c->opt0 + ((size_t)e * (size_t)c->nstrikes + (size_t)k) * 2 + (call ? 0 : 1)];
	if (o->expiry_ns <= s->now)
		return;
	quote_option(s, o, spot, b, false);
	bool buy = rng_coin(&s->rng, 0.5 + 0.5 * s->eff.flow * (call ? 1.0 : -1.0)) || o->bid == TD_PX_NONE;
	double size = SIM_MODEL.opt_size * rng_pareto(&s->rng, SIM_MODEL.order_alpha);
	int64_t n = size > 500.0 ? 500 : (int64_t)size;
	emit_trade(s, o->id, buy ? o->ask : o->bid, n, buy ? TD_SIDE_BUY : TD_SIDE_SELL);
	o->volume += n;
	emit_optq(s, o);
}

/* ---- book actions -------------------------------------------------------- */

/* In range, the band edge refills as an iceberg: aggression there is absorbed. */
static void defend_band(td_sim *s, sim_und *u, sim_side *sd)
{
	td_ticks lo, hi;
	band_ticks(s, u, &lo, &hi);
	td_ticks edge = sd->away > 0 ? hi : lo;
	sim_side *other = sd->away > 0 ? &u->bid : &u->ask;
	int64_t big = (int64_t)(SIM_MODEL.iceberg * u->sp->level_lots) * u->sp->lot;
	for (int i = 0; i < SIM_MODEL.max_reprice && (sd->best - edge) * sd->away > 0 &&
			(sd->best - sd->away - other->best) * sd->away > 0; i++)
		side_push_top(s, u, sd, big);
	int64_t *top = slot(sd, sd->best);
	if (sd->best == edge && *top < big) {
		*top = big;
		emit_level(s, u, sd, sd->best, big);
	}
}

/* In range, traders near a band edge try to break it (and meet the iceberg). */
static double breakout_flow(const td_sim *s, const sim_und *u, double mid)
{
	if (s->regime != RG_RANGE)
		return 0.0;
	td_ticks lo, hi;
	band_ticks(s, u, &lo, &hi);
	double zone = SIM_MODEL.breakout_zone * (double)(hi - lo);
	if (mid > (double)hi - zone)
		return SIM_MODEL.breakout;
	if (mid < (double)lo + zone)
		return -SIM_MODEL.breakout;
	return 0.0;
}

/* Size of an aggressive order: heavy-tailed, in round lots. */
static int64_t order_size(td_sim *s, const sim_und *u)
{
	double lots = u->sp->order_lots * rng_pareto(&s->rng, SIM_MODEL.order_alpha);
	if (lots > SIM_MODEL.order_cap * u->sp->order_lots)
		lots = SIM_MODEL.order_cap * u->sp->order_lots;
	return u->sp->lot * (int64_t)lots;
}

/*
 * A market order: prints at each level it takes, best first, then the new
 * sizes of those levels.  It never takes the last level of a side.
 */
static void aggress(td_sim *s, sim_und *u)
{
	double mid = 0.5 * (double)(u->bid.best + u->ask.best);
	double pbuy = 0.5 + s->eff.flow + breakout_flow(s, u, mid) +
		      SIM_MODEL.fair_pull * (fair_ticks(s, u) - mid) / spread_target(s, u);
	pbuy = pbuy < 0.05 ? 0.05 : pbuy > 0.95 ? 0.95 : pbuy;
	bool buy = rng_coin(&s->rng, pbuy);
	sim_side *sd = buy ? &u->ask : &u->bid;
	int64_t want = order_size(s, u);
	td_ticks px[16];
	int64_t left[16];
	int k = 0;
	while (want > 0 && k < SIM_MODEL.max_sweep && sd->n > 1) {
		int64_t *l = slot(sd, sd->best);
		int64_t take = want < *l ? want : *l;
		emit_trade(s, u->id, sd->best, take, buy ? TD_SIDE_BUY : TD_SIDE_SELL);
		*l -= take;
		want -= take;
		px[k] = sd->best;
		left[k++] = *l;
		if (*l == 0) {
			sd->best += sd->away;
			sd->n--;
		}
	}
	for (int i = 0; i < k; i++)
		emit_level(s, u, sd, px[i], left[i]);
	if (s->regime == RG_RANGE)
		defend_band(s, u, sd);
	u->exc = agg_rate(u, s->now) - u->mu + SIM_MODEL.hawkes_branch * SIM_MODEL.hawkes_beta;
	u->t_exc = s->now;
}

/* Makers pull quotes that are through the target or improve towards it. */
static bool reprice(td_sim *s, sim_und *u, sim_side *sd, td_ticks target)
{
	sim_side *other = sd == &u->bid ? &u->ask : &u->bid;
	td_ticks stale = (target - sd->best) * sd->away;  /* > 0: best is through the target */
	if (stale > 0 && sd->n > 1) {
		for (int i = 0; i < SIM_MODEL.max_reprice && i < stale && sd->n > 1; i++)
			side_pop_top(s, u, sd);
		return true;
	}
	td_ticks room = (other->best - sd->best) * -sd->away - 1;  /* free ticks inside the spread */
	td_ticks gap = -stale < room ? -stale : room;
	if (gap <= 0)
		return false;
	for (int i = 0; i < SIM_MODEL.max_reprice && i < gap; i++)
		side_push_top(s, u, sd, fresh_size(s, u, 0));
	return true;
}

/* Change the size of a level near the top: orders join and cancel. */
static void churn(td_sim *s, sim_und *u, sim_side *sd)
{
	int i = (int)(rng_exp(&s->rng) * 3.0);
	if (i >= sd->n)
		i = sd->n - 1;
	td_ticks px = level_px(sd, i);
	int64_t *l = slot(sd, px);
	int64_t chunk = u->sp->lot * (1 + (int64_t)(0.5 * u->sp->level_lots * rng_unit(&s->rng)));
	if (rng_coin(&s->rng, 0.5))
		*l += chunk;
	else if (*l - chunk >= u->sp->lot)
		*l -= chunk;
	else if (i == sd->n - 1 && sd->n > SIM_MODEL.depth / 2) {
		side_pop_back(s, u, sd);
		return;
	} else {
		return;
	}
	emit_level(s, u, sd, px, *l);
}

/*
 * One maker action: reprice both sides if needed (the side through its target
 * first, so the other has room to improve), else refill depth, else churn.
 */
static void make(td_sim *s, sim_und *u)
{
	td_ticks tb, ta;
	targets(s, u, &tb, &ta);
	bool bid_first = u->bid.best > tb || (u->ask.best >= ta && rng_coin(&s->rng, 0.5));
	sim_side *first = bid_first ? &u->bid : &u->ask, *second = bid_first ? &u->ask : &u->bid;
	bool moved = reprice(s, u, first, bid_first ? tb : ta);
	moved |= reprice(s, u, second, bid_first ? ta : tb);
	if (moved)
		return;
	if (first->n < SIM_MODEL.depth)
		side_push_back(s, u, first);
	else
		churn(s, u, first);
}

/* One accepted action of book u at now. */
static void book_action(td_sim *s, sim_und *u)
{
	double opt = s->phase == TD_PHASE_REGULAR && u->drives >= 0 ? u->sp->opt_ratio : 0.0;
	double pick = rng_unit(&s->rng) * (1.0 + u->sp->maker_ratio + opt);
	if (pick > 1.0 + u->sp->maker_ratio) {
		option_trade(s, &s->und[u->drives]);
		return;
	}
	if (pick <= 1.0)
		aggress(s, u);
	else
		make(s, u);
	quote_if_changed(s, u);
	if (u->drives >= 0)
		requote_chain(s, &s->und[u->drives]);
}

/* ---- scheduled instants ------------------------------------------------- */

static void schedule_regime(td_sim *s)
{
	double mean = SIM_REGIMES[s->regime].minutes * 60.0;
	double dur = mean * (0.25 + 0.75 * rng_exp(&s->rng));
	s->t_regime = s->now + (td_ns)(dur * 1e9);
}

/* Enter a regime: a range anchors its band here; news jumps. */
static void enter_regime(td_sim *s, int rg)
{
	s->regime = rg;
	s->regime_t0 = s->now;
	s->shock = 0.0;
	if (rg == RG_RANGE)
		s->anchor = s->lx;
	if (rg == RG_NEWS) {
		s->news_dir = rng_coin(&s->rng, 0.5) ? 1.0 : -1.0;
		s->lx += s->news_dir * lerp(SIM_MODEL.news_jump_min, SIM_MODEL.news_jump_max, rng_unit(&s->rng));
		s->shock = 1.0;
		s->iv_short = SIM_REGIMES[RG_NEWS].iv;
	}
	refresh_eff(s);
	refresh_rates(s);
	schedule_regime(s);
}

static void switch_regime(td_sim *s)
{
	advance_latent(s, s->now);
	const double *p = SIM_REGIMES[s->regime].next;
	double u = rng_unit(&s->rng), acc = 0.0;
	int next = 0;
	while (next < RG_COUNT - 1 && u > (acc += p[next]))
		next++;
	enter_regime(s, next);
}

static void change_phase(td_sim *s)
{
	advance_latent(s, s->now);
	td_phase was = s->phase;
	s->phase = td_session_phase_at(s->sess, s->now);
	td_ns nx = td_session_next_change(s->sess, s->now);
	s->t_phase = nx > s->now ? nx : s->now + TD_NS_PER_DAY;
	if (s->phase != was)
		emit_status(s, TD_ST_PHASE);
	refresh_rates(s);
}

/* Index value as a print without size or aggressor. */
static void index_print(td_sim *s, const sim_und *u)
{
	emit_trade(s, u->id, (td_ticks)llround(fair_ticks(s, u)), 0, TD_SIDE_NONE);
}

/* Once a simulated second: decay the shock, drift implied vol, tick the index. */
static void heartbeat(td_sim *s)
{
	advance_latent(s, s->now);
	if (s->regime == RG_NEWS)
		s->shock = exp(-(double)(s->now - s->regime_t0) / 1e9 / SIM_MODEL.news_decay);
	refresh_eff(s);
	s->iv_short += (s->eff.iv - s->iv_short) * (1.0 - exp2(-1.0 / SIM_MODEL.iv_halflife));
	refresh_rates(s);
	for (size_t i = 0; i < s->nund; i++) {
		sim_und *u = &s->und[i];
		if (!u->book && u->sp->act[s->phase] > 0.0)
			index_print(s, u);
		requote_chain(s, u);
	}
	emit_status(s, TD_ST_HEARTBEAT);
	s->t_hb += TD_NS_PER_SEC;
}

/* ---- the step ------------------------------------------------------------ */

/* Feed up, the phase, and every book at the start instant. */
static void opening(td_sim *s)
{
	emit_status(s, TD_ST_FEED_UP);
	emit_status(s, TD_ST_PHASE);
	for (size_t i = 0; i < s->nund; i++) {
		sim_und *u = &s->und[i];
		if (!u->book) {
			index_print(s, u);
			continue;
		}
		for (int d = 0; d < u->bid.n; d++)
			emit_level(s, u, &u->bid, level_px(&u->bid, d), *slot(&u->bid, level_px(&u->bid, d)));
		for (int d = 0; d < u->ask.n; d++)
			emit_level(s, u, &u->ask, level_px(&u->ask, d), *slot(&u->ask, level_px(&u->ask, d)));
		quote_if_changed(s, u);
	}
	s->stage = ST_SNAPSHOT;
}

/* A chunk of the opening option quotes (every option gets one). */
static void snapshot(td_sim *s)
{
	for (int i = 0; i < SIM_SNAP_CHUNK && s->snap < s->nopt; i++, s->snap++) {
		sim_opt *o = &s->opt[s->snap];
		double b, spot = chain_spot(s, &s->und[o->und], &b);
		quote_option(s, o, spot, b, true);
	}
	if (s->snap == s->nopt)
		s->stage = ST_LIVE;
}

static double total_rate(const td_sim *s, td_ns t)
{
	double sum = 0.0;
	for (size_t i = 0; i < s->nund; i++)
		sum += book_rate(s, &s->und[i], t);
	return sum;
}

/* Run the earliest scheduled instant: phase change, regime switch, heartbeat. */
static void run_scheduled(td_sim *s, td_ns due)
{
	s->now = due;
	if (due == s->t_phase)
		change_phase(s);
	else if (due == s->t_regime)
		switch_regime(s);
	else
		heartbeat(s);
}

/*
 * One step of the model: the next candidate action time from the current
 * intensity (an upper bound until the next scheduled instant, since the
 * excitation only decays), thinned to the intensity at that time.
 */
static void step(td_sim *s)
{
	td_ns due = s->t_phase < s->t_regime ? s->t_phase : s->t_regime;
	if (s->t_hb < due)
		due = s->t_hb;
	double bar = total_rate(s, s->now);
	if (bar <= 0.0) {
		run_scheduled(s, due);
		return;
	}
	double dt = rng_exp(&s->rng) / bar;
	if (dt >= (double)(due - s->now) / 1e9) {
		run_scheduled(s, due);
		return;
	}
	td_ns t = s->now + (td_ns)(dt * 1e9);
	s->now = t;
	double u = rng_unit(&s->rng) * bar;
	for (size_t i = 0; i < s->nund; i++) {
		double r = book_rate(s, &s->und[i], t);
		if (u <= r) {
			advance_latent(s, t);
			book_action(s, &s->und[i]);
			return;
		}
		u -= r;
	}
}

int td_sim_next(td_sim *s, td_event *ev)
{
	while (s->qh == s->qt) {
		s->qh = s->qt = 0;
		if (s->stage == ST_OPEN)
			opening(s);
		else if (s->stage == ST_SNAPSHOT)
			snapshot(s);
		else
			step(s);
	}
	*ev = s->q[s->qh++];
	return 1;
}

/* ---- construction --------------------------------------------------------- */

static double px_unit(td_pxfmt f)
{
	return (double)f.tick / pow(10.0, f.scale);
}

/* Register an underlying and lay out its opening book around the fair price. */
static int add_underlying(td_sim *s, const sim_spec *sp, td_registry *reg, char *err, size_t errlen)
{
	sim_und *u = &s->und[s->nund];
	int64_t d = 0;
	td_instrument ins = { .kind = sp->kind, .px = sp->px, .multiplier = sp->multiplier,
			      .underlying = TD_NO_ID };
	u->sp = sp;
	u->tickp = px_unit(sp->px);
	u->ratio = sp->index_ratio;
	u->book = sp->kind != TD_INS_INDEX;
	u->drives = -1;
	snprintf(ins.symbol, sizeof(ins.symbol), "%s", sp->root);
	if (sp->kind == TD_INS_FUTURE) {
		d = front_future(s->mk->style, s->date, ins.symbol, sizeof(ins.symbol), sp->root);
		u->ratio *= exp((s->mk->r - s->mk->q) * (double)(d - s->date) / 365.25);
	}
	u->id = td_registry_add(reg, &ins);
	if (u->id == TD_NO_ID)
		return td_errf(err, errlen, "cannot register '%s': registry full or symbol taken", ins.symbol);
	s->nund++;
	if (!u->book)
		return 0;
	td_ticks tb, ta;
	targets(s, u, &tb, &ta);
	u->bid = (sim_side){ .best = tb, .away = -1 };
	u->ask = (sim_side){ .best = ta, .away = 1 };
	u->qb = u->qa = TD_PX_NONE;
	for (int i = 0; i < SIM_MODEL.depth; i++) {
		*slot(&u->bid, tb - i) = fresh_size(s, u, i);
		*slot(&u->ask, ta + i) = fresh_size(s, u, i);
	}
	u->bid.n = u->ask.n = SIM_MODEL.depth;
	u->t_exc = s->now;
	return 0;
}

/* Opening open interest: peaked at the money and on round strikes. */
static int64_t opening_oi(td_sim *s, const sim_und *c, int k, int64_t exp_day, bool call)
{
	double step = c->sp->strike_step, strike = c->k0 + k * step;
	double atm = c->k0 + (c->nstrikes / 2) * step;
	double z = (strike - atm) / (step * c->nstrikes / 4.0);
	double w = exp(-0.5 * z * z);
	if (fmod(strike, 10.0 * step) == 0.0)
		w *= 3.0;
	else if (fmod(strike, 5.0 * step) == 0.0)
		w *= 1.8;
	else if (fmod(strike, 2.0 * step) == 0.0)
		w *= 1.3;
	if ((call && strike < atm) || (!call && strike > atm))
		w *= 0.5;  /* in-the-money strikes hold less open interest */
	double mon = is_monthly(s->mk->style, exp_day) ? 2.5 : 1.0;
	return 50 + (int64_t)(20000.0 * w * mon * (0.6 + 0.8 * rng_unit(&s->rng)));
}

/* Register one option of chain c. */
static int add_option(td_sim *s, sim_und *c, int e, int k, bool call, int64_t exp_day,
		      td_registry *reg, char *err, size_t errlen)
{
	const sim_spec *sp = c->sp;
	sim_opt *o = &s->opt[s->nopt];
	double strike = c->k0 + k * sp->strike_step;
	td_instrument ins = { .kind = TD_INS_OPTION, .px = sp->opx, .multiplier = sp->omult,
			      .underlying = c->id, .style = sp->ostyle, .expiry_days = exp_day };
	snprintf(ins.occ.root, sizeof(ins.occ.root), "%s", sp->root);
	td_civil_from_days(exp_day, &ins.occ.year, &ins.occ.month, &ins.occ.day);
	ins.occ.right = call ? 'C' : 'P';
	ins.occ.strike_milli = (int64_t)llround(strike * 1000.0);
	if (s->mk->style == SIM_NSE)
		nse_option_symbol(ins.symbol, sizeof(ins.symbol), &ins.occ, is_monthly(SIM_NSE, exp_day));
	else if (td_occ_format_compact(&ins.occ, ins.symbol, sizeof(ins.symbol)) < 0)
		return td_errf(err, errlen, "cannot name an option on '%s'", sp->root);
	*o = (sim_opt){ .call = call, .und = (uint8_t)(c - s->und),
			.strike = strike, .expiry_ns = c->expiry_ns[e], .tickp = px_unit(sp->opx),
			.bid = TD_PX_NONE, .ask = TD_PX_NONE,
			.oi = opening_oi(s, c, k, exp_day, call) };
	o->id = td_registry_add(reg, &ins);
	if (o->id == TD_NO_ID)
		return td_errf(err, errlen, "cannot register '%s': registry full or symbol taken", ins.symbol);
	s->nopt++;
	return 0;
}

/* The chain on underlying c: expiries, strikes around the money, calls and puts. */
static int add_chain(td_sim *s, sim_und *c, td_registry *reg, char *err, size_t errlen)
{
	const sim_spec *sp = c->sp;
	int64_t days[SIM_MAX_EXP];
	c->nexp = chain_expiries(s->mk->style, s->date, days);
	c->nstrikes = 2 * sp->strikes_half + 1;
	double b, spot = chain_spot(s, c, &b);
	c->k0 = (floor(spot / sp->strike_step + 0.5) - sp->strikes_half) * sp->strike_step;
	c->opt0 = s->nopt;
	for (int e = 0; e < c->nexp; e++) {
		c->expiry_ns[e] = td_tz_to_utc(s->tz, days[e], s->sess->close_tod);
		for (int k = 0; k < c->nstrikes; k++)
			for (int cp = 0; cp < 2; cp++)
				if (add_option(s, c, e, k, cp == 0, days[e], reg, err, errlen) < 0)
					return -1;
	}
	c->nopt = s->nopt - c->opt0;
	return 0;
}

/* Which book drives each chain: its own, or the market's first book for an index. */
static void wire_chains(td_sim *s)
{
	for (size_t i = 0; i < s->nund; i++) {
		if (s->und[i].sp->strike_step <= 0.0)
			continue;
		size_t drv = i;
		for (size_t j = 0; !s->und[drv].book && j < s->nund; j++)
			if (s->und[j].book)
				drv = j;
		s->und[drv].drives = (int)i;
	}
}

static const sim_market *find_market(const char *name)
{
	for (size_t i = 0; i < sizeof(SIM_MARKETS) / sizeof(SIM_MARKETS[0]); i++)
		if (strcmp(SIM_MARKETS[i].session, name) == 0)
			return &SIM_MARKETS[i];
	return NULL;
}

/* Check the parameters; 0 or -1 with err. */
static int check_params(const td_sim_params *p, const td_registry *reg, char *err, size_t errlen)
{
	if (!p || !reg)
		return td_errf(err, errlen, "%s", "no simulator parameters or registry");
	if (!p->session || !p->session->name)
		return td_errf(err, errlen, "%s", "no session for the simulator");
	if (!find_market(p->session->name))
		return td_errf(err, errlen, "no simulated market for session '%s'", p->session->name);
	if (!td_session_tz(p->session))
		return td_errf(err, errlen, "unknown time zone of session '%s'", p->session->name);
	if (p->start_tod < 0 || p->start_tod >= TD_NS_PER_DAY)
		return td_errf(err, errlen, "%s", "start time outside the day");
	/* room for expiries months ahead inside the int64 ns clock */
	if (p->date_days < 0 || p->date_days >= td_days_from_civil(2200, 1, 1))
		return td_errf(err, errlen, "%s", "session date out of range 1970..2199");
	return 0;
}

/* The starting state of the latent market: level, regime, clocks. */
static void init_market(td_sim *s)
{
	s->lx = log(lerp(s->mk->x_lo, s->mk->x_hi, rng_unit(&s->rng)));
	s->t_x = s->now;
	s->phase = td_session_phase_at(s->sess, s->now);
	td_ns nx = td_session_next_change(s->sess, s->now);
	s->t_phase = nx > s->now ? nx : s->now + TD_NS_PER_DAY;
	s->t_hb = s->now - s->now % TD_NS_PER_SEC + TD_NS_PER_SEC;
	s->regime = (int)(rng_next(&s->rng) % 3);  /* range or a trend; news comes later */
	s->iv_short = SIM_REGIMES[s->regime].iv;
	s->anchor = s->lx;
	s->news_dir = 1.0;
	refresh_eff(s);
	schedule_regime(s);
}

td_sim *td_sim_new(const td_sim_params *p, td_registry *reg, char *err, size_t errlen)
{
	if (check_params(p, reg, err, errlen) < 0)
		return NULL;
	td_sim *s = calloc(1, sizeof(*s));
	if (!s) {
		td_errf(err, errlen, "%s", "out of memory");
		return NULL;
	}
	s->mk = find_market(p->session->name);
	s->sess = p->session;
	s->tz = td_session_tz(p->session);
	rng_seed(&s->rng, p->seed);
	s->date = p->date_days;
	s->now = td_tz_to_utc(s->tz, p->date_days, p->start_tod);
	init_market(s);
	size_t nopt = 0;
	for (size_t i = 0; i < s->mk->nund; i++)
		if (s->mk->und[i].strike_step > 0.0)
			nopt += (size_t)SIM_MAX_EXP * (size_t)(2 * s->mk->und[i].strikes_half + 1) * 2;
	s->opt = calloc(nopt ? nopt : 1, sizeof(*s->opt));
	if (!s->opt) {
		td_errf(err, errlen, "%s", "out of memory");
		td_sim_free(s);
		return NULL;
	}
	for (size_t i = 0; i < s->mk->nund; i++)
		if (add_underlying(s, &s->mk->und[i], reg, err, errlen) < 0)
			goto fail;
	for (size_t i = 0; i < s->nund; i++)
		if (s->und[i].sp->strike_step > 0.0 && add_chain(s, &s->und[i], reg, err, errlen) < 0)
			goto fail;
	wire_chains(s);
	refresh_rates(s);
	return s;
fail:
	td_sim_free(s);
	return NULL;
}

void td_sim_free(td_sim *s)
{
	if (!s)
		return;
	free(s->opt);
	free(s);
}

size_t td_sim_underlyings(const td_sim *s, uint32_t *ids, size_t max)
{
	size_t n = 0;
	for (; n < s->nund && n < max; n++)
		ids[n] = s->und[n].id;
	return n;
}

const char *td_sim_regime(const td_sim *s)
{
	return SIM_REGIMES[s->regime].name;
}

static int sim_next(void *impl, td_event *ev)
{
	return td_sim_next(impl, ev);
}

static void sim_free(void *impl)
{
	td_sim_free(impl);
}

const td_feed_ops td_sim_feed_ops = {
	.name = "sim",
	.next = sim_next,
	.free = sim_free,
};
