/*
 * Instruments and the registry that names them.
 *
 * Events refer to instruments by a small integer id handed out by the
 * registry.  A registry is filled before a feed thread starts and is read-only
 * while it runs, so both threads may read it without locks.
 *
 * OCC option symbols (OSI): root padded to 6, YYMMDD, C or P, strike x 1000 in
 * 8 digits: "SPY   241220C00450000".  The compact form without padding
 * ("SPY241220C00450000") is accepted on input too.
 */
#ifndef TD_INSTRUMENT_H
#define TD_INSTRUMENT_H

#include <stddef.h>
#include <stdint.h>

#include "price.h"

#define TD_NO_ID UINT32_MAX
#define TD_SYMBOL_MAX 32

typedef enum td_ins_kind {
	TD_INS_EQUITY = 0,
	TD_INS_FUTURE,
	TD_INS_INDEX,
	TD_INS_OPTION,
	TD_INS_KIND_COUNT
} td_ins_kind;

/* Option exercise style. */
typedef enum td_exercise {
	TD_EXERCISE_EUROPEAN = 0,
	TD_EXERCISE_AMERICAN
} td_exercise;

typedef struct td_occ {
	char root[7];          /* 1..6 characters, NUL-terminated */
	int year, month, day;  /* full year, e.g. 2024 */
	char right;            /* 'C' or 'P' */
	int64_t strike_milli;  /* strike x 1000 */
} td_occ;

typedef struct td_instrument {
	uint32_t id;                 /* set by td_registry_add */
	td_ins_kind kind;
	char symbol[TD_SYMBOL_MAX];  /* display and lookup name, unique */
	td_pxfmt px;                 /* tick size and decimals */
	int64_t multiplier;          /* contract multiplier (1 for shares) */
	uint32_t underlying;         /* id of the underlying, or TD_NO_ID */
	/* options only */
	td_occ occ;
	td_exercise style;           /* exercise style */
	int64_t expiry_days;         /* expiry date, days since the epoch */
} td_instrument;

/* Parse an OCC symbol.  Returns 0, or -1 with a message naming the bad part. */
int td_occ_parse(const char *s, td_occ *out, char *err, size_t errlen);

/* Write the 21-character padded form; returns length or -1 if it does not fit. */
int td_occ_format(const td_occ *o, char *buf, size_t n);

/* Write the compact form without padding. */
int td_occ_format_compact(const td_occ *o, char *buf, size_t n);

const char *td_ins_kind_name(td_ins_kind k);

typedef struct td_registry td_registry;

/* A registry holding at most `capacity` instruments. */
td_registry *td_registry_new(size_t capacity);
void td_registry_free(td_registry *r);

/*
 * Copy `ins` in and return its new id, or TD_NO_ID when the symbol is empty,
 * already present, or the registry is full.
 */
uint32_t td_registry_add(td_registry *r, const td_instrument *ins);

/* The instrument with this id, or NULL.  The pointer lives as long as r. */
const td_instrument *td_registry_get(const td_registry *r, uint32_t id);

/* The id of a symbol, or TD_NO_ID. */
uint32_t td_registry_find(const td_registry *r, const char *symbol);

size_t td_registry_count(const td_registry *r);

#endif
