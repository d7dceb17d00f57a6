/*
 * Replay of tapes and trade CSV files, and the tape writer.
 *
 * DESIGN
 *
 * A tape (byte layout in doc/formats.md, "Tape") is a header holding the
 * instrument table, then blocks of at most block_max 64-byte events, each
 * block with a CRC-32 over its counts and payload, then an end marker that
 * repeats the block and event totals.  The end marker is what tells a complete
 * recording from one cut short exactly at a block boundary.
 *
 * Reading streams one block at a time through a single payload buffer, so a
 * tape of any size needs block_max * 64 bytes.  No event of a block is handed
 * out before the block's checksum has been verified, and every length or count
 * read from the file is checked against a fixed limit before it sizes a read or
 * an allocation.  Damage ends the stream after the last good event with one
 * message "FILE:OFFSET: what", OFFSET being where the damaged item starts.
 *
 * Recorded instrument ids are registry ids of the recording process; they are
 * mapped to this registry's ids through a table sorted by recorded id (the
 * writer emits them in increasing order, and the reader insists on it).
 *
 * A CSV of trades is read whole at open into 32-byte rows (half a td_event),
 * so its symbols are registered before the feed thread starts.  Rows are
 * stably sorted by time when the file is out of order.
 */
#include "replay.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#include "../core/text.h"
#include "../core/time.h"

#define TD_TAPE_MAGIC "TDTAPE\0\0"
#define TD_TAPE_MAGIC_LEN 8
#define TD_TAPE_VERSION 1
#define TD_TAPE_FIXED 32          /* fixed part of the header */
#define TD_TAPE_INS_SIZE 96       /* one instrument record */
#define TD_TAPE_MAX_INS 65536     /* instrument records a reader accepts */
#define TD_TAPE_EV_SIZE 64        /* one event record */
#define TD_TAPE_BLOCK_EVENTS 4096 /* events per block the writer emits */
#define TD_TAPE_BLOCK_CAP 65536   /* block_max a reader accepts (4 MiB buffer) */
#define TD_TAPE_BHDR 16           /* block header and end marker size */
#define TD_TAPE_BLOCK_MAGIC "TDBK"
#define TD_TAPE_END_MAGIC "TDEN"

#define TD_CSV_LINE_MAX 1024
#define TD_CSV_MAX_ROWS ((size_t)1 << 27)  /* 4 GiB of rows; larger files belong on a tape */
#define TD_QUOTE_MAX 48                    /* bytes of offending text quoted in a message */

#define TD_NAME_MAX 1024
#define TD_ERR_MAX 1280

/* A trade as the CSV reader keeps it until it is handed out. */
typedef struct td_csv_row {
	td_ns ts;
	td_ticks px;
	int64_t size;
	uint32_t instr;
	uint8_t side;  /* td_side */
} td_csv_row;

/* Recorded instrument id -> this registry's id. */
typedef struct td_tape_map {
	uint32_t rec;
	uint32_t id;
} td_tape_map;

typedef struct td_tape_in {
	FILE *f;
	uint64_t off;          /* file offset of the next unread byte */
	uint32_t block_max;    /* events per block at most, from the header */
	uint8_t *payload;      /* block_max * 64 bytes, the current block */
	uint64_t payload_off;  /* file offset of payload[0] */
	uint32_t count;        /* events in the current block */
	uint32_t pos;          /* next event of the current block */
	uint32_t blocks;       /* blocks read so far */
	uint64_t events;       /* events in those blocks */
	td_ns last_ns;         /* exch_ns of the previous event */
	td_tape_map *map;      /* nmap entries, sorted by rec */
	uint32_t nmap;
} td_tape_in;

typedef struct td_csv_in {
	td_csv_row *rows;
	size_t n, cap;
	size_t pos;            /* next row to hand out */
} td_csv_in;

struct td_replay {
	char name[TD_NAME_MAX];   /* the path, cleaned, for messages */
	bool is_tape;
	bool done;                /* the stream has ended */
	bool failed;              /* ... on an error */
	uint64_t bad;             /* bad lines or blocks */
	char first_err[TD_ERR_MAX];
	td_tape_in tape;
	td_csv_in csv;
};

struct td_tape_writer {
	int fd;
	char name[TD_NAME_MAX];
	uint32_t ninstr;       /* recorded ids are 0..ninstr-1 */
	td_ns last_ns;
	bool any;              /* an event has been written (last_ns is set) */
	bool failed;           /* a write failed; the tape is unusable */
	uint32_t count;        /* events in the block being filled */
	uint32_t blocks;
	uint64_t events;
	uint8_t block[TD_TAPE_BHDR + TD_TAPE_BLOCK_EVENTS * TD_TAPE_EV_SIZE];
};

/* Store v little-endian; every multi-byte field goes through these, never a struct. */
static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Store v little-endian in 4 bytes. */
static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Store v little-endian in 8 bytes. */
static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Store a signed v as its two's complement bits. */
static void put_i32(uint8_t *p, int32_t v)
{
	put_u32(p, (uint32_t)v);
}

/* Store a signed v as its two's complement bits. */
static void put_i64(uint8_t *p, int64_t v)
{
	put_u64(p, (uint64_t)v);
}

/* Load a little-endian value, whatever the host's byte order. */
static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Load 4 little-endian bytes. */
static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Load 8 little-endian bytes. */
static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Load a two's complement value. */
static int32_t get_i32(const uint8_t *p)
{
	return (int32_t)get_u32(p);
}

/* Load a two's complement value. */
static int64_t get_i64(const uint8_t *p)
{
	return (int64_t)get_u64(p);
}

/* CRC-32 (zlib) of n bytes continuing from crc. */
static uint32_t td_crc(uint32_t crc, const uint8_t *p, size_t n)
{
	return (uint32_t)crc32(crc, p, (uInt)n);
}

/* Format into buf (size n) like snprintf; used for every message. */
__attribute__((format(printf, 3, 4)))
static void fmt(char *buf, size_t n, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, n, f, ap);
	va_end(ap);
}

/* Clean outside text for quoting in a message, shortened to TD_QUOTE_MAX. */
static const char *quote(char buf[TD_QUOTE_MAX], const char *s)
{
	td_text_sanitize(buf, TD_QUOTE_MAX, s);
	return buf;
}

/* Record the first error "NAME:WHERE: what" and count it; later ones only count. */
__attribute__((format(printf, 3, 4)))
static void replay_bad(td_replay *r, uint64_t where, const char *f, ...)
{
	r->bad++;
	if (r->first_err[0])
		return;
	char what[TD_ERR_MAX];
	va_list ap;
	va_start(ap, f);
	vsnprintf(what, sizeof what, f, ap);
	va_end(ap);
	fmt(r->first_err, sizeof r->first_err, "%s:%llu: %s", r->name,
	    (unsigned long long)where, what);
}

/* Why ev cannot be stored on a tape (into why), or 0 when it can. */
static int event_check(const td_event *ev, char *why, size_t n)
{
	switch (ev->type) {
	case TD_EV_TRADE:
		if (ev->u.trade.aggressor > TD_SIDE_SELL)
			return fmt(why, n, "bad aggressor side %u", ev->u.trade.aggressor), -1;
		return 0;
	case TD_EV_LEVEL:
		if (ev->u.level.side != TD_SIDE_BUY && ev->u.level.side != TD_SIDE_SELL)
			return fmt(why, n, "bad book side %u", ev->u.level.side), -1;
		return 0;
	case TD_EV_STATUS:
		if (ev->u.status.kind > TD_ST_GAP)
			return fmt(why, n, "bad status kind %u", ev->u.status.kind), -1;
		if (ev->u.status.phase >= TD_PHASE_COUNT)
			return fmt(why, n, "bad session phase %u", ev->u.status.phase), -1;
		return 0;
	case TD_EV_QUOTE:
	case TD_EV_OPTQ:
		return 0;
	default:
		return fmt(why, n, "bad event type %u", ev->type), -1;
	}
}

/* Serialise one event into 64 bytes; unused bytes are zero. */
static void tape_put_event(uint8_t *p, const td_event *ev)
{
	memset(p, 0, TD_TAPE_EV_SIZE);
	p[0] = ev->type;
	p[1] = ev->flags;
	put_u32(p + 4, ev->instr);
	put_i64(p + 8, ev->exch_ns);
	put_i64(p + 16, ev->recv_ns);
	switch (ev->type) {
	case TD_EV_TRADE:
		put_i64(p + 24, ev->u.trade.px);
		put_i64(p + 32, ev->u.trade.size);
		p[40] = ev->u.trade.aggressor;
		break;
	case TD_EV_QUOTE:
		put_i64(p + 24, ev->u.quote.bid);
		put_i64(p + 32, ev->u.quote.ask);
		put_i32(p + 40, ev->u.quote.bid_sz);
		put_i32(p + 44, ev->u.quote.ask_sz);
		break;
	case TD_EV_LEVEL:
		put_i64(p + 24, ev->u.level.px);
		put_i64(p + 32, ev->u.level.size);
		p[40] = ev->u.level.side;
		break;
	case TD_EV_OPTQ:
		put_i64(p + 24, ev->u.optq.bid);
		put_i64(p + 32, ev->u.optq.ask);
		put_i32(p + 40, ev->u.optq.bid_sz);
		put_i32(p + 44, ev->u.optq.ask_sz);
		put_i64(p + 48, ev->u.optq.volume);
		put_i64(p + 56, ev->u.optq.oi);
		break;
	case TD_EV_STATUS:
		p[24] = ev->u.status.kind;
		p[25] = ev->u.status.phase;
		put_i64(p + 32, ev->u.status.code);
		break;
	}
}

/* Deserialise one event (instr still the recorded id); the inverse of tape_put_event. */
static void tape_get_event(const uint8_t *p, td_event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->type = p[0];
	ev->flags = p[1];
	ev->instr = get_u32(p + 4);
	ev->exch_ns = get_i64(p + 8);
	ev->recv_ns = get_i64(p + 16);
	switch (ev->type) {
	case TD_EV_TRADE:
		ev->u.trade.px = get_i64(p + 24);
		ev->u.trade.size = get_i64(p + 32);
		ev->u.trade.aggressor = p[40];
		break;
	case TD_EV_QUOTE:
		ev->u.quote.bid = get_i64(p + 24);
		ev->u.quote.ask = get_i64(p + 32);
		ev->u.quote.bid_sz = get_i32(p + 40);
		ev->u.quote.ask_sz = get_i32(p + 44);
		break;
	case TD_EV_LEVEL:
		ev->u.level.px = get_i64(p + 24);
		ev->u.level.size = get_i64(p + 32);
		ev->u.level.side = p[40];
		break;
	case TD_EV_OPTQ:
		ev->u.optq.bid = get_i64(p + 24);
		ev->u.optq.ask = get_i64(p + 32);
		ev->u.optq.bid_sz = get_i32(p + 40);
		ev->u.optq.ask_sz = get_i32(p + 44);
		ev->u.optq.volume = get_i64(p + 48);
		ev->u.optq.oi = get_i64(p + 56);
		break;
	case TD_EV_STATUS:
		ev->u.status.kind = p[24];
		ev->u.status.phase = p[25];
		ev->u.status.code = get_i64(p + 32);
		break;
	}
}

/* Serialise one instrument into 96 bytes. */
static void tape_put_instrument(uint8_t *p, const td_instrument *in)
{
	memset(p, 0, TD_TAPE_INS_SIZE);
	put_u32(p, in->id);
	p[4] = (uint8_t)in->kind;
	p[5] = (uint8_t)in->style;
	p[6] = (uint8_t)in->occ.right;
	p[7] = (uint8_t)in->px.scale;
	memcpy(p + 8, in->symbol, strnlen(in->symbol, TD_SYMBOL_MAX - 1));
	put_i64(p + 40, in->px.tick);
	put_i64(p + 48, in->multiplier);
	put_u32(p + 56, in->underlying);
	memcpy(p + 60, in->occ.root, strnlen(in->occ.root, sizeof in->occ.root - 1));
	put_i32(p + 68, in->occ.year);
	put_i32(p + 72, in->occ.month);
	put_i32(p + 76, in->occ.day);
	put_i64(p + 80, in->occ.strike_milli);
	put_i64(p + 88, in->expiry_days);
}

/* Deserialise and check one instrument record; 0, or -1 with why. */
static int tape_get_instrument(const uint8_t *p, td_instrument *in, char *why, size_t n)
{
	memset(in, 0, sizeof *in);
	if (!memchr(p + 8, 0, TD_SYMBOL_MAX) ||
	    td_text_sanitize(in->symbol, sizeof in->symbol, (const char *)p + 8) == 0)
		return fmt(why, n, "symbol is empty or not terminated"), -1;
	if (!memchr(p + 60, 0, sizeof in->occ.root))
		return fmt(why, n, "symbol '%s': option root not terminated", in->symbol), -1;
	memcpy(in->occ.root, p + 60, sizeof in->occ.root);
	in->id = get_u32(p);
	in->kind = (td_ins_kind)p[4];
	in->style = (td_exercise)p[5];
	in->occ.right = (char)p[6];
	in->px.scale = p[7];
	in->px.tick = get_i64(p + 40);
	in->multiplier = get_i64(p + 48);
	in->underlying = get_u32(p + 56);
	in->occ.year = get_i32(p + 68);
	in->occ.month = get_i32(p + 72);
	in->occ.day = get_i32(p + 76);
	in->occ.strike_milli = get_i64(p + 80);
	in->expiry_days = get_i64(p + 88);
	if (p[4] >= TD_INS_KIND_COUNT)
		return fmt(why, n, "symbol '%s': bad kind %u", in->symbol, p[4]), -1;
	if (p[5] > TD_EXERCISE_AMERICAN)
		return fmt(why, n, "symbol '%s': bad exercise style %u", in->symbol, p[5]), -1;
	if (p[6] != 0 && p[6] != 'C' && p[6] != 'P')
		return fmt(why, n, "symbol '%s': bad option right %u", in->symbol, p[6]), -1;
	if (in->px.scale > TD_PX_MAX_SCALE || in->px.tick <= 0)
		return fmt(why, n, "symbol '%s': bad tick size %lld at scale %d", in->symbol,
			   (long long)in->px.tick, in->px.scale), -1;
	return 0;
}

/* This registry's id for a recorded id, or TD_NO_ID. */
static uint32_t tape_map_find(const td_tape_in *t, uint32_t rec)
{
	uint32_t lo = 0, hi = t->nmap;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (t->map[mid].rec < rec)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->nmap && t->map[lo].rec == rec ? t->map[lo].id : TD_NO_ID;
}

/*
 * Add a tape instrument to reg, or reuse the one already registered under its
 * symbol when its prices mean the same; its id, or TD_NO_ID with why.
 */
static uint32_t tape_register(td_registry *reg, const td_instrument *in, char *why, size_t n)
{
	uint32_t id = td_registry_add(reg, in);
	if (id != TD_NO_ID)
		return id;
	id = td_registry_find(reg, in->symbol);
	if (id == TD_NO_ID) {
		fmt(why, n, "symbol '%s': the instrument registry is full", in->symbol);
		return TD_NO_ID;
	}
	const td_instrument *old = td_registry_get(reg, id);
	if (old->kind != in->kind || old->px.tick != in->px.tick || old->px.scale != in->px.scale) {
		fmt(why, n, "symbol '%s' is already registered with another kind or tick size",
		    in->symbol);
		return TD_NO_ID;
	}
	return id;
}

/* Parse the instrument records in recs and register them; 0 or -1 (error set). */
static int tape_load_instruments(td_replay *r, const uint8_t *recs, uint32_t n, td_registry *reg)
{
	td_tape_in *t = &r->tape;
	t->map = calloc(n ? n : 1, sizeof *t->map);
	if (!t->map)
		return replay_bad(r, TD_TAPE_FIXED, "out of memory for %u instruments", n), -1;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t at = TD_TAPE_FIXED + (uint64_t)i * TD_TAPE_INS_SIZE;
		td_instrument in;
		char why[160];
		if (tape_get_instrument(recs + (size_t)i * TD_TAPE_INS_SIZE, &in, why, sizeof why) < 0)
			return replay_bad(r, at, "instrument %u: %s", i + 1, why), -1;
		if (i > 0 && in.id <= t->map[i - 1].rec)
			return replay_bad(r, at, "instrument %u: id %u not above the previous id %u",
					  i + 1, in.id, t->map[i - 1].rec), -1;
		if (in.underlying != TD_NO_ID) {
			uint32_t u = tape_map_find(t, in.underlying);
			if (u == TD_NO_ID)
				return replay_bad(r, at, "instrument %u: symbol '%s': underlying id %u "
						  "not in the table before it", i + 1, in.symbol,
						  in.underlying), -1;
			in.underlying = u;
		}
		uint32_t id = tape_register(reg, &in, why, sizeof why);
		if (id == TD_NO_ID)
			return replay_bad(r, at, "instrument %u: %s", i + 1, why), -1;
		t->map[i] = (td_tape_map){ .rec = in.id, .id = id };
		t->nmap = i + 1;
	}
	return 0;
}

/* Read the header after its 8-byte magic (already in fixed); 0 or -1 (error set). */
static int tape_open_header(td_replay *r, uint8_t fixed[TD_TAPE_FIXED], td_registry *reg)
{
	td_tape_in *t = &r->tape;
	size_t got = TD_TAPE_MAGIC_LEN + fread(fixed + TD_TAPE_MAGIC_LEN, 1,
					       TD_TAPE_FIXED - TD_TAPE_MAGIC_LEN, t->f);
	if (got < TD_TAPE_FIXED)
		return replay_bad(r, 0, "truncated header (%zu of %d bytes)", got, TD_TAPE_FIXED), -1;
	uint16_t version = get_u16(fixed + 8), flags = get_u16(fixed + 10);
	uint32_t hlen = get_u32(fixed + 12), nins = get_u32(fixed + 24);
	t->block_max = get_u32(fixed + 28);
	if (version != TD_TAPE_VERSION)
		return replay_bad(r, 8, "unsupported version %u (this build reads %d)", version,
				  TD_TAPE_VERSION), -1;
	if (flags != 0)
		return replay_bad(r, 10, "unknown header flags 0x%04x", flags), -1;
	if (nins > TD_TAPE_MAX_INS)
		return replay_bad(r, 24, "%u instruments, more than the limit of %d", nins,
				  TD_TAPE_MAX_INS), -1;
	if (t->block_max == 0 || t->block_max > TD_TAPE_BLOCK_CAP)
		return replay_bad(r, 28, "block size %u events out of range 1..%d", t->block_max,
				  TD_TAPE_BLOCK_CAP), -1;
	uint32_t want = TD_TAPE_FIXED + nins * TD_TAPE_INS_SIZE + 4;
	if (hlen != want)
		return replay_bad(r, 12, "header length %u, expected %u for %u instruments", hlen,
				  want, nins), -1;

	size_t rest = hlen - TD_TAPE_FIXED;
	uint8_t *recs = malloc(rest);
	if (!recs)
		return replay_bad(r, TD_TAPE_FIXED, "out of memory for the header"), -1;
	got = fread(recs, 1, rest, t->f);
	t->off = TD_TAPE_FIXED + got;
	int rc = -1;
	if (got < rest) {
		replay_bad(r, 0, "truncated header (%zu of %u bytes)", TD_TAPE_FIXED + got, hlen);
		goto out;
	}
	uint32_t stored = get_u32(recs + rest - 4);
	uint32_t computed = td_crc(td_crc(0, fixed, TD_TAPE_FIXED), recs, rest - 4);
	if (stored != computed) {
		replay_bad(r, hlen - 4, "header checksum mismatch (stored 0x%08x, computed 0x%08x)",
			   stored, computed);
		goto out;
	}
	rc = tape_load_instruments(r, recs, nins, reg);
	if (rc == 0) {
		t->payload = malloc((size_t)t->block_max * TD_TAPE_EV_SIZE);
		if (!t->payload)
			rc = -1, replay_bad(r, hlen, "out of memory for a block of %u events",
					    t->block_max);
	}
out:
	free(recs);
	return rc;
}

/* End the stream on damage at file offset where. */
__attribute__((format(printf, 3, 4)))
static int tape_fail(td_replay *r, uint64_t where, const char *f, ...)
{
	char what[TD_ERR_MAX];
	va_list ap;
	va_start(ap, f);
	vsnprintf(what, sizeof what, f, ap);
	va_end(ap);
	replay_bad(r, where, "%s", what);
	r->done = r->failed = true;
	return -1;
}

/* Check the end marker in h (at offset at) against what was read; 0 or -1. */
static int tape_check_end(td_replay *r, const uint8_t *h, uint64_t at)
{
	td_tape_in *t = &r->tape;
	uint32_t blocks = get_u32(h + 4);
	uint64_t events = get_u64(h + 8);
	if (blocks != t->blocks || events != t->events)
		return tape_fail(r, at, "end marker counts %u blocks and %llu events, the tape "
				 "holds %u and %llu", blocks, (unsigned long long)events,
				 t->blocks, (unsigned long long)t->events);
	if (getc(t->f) != EOF)
		return tape_fail(r, at + TD_TAPE_BHDR, "unexpected data after the end marker");
	if (ferror(t->f))
		return tape_fail(r, at + TD_TAPE_BHDR, "read error: %s", strerror(errno));
	r->done = true;
	return 0;
}

/* Load and verify the next block; 1 with events ready, 0 at a clean end, -1 on damage. */
static int tape_load_block(td_replay *r)
{
	td_tape_in *t = &r->tape;
	uint8_t h[TD_TAPE_BHDR];
	uint64_t at = t->off;
	size_t got = fread(h, 1, sizeof h, t->f);
	t->off += got;
	if (ferror(t->f))
		return tape_fail(r, at, "read error: %s", strerror(errno));
	if (got == 0)
		return tape_fail(r, at, "no end marker: the recording was cut short");
	if (got < sizeof h)
		return tape_fail(r, at, "truncated block header (%zu of %d bytes)", got, TD_TAPE_BHDR);
	if (memcmp(h, TD_TAPE_END_MAGIC, 4) == 0)
		return tape_check_end(r, h, at);
	if (memcmp(h, TD_TAPE_BLOCK_MAGIC, 4) != 0)
		return tape_fail(r, at, "block %u: bad block magic", t->blocks + 1);

	uint32_t n = get_u32(h + 4), len = get_u32(h + 8), stored = get_u32(h + 12);
	if (n == 0 || n > t->block_max)
		return tape_fail(r, at + 4, "block %u: %u events, out of range 1..%u", t->blocks + 1,
				 n, t->block_max);
	if (len != n * TD_TAPE_EV_SIZE)
		return tape_fail(r, at + 8, "block %u: payload length %u, expected %u for %u events",
				 t->blocks + 1, len, n * TD_TAPE_EV_SIZE, n);
	got = fread(t->payload, 1, len, t->f);
	t->off += got;
	if (ferror(t->f))
		return tape_fail(r, at + TD_TAPE_BHDR, "read error: %s", strerror(errno));
	if (got < len)
		return tape_fail(r, at + TD_TAPE_BHDR, "block %u truncated (%zu of %u payload bytes)",
				 t->blocks + 1, got, len);
	uint32_t computed = td_crc(td_crc(0, h + 4, 8), t->payload, len);
	if (stored != computed)
		return tape_fail(r, at, "block %u checksum mismatch (stored 0x%08x, computed 0x%08x)",
				 t->blocks + 1, stored, computed);
	t->blocks++;
	t->events += n;
	t->count = n;
	t->pos = 0;
	t->payload_off = at + TD_TAPE_BHDR;
	return 1;
}

/* The next tape event, checked and with its instrument id mapped. */
static int tape_next(td_replay *r, td_event *ev)
{
	td_tape_in *t = &r->tape;
	if (r->done)
		return r->failed ? -1 : 0;
	if (t->pos == t->count) {
		int rc = tape_load_block(r);
		if (rc <= 0)
			return rc;
	}
	uint64_t at = t->payload_off + (uint64_t)t->pos * TD_TAPE_EV_SIZE;
	tape_get_event(t->payload + (size_t)t->pos * TD_TAPE_EV_SIZE, ev);
	char why[96];
	if (event_check(ev, why, sizeof why) < 0)
		return tape_fail(r, at, "block %u event %u: %s", t->blocks, t->pos + 1, why);
	uint32_t id = tape_map_find(t, ev->instr);
	if (id == TD_NO_ID && !(ev->type == TD_EV_STATUS && ev->instr == TD_NO_ID))
		return tape_fail(r, at + 4, "block %u event %u: instrument id %u not in the "
				 "tape's table", t->blocks, t->pos + 1, ev->instr);
	if (ev->exch_ns < t->last_ns)
		return tape_fail(r, at + 8, "block %u event %u: time goes backwards", t->blocks,
				 t->pos + 1);
	ev->instr = id;
	t->last_ns = ev->exch_ns;
	t->pos++;
	return 1;
}

/* Read one line without its '\n' into buf; its length, -1 at end of file, -2 when too long. */
static long csv_read_line(FILE *f, char *buf, size_t n)
{
	size_t len = 0;
	bool too_long = false;
	int c;
	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (len + 1 < n)
			buf[len++] = (char)c;
		else
			too_long = true;
	}
	buf[len] = '\0';
	if (too_long)
		return -2;
	if (c == EOF && len == 0)
		return -1;
	return (long)len;
}

/* Strip spaces and tabs at both ends of s, in place. */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* Epoch ns from plain digits; 0, or -1 when s is not all digits or overflows. */
static int parse_digits(const char *s, int64_t *out)
{
	if (!*s)
		return -1;
	int64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v))
			return -1;
	}
	*out = v;
	return 0;
}

/* Whether s consists of digits only (an epoch-ns timestamp rather than ISO text). */
static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* A new instrument with the CSV default tick of 0.01 (see doc/formats.md). */
static td_instrument csv_default_instrument(const char *symbol, td_ins_kind kind)
{
	td_instrument in;
	memset(&in, 0, sizeof in);
	in.kind = kind;
	td_strlcpy(in.symbol, symbol, sizeof in.symbol);
	in.px = (td_pxfmt){ .tick = 1, .scale = 2 };
	in.multiplier = 1;
	in.underlying = TD_NO_ID;
	return in;
}

/* Find or register an OCC option and its root; its id, or TD_NO_ID with why. */
static uint32_t csv_option(td_registry *reg, const td_occ *occ, char *why, size_t n)
{
	char canon[TD_SYMBOL_MAX];
	td_occ_format(occ, canon, sizeof canon);
	uint32_t id = td_registry_find(reg, canon);
	if (id != TD_NO_ID)
		return id;
	uint32_t root = td_registry_find(reg, occ->root);
	if (root == TD_NO_ID) {
		td_instrument u = csv_default_instrument(occ->root, TD_INS_EQUITY);
		root = td_registry_add(reg, &u);
	}
	td_instrument in = csv_default_instrument(canon, TD_INS_OPTION);
	in.multiplier = 100;
	in.underlying = root;
	in.occ = *occ;
	in.style = TD_EXERCISE_AMERICAN;
	in.expiry_days = td_days_from_civil(occ->year, occ->month, occ->day);
	if (root == TD_NO_ID || (id = td_registry_add(reg, &in)) == TD_NO_ID)
		fmt(why, n, "the instrument registry is full");
	return id;
}

/* Find or register a CSV symbol; its id, or TD_NO_ID with why. */
static uint32_t csv_instrument(td_registry *reg, const char *raw, char *why, size_t n)
{
	char sym[TD_SYMBOL_MAX], q[TD_QUOTE_MAX];
	if (!*raw)
		return fmt(why, n, "empty symbol"), TD_NO_ID;
	if (strlen(raw) >= TD_SYMBOL_MAX)
		return fmt(why, n, "bad symbol '%s': longer than %d bytes", quote(q, raw),
			   TD_SYMBOL_MAX - 1), TD_NO_ID;
	td_text_sanitize(sym, sizeof sym, raw);
	if (strcmp(sym, raw) != 0)
		return fmt(why, n, "bad symbol '%s': control characters or invalid UTF-8", sym),
		       TD_NO_ID;
	uint32_t id = td_registry_find(reg, sym);
	if (id != TD_NO_ID)
		return id;
	td_occ occ;
	char occ_err[64];
	if (td_occ_parse(sym, &occ, occ_err, sizeof occ_err) == 0)
		return csv_option(reg, &occ, why, n);
	td_instrument in = csv_default_instrument(sym, TD_INS_EQUITY);
	id = td_registry_add(reg, &in);
	if (id == TD_NO_ID)
		fmt(why, n, "symbol '%s': the instrument registry is full", sym);
	return id;
}

/* The aggressor named by s, or -1. */
static int csv_side(const char *s)
{
	if (!*s || !strcasecmp(s, "N"))
		return TD_SIDE_NONE;
	if (!strcasecmp(s, "B") || !strcasecmp(s, "BUY"))
		return TD_SIDE_BUY;
	if (!strcasecmp(s, "S") || !strcasecmp(s, "SELL"))
		return TD_SIDE_SELL;
	return -1;
}

/* Split line into exactly 5 trimmed fields; the number found. */
static int csv_split(char *line, char *fld[5])
{
	int nf = 0;
	for (char *p = line;; nf++) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (nf < 5)
			fld[nf] = trim(p);
		if (!comma)
			return nf + 1;
		p = comma + 1;
	}
}

/* Parse one data line into row; 0, or -1 with why naming the column. */
static int csv_parse_row(td_registry *reg, char *line, td_csv_row *row, char *why, size_t n)
{
	char *fld[5], q[TD_QUOTE_MAX];
	int nf = csv_split(line, fld);
	if (nf != 5)
		return fmt(why, n, "expected 5 fields (ts,symbol,price,size,side), found %d", nf), -1;

	const char *perr = "number out of range";
	if (all_digits(fld[0]) ? parse_digits(fld[0], &row->ts) < 0
			       : td_time_parse_iso(fld[0], &row->ts, &perr) < 0)
		return fmt(why, n, "bad ts '%s': %s", quote(q, fld[0]), perr), -1;

	row->instr = csv_instrument(reg, fld[1], why, n);
	if (row->instr == TD_NO_ID)
		return -1;

	td_pxfmt px = td_registry_get(reg, row->instr)->px;
	if (td_px_parse(px, fld[2], &row->px, &perr) < 0)
		return fmt(why, n, "bad price '%s': %s", quote(q, fld[2]), perr), -1;
	if (row->px <= 0)
		return fmt(why, n, "bad price '%s': not positive", quote(q, fld[2])), -1;

	if (parse_digits(fld[3], &row->size) < 0 || row->size == 0)
		return fmt(why, n, "bad size '%s': not a positive integer", quote(q, fld[3])), -1;

	int side = csv_side(fld[4]);
	if (side < 0)
		return fmt(why, n, "bad side '%s': expected B, S, BUY, SELL, N or empty",
			   quote(q, fld[4])), -1;
	row->side = (uint8_t)side;
	return 0;
}

/* Append row; 0, or -1 at the row ceiling or out of memory. */
static int csv_push(td_csv_in *c, const td_csv_row *row)
{
	if (c->n == c->cap) {
		if (c->cap == TD_CSV_MAX_ROWS)
			return -1;
		size_t cap = c->cap ? c->cap * 2 : 1024;
		td_csv_row *rows = realloc(c->rows, cap * sizeof *rows);
		if (!rows)
			return -1;
		c->rows = rows;
		c->cap = cap;
	}
	c->rows[c->n++] = *row;
	return 0;
}

/* Stable bottom-up merge sort of rows by ts; 0 or -1 out of memory. */
static int csv_sort(td_csv_row *a, size_t n)
{
	td_csv_row *tmp = malloc(n * sizeof *tmp);
	if (!tmp)
		return -1;
	td_csv_row *src = a, *dst = tmp;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = src[j].ts < src[i].ts ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		td_csv_row *swap = src;
		src = dst;
		dst = swap;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	free(tmp);
	return 0;
}

/* Whether the rows are already in time order. */
static bool csv_sorted(const td_csv_row *a, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (a[i].ts < a[i - 1].ts)
			return false;
	return true;
}

/* Handle one raw line (number lineno) of the CSV; -1 only when loading must stop. */
static int csv_line(td_replay *r, td_registry *reg, char *line, long len, uint64_t lineno)
{
	char why[TD_ERR_MAX - 64];
	if (len == -2)
		return replay_bad(r, lineno, "line longer than %d bytes", TD_CSV_LINE_MAX - 1), 0;
	if (memchr(line, '\0', (size_t)len))
		return replay_bad(r, lineno, "line holds a NUL byte"), 0;
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (lineno == 1 && !strncmp(line, "\xEF\xBB\xBF", 3))
		line += 3;  /* a byte-order mark, as spreadsheets write */
	line = trim(line);
	if (!*line || (lineno == 1 && isalpha((unsigned char)*line)))
		return 0;  /* a blank line, or the header line */
	td_csv_row row;
	memset(&row, 0, sizeof row);
	if (csv_parse_row(reg, line, &row, why, sizeof why) < 0)
		return replay_bad(r, lineno, "%s", why), 0;
	if (csv_push(&r->csv, &row) < 0)
		return replay_bad(r, lineno, "more than %zu rows or out of memory; record a tape "
				  "instead", TD_CSV_MAX_ROWS), -1;
	return 0;
}

/* Read the whole CSV at open; 0, or -1 when it cannot be read (error set). */
static int csv_load(td_replay *r, FILE *f, td_registry *reg)
{
	char line[TD_CSV_LINE_MAX];
	uint64_t lineno = 0;
	long len;
	while ((len = csv_read_line(f, line, sizeof line)) != -1)
		if (csv_line(r, reg, line, len, ++lineno) < 0)
			break;
	if (ferror(f)) {
		r->first_err[0] = '\0';
		replay_bad(r, lineno, "read error: %s", strerror(errno));
		return -1;
	}
	if (!csv_sorted(r->csv.rows, r->csv.n) && csv_sort(r->csv.rows, r->csv.n) < 0) {
		r->first_err[0] = '\0';
		replay_bad(r, lineno, "out of memory sorting %zu rows", r->csv.n);
		return -1;
	}
	return 0;
}

/* The next CSV trade as an event. */
static int csv_next(td_replay *r, td_event *ev)
{
	td_csv_in *c = &r->csv;
	if (c->pos == c->n) {
		r->done = true;
		return 0;
	}
	const td_csv_row *row = &c->rows[c->pos++];
	memset(ev, 0, sizeof *ev);
	ev->type = TD_EV_TRADE;
	ev->instr = row->instr;
	ev->exch_ns = row->ts;
	ev->u.trade.px = row->px;
	ev->u.trade.size = row->size;
	ev->u.trade.aggressor = row->side;
	return 1;
}

/*
 * Whether the first bytes say "tape": the full magic, a file cut short inside
 * the magic, or binary (a NUL) where the magic should be.  Text is CSV.
 */
static bool looks_like_tape(const uint8_t *head, size_t n)
{
	if (n == 0)
		return false;
	if (n < TD_TAPE_MAGIC_LEN && memcmp(head, TD_TAPE_MAGIC, n) == 0)
		return true;
	return memcmp(head, TD_TAPE_MAGIC, 6) == 0 || memchr(head, '\0', n) != NULL;
}

/* Open the tape whose first n bytes are in head; 0 or -1 (error set). */
static int tape_open(td_replay *r, FILE *f, const uint8_t *head, size_t n, td_registry *reg)
{
	uint8_t fixed[TD_TAPE_FIXED];
	r->is_tape = true;
	r->tape.f = f;
	r->tape.last_ns = INT64_MIN;
	if (n < TD_TAPE_MAGIC_LEN)
		return replay_bad(r, 0, "truncated header (%zu of %d bytes)", n, TD_TAPE_FIXED), -1;
	if (memcmp(head, TD_TAPE_MAGIC, TD_TAPE_MAGIC_LEN) != 0)
		return replay_bad(r, 0, "bad magic (not a tapedeck tape)"), -1;
	memcpy(fixed, head, TD_TAPE_MAGIC_LEN);
	return tape_open_header(r, fixed, reg);
}

/* Tape or CSV by content; see replay.h. */
td_replay *td_replay_open(const char *path, td_registry *reg, char *err, size_t errlen)
{
	td_replay *r = calloc(1, sizeof *r);
	if (!r) {
		fmt(err, errlen, "out of memory");
		return NULL;
	}
	td_text_sanitize(r->name, sizeof r->name, path);
	FILE *f = fopen(path, "rbe");
	if (!f) {
		fmt(err, errlen, "%s: %s", r->name, strerror(errno));
		free(r);
		return NULL;
	}
	uint8_t head[TD_TAPE_MAGIC_LEN];
	size_t n = fread(head, 1, sizeof head, f);
	int rc;
	if (looks_like_tape(head, n)) {
		rc = tape_open(r, f, head, n, reg);
	} else {
		rc = fseek(f, 0, SEEK_SET);
		if (rc < 0)
			replay_bad(r, 0, "cannot rewind: %s", strerror(errno));
		else
			rc = csv_load(r, f, reg);
		fclose(f);
	}
	if (rc < 0) {
		fmt(err, errlen, "%s", r->first_err);
		td_replay_free(r);
		return NULL;
	}
	return r;
}

/* Close the tape and free the rows. */
void td_replay_free(td_replay *r)
{
	if (!r)
		return;
	if (r->tape.f)
		fclose(r->tape.f);
	free(r->tape.payload);
	free(r->tape.map);
	free(r->csv.rows);
	free(r);
}

/* The next event of whichever source r reads. */
int td_replay_next(td_replay *r, td_event *ev)
{
	return r->is_tape ? tape_next(r, ev) : csv_next(r, ev);
}

/* Bad lines, or 1 once a tape has ended on damage. */
uint64_t td_replay_bad_count(const td_replay *r)
{
	return r->bad;
}

/* The first message, or NULL when nothing went wrong. */
const char *td_replay_first_error(const td_replay *r)
{
	return r->first_err[0] ? r->first_err : NULL;
}

/* Write all n bytes; 0, or -1 with err. */
static int tape_write_all(td_tape_writer *w, const uint8_t *p, size_t n, char *err, size_t errlen)
{
	while (n > 0) {
		ssize_t k = write(w->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			w->failed = true;
			fmt(err, errlen, "%s: write failed: %s", w->name, strerror(errno));
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Build the header for reg's instruments into a new buffer of *len bytes; NULL with err. */
static uint8_t *tape_build_header(td_tape_writer *w, const td_registry *reg, size_t *len,
				  char *err, size_t errlen)
{
	size_t n = td_registry_count(reg);
	if (n > TD_TAPE_MAX_INS) {
		fmt(err, errlen, "%s: %zu instruments, more than a tape holds (%d)", w->name, n,
		    TD_TAPE_MAX_INS);
		return NULL;
	}
	*len = TD_TAPE_FIXED + n * TD_TAPE_INS_SIZE + 4;
	uint8_t *h = calloc(1, *len);
	if (!h) {
		fmt(err, errlen, "%s: out of memory", w->name);
		return NULL;
	}
	memcpy(h, TD_TAPE_MAGIC, TD_TAPE_MAGIC_LEN);
	put_u16(h + 8, TD_TAPE_VERSION);
	put_u32(h + 12, (uint32_t)*len);
	put_i64(h + 16, td_now());
	put_u32(h + 24, (uint32_t)n);
	put_u32(h + 28, TD_TAPE_BLOCK_EVENTS);
	for (uint32_t id = 0; id < n; id++) {
		const td_instrument *in = td_registry_get(reg, id);
		if (!in || (in->underlying != TD_NO_ID && in->underlying >= id)) {
			fmt(err, errlen, "%s: instrument id %u is missing or its underlying is not "
			    "registered before it", w->name, id);
			free(h);
			return NULL;
		}
		tape_put_instrument(h + TD_TAPE_FIXED + (size_t)id * TD_TAPE_INS_SIZE, in);
	}
	put_u32(h + *len - 4, td_crc(0, h, *len - 4));
	w->ninstr = (uint32_t)n;
	return h;
}

/* Write the header now, so a tape cut short later still has its instruments. */
td_tape_writer *td_tape_create(const char *path, const td_registry *reg, char *err, size_t errlen)
{
	td_tape_writer *w = calloc(1, sizeof *w);
	if (!w) {
		fmt(err, errlen, "out of memory");
		return NULL;
	}
	td_text_sanitize(w->name, sizeof w->name, path);
	size_t len;
	uint8_t *h = tape_build_header(w, reg, &len, err, errlen);
	if (!h) {
		free(w);
		return NULL;
	}
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		fmt(err, errlen, "%s: %s", w->name, strerror(errno));
		free(h);
		free(w);
		return NULL;
	}
	int rc = tape_write_all(w, h, len, err, errlen);
	free(h);
	if (rc < 0) {
		close(w->fd);
		free(w);
		return NULL;
	}
	return w;
}

/* Write the block being filled, if any; 0 or -1 with err. */
static int tape_flush_block(td_tape_writer *w, char *err, size_t errlen)
{
	if (w->count == 0)
		return 0;
	uint32_t len = w->count * TD_TAPE_EV_SIZE;
	memcpy(w->block, TD_TAPE_BLOCK_MAGIC, 4);
	put_u32(w->block + 4, w->count);
	put_u32(w->block + 8, len);
	put_u32(w->block + 12, td_crc(td_crc(0, w->block + 4, 8), w->block + TD_TAPE_BHDR, len));
	if (tape_write_all(w, w->block, TD_TAPE_BHDR + len, err, errlen) < 0)
		return -1;
	w->blocks++;
	w->count = 0;
	return 0;
}

/* Check ev as the reader will, then add it to the block being filled. */
int td_tape_write(td_tape_writer *w, const td_event *ev, char *err, size_t errlen)
{
	char why[96];
	if (w->failed) {
		fmt(err, errlen, "%s: an earlier write failed", w->name);
		return -1;
	}
	if (event_check(ev, why, sizeof why) < 0) {
		fmt(err, errlen, "%s: %s", w->name, why);
		return -1;
	}
	if (ev->instr >= w->ninstr && !(ev->type == TD_EV_STATUS && ev->instr == TD_NO_ID)) {
		fmt(err, errlen, "%s: instrument id %u not in the tape's table", w->name, ev->instr);
		return -1;
	}
	if (w->any && ev->exch_ns < w->last_ns) {
		fmt(err, errlen, "%s: event time goes backwards", w->name);
		return -1;
	}
	tape_put_event(w->block + TD_TAPE_BHDR + (size_t)w->count * TD_TAPE_EV_SIZE, ev);
	w->count++;
	w->events++;
	w->any = true;
	w->last_ns = ev->exch_ns;
	return w->count == TD_TAPE_BLOCK_EVENTS ? tape_flush_block(w, err, errlen) : 0;
}

/* The last block, the end marker, fsync; the first failure is the one reported. */
int td_tape_close(td_tape_writer *w, char *err, size_t errlen)
{
	uint8_t end[TD_TAPE_BHDR];
	memcpy(end, TD_TAPE_END_MAGIC, 4);
	int rc = w->failed ? (fmt(err, errlen, "%s: an earlier write failed", w->name), -1) : 0;
	if (rc == 0)
		rc = tape_flush_block(w, err, errlen);
	put_u32(end + 4, w->blocks);
	put_u64(end + 8, w->events);
	if (rc == 0)
		rc = tape_write_all(w, end, sizeof end, err, errlen);
	if (rc == 0 && fsync(w->fd) < 0) {
		fmt(err, errlen, "%s: fsync failed: %s", w->name, strerror(errno));
		rc = -1;
	}
	if (close(w->fd) < 0 && rc == 0) {
		fmt(err, errlen, "%s: close failed: %s", w->name, strerror(errno));
		rc = -1;
	}
	free(w);
	return rc;
}

/* td_feed_ops.next over a td_replay. */
static int replay_ops_next(void *impl, td_event *ev)
{
	return td_replay_next(impl, ev);
}

/* td_feed_ops.free over a td_replay. */
static void replay_ops_free(void *impl)
{
	td_replay_free(impl);
}

/* td_feed_ops.error: the first error, or the first bad CSV line. */
static const char *replay_ops_error(void *impl)
{
	return td_replay_first_error(impl);
}

const td_feed_ops td_replay_feed_ops = {
	.name = "replay",
	.next = replay_ops_next,
	.free = replay_ops_free,
	.error = replay_ops_error,
};
