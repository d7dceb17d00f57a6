/*
 * Tapes and CSV replay: round trips, damage at every byte, CSV errors.
 *
 * Expected sizes, offsets, timestamps and messages are worked out by hand from
 * doc/formats.md (header 32 + 96 per instrument + 4, blocks of 16 + 64 per
 * event, end marker 16) and from `date -u -d ... +%s`.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "feed/replay.h"

#define REG_CAP 64

/* One temporary directory per test run, removed at the end. */
typedef struct fixture {
	char dir[64];
	char path[128];
} fixture;

/* A fresh temporary directory for each test. */
static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	const char *tmp = getenv("TMPDIR");
	snprintf(fx->dir, sizeof fx->dir, "%s/td_replay_XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

/* Remove the directory and the files the test left in it. */
static int teardown(void **state)
{
	fixture *fx = *state;
	DIR *d = opendir(fx->dir);
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	int rc = rmdir(fx->dir);
	free(fx);
	return rc;
}

/* fx->path := dir/name */
static const char *path_of(fixture *fx, const char *name)
{
	snprintf(fx->path, sizeof fx->path, "%s/%s", fx->dir, name);
	return fx->path;
}

/* Write n bytes to path, replacing it. */
static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* The whole file into a malloc'd buffer. */
static uint8_t *read_bytes(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	rewind(f);
	uint8_t *p = malloc(*n ? *n : 1);
	assert_int_equal(fread(p, 1, *n, f), *n);
	fclose(f);
	return p;
}

/* Register a plain instrument and return its id. */
static uint32_t add_ins(td_registry *reg, const char *sym, td_ins_kind kind, int64_t tick, int scale,
			int64_t mult, uint32_t underlying)
{
	td_instrument in;
	memset(&in, 0, sizeof in);
	in.kind = kind;
	strcpy(in.symbol, sym);
	in.px = (td_pxfmt){ .tick = tick, .scale = scale };
	in.multiplier = mult;
	in.underlying = underlying;
	uint32_t id = td_registry_add(reg, &in);
	assert_int_not_equal(id, TD_NO_ID);
	return id;
}

/* SPY (0.01), SPX index (0.05) and a SPY call, ids 0, 1, 2. */
static td_registry *sample_registry(void)
{
	td_registry *reg = td_registry_new(REG_CAP);
	add_ins(reg, "SPY", TD_INS_EQUITY, 1, 2, 1, TD_NO_ID);
	add_ins(reg, "SPX", TD_INS_INDEX, 5, 2, 1, TD_NO_ID);
	td_instrument opt;
	memset(&opt, 0, sizeof opt);
	opt.kind = TD_INS_OPTION;
	strcpy(opt.symbol, "SPY   241220C00450000");
	opt.px = (td_pxfmt){ .tick = 1, .scale = 2 };
	opt.multiplier = 100;
	opt.underlying = 0;
	strcpy(opt.occ.root, "SPY");
	opt.occ.year = 2024;
	opt.occ.month = 12;
	opt.occ.day = 20;
	opt.occ.right = 'C';
	opt.occ.strike_milli = 450000;
	opt.style = TD_EXERCISE_AMERICAN;
	opt.expiry_days = 20077;
	assert_int_equal(td_registry_add(reg, &opt), 2);
	return reg;
}

/* One event of every type, each field distinct, in time order. */
static size_t sample_events(td_event *ev)
{
	memset(ev, 0, 6 * sizeof *ev);
	ev[0].type = TD_EV_TRADE;
	ev[0].instr = 0;
	ev[0].exch_ns = 1710513000000000000LL;
	ev[0].recv_ns = 1710513000000001234LL;
	ev[0].u.trade = (td_ev_trade){ .px = 51234, .size = 300, .aggressor = TD_SIDE_BUY };
	ev[1].type = TD_EV_QUOTE;
	ev[1].instr = 1;
	ev[1].exch_ns = 1710513000000000000LL;
	ev[1].recv_ns = -5;
	ev[1].u.quote = (td_ev_quote){ .bid = TD_PX_NONE, .ask = 103456, .bid_sz = -7, .ask_sz = 2147483647 };
	ev[2].type = TD_EV_LEVEL;
	ev[2].instr = 0;
	ev[2].exch_ns = 1710513000500000000LL;
	ev[2].u.level = (td_ev_level){ .px = 51230, .size = 0, .side = TD_SIDE_SELL };
	ev[3].type = TD_EV_OPTQ;
	ev[3].instr = 2;
	ev[3].flags = 0;
	ev[3].exch_ns = 1710513001000000000LL;
	ev[3].recv_ns = 1710513001000000999LL;
	ev[3].u.optq = (td_ev_optq){ .bid = 1210, .ask = 1225, .bid_sz = 40, .ask_sz = 55,
				     .volume = 123456789012LL, .oi = 987654 };
	ev[4].type = TD_EV_STATUS;
	ev[4].instr = TD_NO_ID;
	ev[4].exch_ns = 1710513002000000000LL;
	ev[4].u.status = (td_ev_status){ .kind = TD_ST_PHASE, .phase = TD_PHASE_REGULAR, .code = -42 };
	ev[5].type = TD_EV_TRADE;
	ev[5].instr = 2;
	ev[5].exch_ns = 1710513003000000000LL;
	ev[5].u.trade = (td_ev_trade){ .px = 1220, .size = INT64_MAX, .aggressor = TD_SIDE_NONE };
	return 6;
}

/* Record n events on a tape holding reg's instruments. */
static void write_tape(const char *path, const td_registry *reg, const td_event *ev, size_t n)
{
	char err[256] = "";
	td_tape_writer *w = td_tape_create(path, reg, err, sizeof err);
	assert_non_null(w);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(td_tape_write(w, &ev[i], err, sizeof err), 0);
	assert_int_equal(td_tape_close(w, err, sizeof err), 0);
}

/* Field by field, so padding never decides the outcome. */
static void assert_event_equal(const td_event *a, const td_event *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->instr, b->instr);
	assert_int_equal(a->exch_ns, b->exch_ns);
	assert_int_equal(a->recv_ns, b->recv_ns);
	switch (a->type) {
	case TD_EV_TRADE:
		assert_int_equal(a->u.trade.px, b->u.trade.px);
		assert_int_equal(a->u.trade.size, b->u.trade.size);
		assert_int_equal(a->u.trade.aggressor, b->u.trade.aggressor);
		break;
	case TD_EV_QUOTE:
		assert_int_equal(a->u.quote.bid, b->u.quote.bid);
		assert_int_equal(a->u.quote.ask, b->u.quote.ask);
		assert_int_equal(a->u.quote.bid_sz, b->u.quote.bid_sz);
		assert_int_equal(a->u.quote.ask_sz, b->u.quote.ask_sz);
		break;
	case TD_EV_LEVEL:
		assert_int_equal(a->u.level.px, b->u.level.px);
		assert_int_equal(a->u.level.size, b->u.level.size);
		assert_int_equal(a->u.level.side, b->u.level.side);
		break;
	case TD_EV_OPTQ:
		assert_int_equal(a->u.optq.bid, b->u.optq.bid);
		assert_int_equal(a->u.optq.ask, b->u.optq.ask);
		assert_int_equal(a->u.optq.bid_sz, b->u.optq.bid_sz);
		assert_int_equal(a->u.optq.ask_sz, b->u.optq.ask_sz);
		assert_int_equal(a->u.optq.volume, b->u.optq.volume);
		assert_int_equal(a->u.optq.oi, b->u.optq.oi);
		break;
	case TD_EV_STATUS:
		assert_int_equal(a->u.status.kind, b->u.status.kind);
		assert_int_equal(a->u.status.phase, b->u.status.phase);
		assert_int_equal(a->u.status.code, b->u.status.code);
		break;
	default:
		fail_msg("unexpected event type %u", a->type);
	}
}

/* Every field but the id and the underlying, which replay remaps. */
static void assert_instrument_equal(const td_instrument *a, const td_instrument *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_string_equal(a->symbol, b->symbol);
	assert_int_equal(a->px.tick, b->px.tick);
	assert_int_equal(a->px.scale, b->px.scale);
	assert_int_equal(a->multiplier, b->multiplier);
	assert_string_equal(a->occ.root, b->occ.root);
	assert_int_equal(a->occ.year, b->occ.year);
	assert_int_equal(a->occ.month, b->occ.month);
	assert_int_equal(a->occ.day, b->occ.day);
	assert_int_equal(a->occ.right, b->occ.right);
	assert_int_equal(a->occ.strike_milli, b->occ.strike_milli);
	assert_int_equal(a->style, b->style);
	assert_int_equal(a->expiry_days, b->expiry_days);
}

/* A tape read into a registry that already holds one symbol: ids shift by one. */
static void test_tape_round_trip(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "round.td");
	td_registry *src = sample_registry();
	td_event ev[6];
	size_t n = sample_events(ev);
	write_tape(path, src, ev, n);

	size_t size;
	free(read_bytes(path, &size));
	assert_int_equal(size, 32 + 3 * 96 + 4 + 16 + 6 * 64 + 16);

	td_registry *dst = td_registry_new(REG_CAP);
	add_ins(dst, "QQQ", TD_INS_EQUITY, 1, 2, 1, TD_NO_ID);
	char err[256] = "";
	td_replay *r = td_replay_open(path, dst, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(td_registry_count(dst), 4);
	for (uint32_t id = 0; id < 3; id++)
		assert_instrument_equal(td_registry_get(dst, id + 1), td_registry_get(src, id));
	assert_int_equal(td_registry_get(dst, 1)->underlying, TD_NO_ID);
	assert_int_equal(td_registry_get(dst, 3)->underlying, 1);

	for (size_t i = 0; i < n; i++) {
		td_event got, want = ev[i];
		if (want.instr != TD_NO_ID)
			want.instr++;
		assert_int_equal(td_replay_next(r, &got), 1);
		assert_event_equal(&got, &want);
	}
	td_event got;
	assert_int_equal(td_replay_next(r, &got), 0);
	assert_int_equal(td_replay_next(r, &got), 0);
	assert_null(td_replay_first_error(r));
	assert_int_equal(td_replay_bad_count(r), 0);
	td_replay_free(r);
	td_registry_free(dst);
	td_registry_free(src);
}

/* A tape with no events and a registry with no instruments. */
static void test_tape_empty(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "empty.td");
	td_registry *src = td_registry_new(REG_CAP);
	write_tape(path, src, NULL, 0);
	size_t size;
	free(read_bytes(path, &size));
	assert_int_equal(size, 32 + 4 + 16);

	char err[256] = "";
	td_replay *r = td_replay_open(path, src, err, sizeof err);
	assert_non_null(r);
	td_event ev;
	assert_int_equal(td_replay_next(r, &ev), 0);
	assert_null(td_replay_first_error(r));
	td_replay_free(r);
	td_registry_free(src);
}

/* Trade i of a long synthetic tape. */
static td_event seq_event(uint32_t i)
{
	td_event e;
	memset(&e, 0, sizeof e);
	e.type = TD_EV_TRADE;
	e.instr = i % 3;
	e.exch_ns = 1700000000000000000LL + (int64_t)i * 1000;
	e.recv_ns = e.exch_ns + 77;
	e.u.trade = (td_ev_trade){ .px = 10000 + i, .size = i + 1, .aggressor = (uint8_t)(i % 3) };
	return e;
}

/* 10000 events make blocks of 4096, 4096 and 1808. */
static void test_tape_many_blocks(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "many.td");
	td_registry *src = sample_registry();
	char err[256] = "";
	td_tape_writer *w = td_tape_create(path, src, err, sizeof err);
	assert_non_null(w);
	for (uint32_t i = 0; i < 10000; i++) {
		td_event e = seq_event(i);
		assert_int_equal(td_tape_write(w, &e, err, sizeof err), 0);
	}
	assert_int_equal(td_tape_close(w, err, sizeof err), 0);
	size_t size;
	free(read_bytes(path, &size));
	assert_int_equal(size, 324 + 3 * 16 + 10000 * 64 + 16);

	td_registry *dst = td_registry_new(REG_CAP);
	td_replay *r = td_replay_open(path, dst, err, sizeof err);
	assert_non_null(r);
	td_event got;
	for (uint32_t i = 0; i < 10000; i++) {
		td_event want = seq_event(i);
		assert_int_equal(td_replay_next(r, &got), 1);
		assert_event_equal(&got, &want);
	}
	assert_int_equal(td_replay_next(r, &got), 0);
	assert_null(td_replay_first_error(r));
	td_replay_free(r);
	td_registry_free(dst);
	td_registry_free(src);
}

/* The error of a tape cut to len bytes, for the hand-checked cases below. */
static void expect_cut(fixture *fx, const uint8_t *tape, size_t len, int events, const char *msg)
{
	const char *path = path_of(fx, "cut.td");
	write_bytes(path, tape, len);
	char err[256] = "", want[320];
	snprintf(want, sizeof want, "%s:%s", path, msg);
	td_registry *reg = td_registry_new(REG_CAP);
	td_replay *r = td_replay_open(path, reg, err, sizeof err);
	if (events < 0) {
		assert_null(r);
		assert_string_equal(err, want);
	} else {
		assert_non_null(r);
		td_event ev;
		for (int i = 0; i < events; i++)
			assert_int_equal(td_replay_next(r, &ev), 1);
		assert_int_equal(td_replay_next(r, &ev), -1);
		assert_int_equal(td_replay_next(r, &ev), -1);
		assert_string_equal(td_replay_first_error(r), want);
		assert_string_equal(td_replay_feed_ops.error(r), want);
		assert_int_equal(td_replay_bad_count(r), 1);
		td_replay_free(r);
	}
	td_registry_free(reg);
}

/*
 * Cut the 6-event sample tape (324 header + 400 block + 16 end = 740 bytes)
 * at every length: a prefix of the events, then a clear error, never garbage.
 */
static void test_tape_truncated_everywhere(void **state)
{
	fixture *fx = *state;
	const char *full = path_of(fx, "full.td");
	td_registry *src = sample_registry();
	td_event ev[6];
	size_t n = sample_events(ev);
	write_tape(full, src, ev, n);
	size_t size;
	uint8_t *tape = read_bytes(full, &size);
	assert_int_equal(size, 740);

	const char *path = path_of(fx, "cut.td");
	char want_prefix[160];
	snprintf(want_prefix, sizeof want_prefix, "%s:", path);
	for (size_t len = 1; len < size; len++) {
		write_bytes(path, tape, len);
		td_registry *reg = td_registry_new(REG_CAP);
		char err[256] = "";
		td_replay *r = td_replay_open(path, reg, err, sizeof err);
		if (!r) {
			assert_true(len < 324);
			assert_memory_equal(err, want_prefix, strlen(want_prefix));
			td_registry_free(reg);
			continue;
		}
		size_t got = 0;
		td_event e;
		int rc;
		while ((rc = td_replay_next(r, &e)) == 1) {
			assert_true(got < n);
			td_event want = ev[got++];
			assert_event_equal(&e, &want);
		}
		assert_int_equal(rc, -1);
		assert_int_equal(got, len >= 724 ? 6 : 0);
		assert_memory_equal(td_replay_first_error(r), want_prefix, strlen(want_prefix));
		td_replay_free(r);
		td_registry_free(reg);
	}

	expect_cut(fx, tape, 5, -1, "0: truncated header (5 of 32 bytes)");
	expect_cut(fx, tape, 31, -1, "0: truncated header (31 of 32 bytes)");
	expect_cut(fx, tape, 100, -1, "0: truncated header (100 of 324 bytes)");
	expect_cut(fx, tape, 324, 0, "324: no end marker: the recording was cut short");
	expect_cut(fx, tape, 336, 0, "324: truncated block header (12 of 16 bytes)");
	expect_cut(fx, tape, 400, 0, "340: block 1 truncated (60 of 384 payload bytes)");
	expect_cut(fx, tape, 724, 6, "724: no end marker: the recording was cut short");
	expect_cut(fx, tape, 739, 6, "724: truncated block header (15 of 16 bytes)");

	/* zero bytes are an empty CSV, not a tape: nothing to replay, nothing wrong */
	write_bytes(path, tape, 0);
	td_registry *reg = td_registry_new(REG_CAP);
	char err[256];
	td_replay *r = td_replay_open(path, reg, err, sizeof err);
	assert_non_null(r);
	td_event e;
	assert_int_equal(td_replay_next(r, &e), 0);
	assert_null(td_replay_first_error(r));
	td_replay_free(r);
	td_registry_free(reg);
	free(tape);
	td_registry_free(src);
}

/* Symbols already registered are reused when their ticks agree and refused otherwise. */
static void test_tape_existing_symbols(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "existing.td");
	td_registry *src = sample_registry();
	td_event ev[6];
	size_t n = sample_events(ev);
	write_tape(path, src, ev, n);

	td_registry *same = td_registry_new(REG_CAP);
	add_ins(same, "SPX", TD_INS_INDEX, 5, 2, 1, TD_NO_ID);
	char err[256] = "", want[256];
	td_replay *r = td_replay_open(path, same, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(td_registry_count(same), 3);
	td_event e;
	assert_int_equal(td_replay_next(r, &e), 1);
	assert_int_equal(e.instr, 1);  /* SPY, added after the SPX already there */
	assert_int_equal(td_replay_next(r, &e), 1);
	assert_int_equal(e.instr, 0);  /* SPX, reused */
	td_replay_free(r);
	td_registry_free(same);

	td_registry *other = td_registry_new(REG_CAP);
	add_ins(other, "SPX", TD_INS_INDEX, 1, 2, 1, TD_NO_ID);
	assert_null(td_replay_open(path, other, err, sizeof err));
	snprintf(want, sizeof want, "%s:128: instrument 2: symbol 'SPX' is already registered "
		 "with another kind or tick size", path);
	assert_string_equal(err, want);
	td_registry_free(other);
	td_registry_free(src);
}

/* A flipped payload byte in block 2 of 3: block 1 plays, then the checksum error. */
static void test_tape_flipped_byte(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "flip.td");
	td_registry *src = sample_registry();
	char err[256] = "";
	td_tape_writer *w = td_tape_create(path, src, err, sizeof err);
	for (uint32_t i = 0; i < 9000; i++) {
		td_event e = seq_event(i);
		assert_int_equal(td_tape_write(w, &e, err, sizeof err), 0);
	}
	assert_int_equal(td_tape_close(w, err, sizeof err), 0);
	size_t size;
	uint8_t *tape = read_bytes(path, &size);
	size_t block2 = 324 + 16 + 4096 * 64;  /* 262484 */
	tape[block2 + 16 + 1000] ^= 0x20;
	write_bytes(path, tape, size);

	td_registry *dst = td_registry_new(REG_CAP);
	td_replay *r = td_replay_open(path, dst, err, sizeof err);
	assert_non_null(r);
	td_event got;
	for (uint32_t i = 0; i < 4096; i++) {
		td_event want = seq_event(i);
		assert_int_equal(td_replay_next(r, &got), 1);
		assert_event_equal(&got, &want);
	}
	assert_int_equal(td_replay_next(r, &got), -1);
	char want[200];
	snprintf(want, sizeof want, "%s:262484: block 2 checksum mismatch (stored 0x", path);
	assert_memory_equal(td_replay_first_error(r), want, strlen(want));
	td_replay_free(r);
	td_registry_free(dst);
	free(tape);
	td_registry_free(src);
}

/* Write the sample tape, patch it, and expect opening to fail with msg. */
static void expect_patched(fixture *fx, void (*patch)(uint8_t *), const char *msg)
{
	const char *path = path_of(fx, "patched.td");
	td_registry *src = sample_registry();
	td_event ev[6];
	write_tape(path, src, ev, sample_events(ev));
	size_t size;
	uint8_t *tape = read_bytes(path, &size);
	patch(tape);
	write_bytes(path, tape, size);
	char err[256] = "", want[320];
	snprintf(want, sizeof want, "%s:%s", path, msg);
	td_registry *reg = td_registry_new(REG_CAP);
	assert_null(td_replay_open(path, reg, err, sizeof err));
	assert_string_equal(err, want);
	td_registry_free(reg);
	td_registry_free(src);
	free(tape);
}

/* The patches below each break one header field. */
static void patch_magic(uint8_t *t)
{
	t[0] = 'X';
}

static void patch_version(uint8_t *t)
{
	t[8] = 7;
}

static void patch_symbol(uint8_t *t)
{
	t[32 + 96 + 8] = 'Q';  /* SPX -> QPX */
}

static void patch_count(uint8_t *t)
{
	t[24] = 0xff;
	t[25] = 0xff;
	t[26] = 0xff;
	t[27] = 0x7f;
}

/* Bad magic, version and count fail at open with their offsets; so does a header CRC. */
static void test_tape_bad_header(void **state)
{
	fixture *fx = *state;
	expect_patched(fx, patch_magic, "0: bad magic (not a tapedeck tape)");
	expect_patched(fx, patch_version, "8: unsupported version 7 (this build reads 1)");
	expect_patched(fx, patch_count, "24: 2147483647 instruments, more than the limit of 65536");
	const char *path = path_of(fx, "patched.td");
	char want[200];
	snprintf(want, sizeof want, "%s:320: header checksum mismatch (stored 0x", path);
	td_registry *src = sample_registry();
	td_event ev[6];
	write_tape(path, src, ev, sample_events(ev));
	size_t size;
	uint8_t *tape = read_bytes(path, &size);
	patch_symbol(tape);
	write_bytes(path, tape, size);
	td_registry *reg = td_registry_new(REG_CAP);
	char err[256];
	assert_null(td_replay_open(path, reg, err, sizeof err));
	assert_memory_equal(err, want, strlen(want));
	assert_int_equal(td_registry_count(reg), 0);
	td_registry_free(reg);
	td_registry_free(src);
	free(tape);
}

/* An event naming an instrument outside the table, with a valid checksum. */
static void test_tape_unknown_instrument(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "unknown.td");
	td_registry *src = sample_registry();
	td_event ev[6];
	write_tape(path, src, ev, sample_events(ev));
	size_t size;
	uint8_t *tape = read_bytes(path, &size);
	uint8_t *block = tape + 324, *payload = block + 16;
	payload[64 + 4] = 99;  /* event 2's instrument id */
	uLong crc = crc32(crc32(0, block + 4, 8), payload, 6 * 64);
	for (int i = 0; i < 4; i++)
		block[12 + i] = (uint8_t)(crc >> (8 * i));
	write_bytes(path, tape, size);

	char err[256] = "", want[200];
	td_registry *reg = td_registry_new(REG_CAP);
	td_replay *r = td_replay_open(path, reg, err, sizeof err);
	assert_non_null(r);
	td_event e;
	assert_int_equal(td_replay_next(r, &e), 1);
	assert_int_equal(td_replay_next(r, &e), -1);
	snprintf(want, sizeof want, "%s:408: block 1 event 2: instrument id 99 not in the tape's table",
		 path);
	assert_string_equal(td_replay_first_error(r), want);
	td_replay_free(r);
	td_registry_free(reg);
	td_registry_free(src);
	free(tape);
}

/* The writer refuses what the reader would reject. */
static void test_tape_writer_rejects(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "rejects.td");
	td_registry *src = sample_registry();
	char err[256] = "", want[200];
	td_tape_writer *w = td_tape_create(path, src, err, sizeof err);
	td_event e = seq_event(5);

	e.type = 9;
	assert_int_equal(td_tape_write(w, &e, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: bad event type 9", path);
	assert_string_equal(err, want);

	e = seq_event(5);
	e.instr = 3;
	assert_int_equal(td_tape_write(w, &e, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: instrument id 3 not in the tape's table", path);
	assert_string_equal(err, want);

	e = seq_event(5);
	assert_int_equal(td_tape_write(w, &e, err, sizeof err), 0);
	e = seq_event(4);
	assert_int_equal(td_tape_write(w, &e, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: event time goes backwards", path);
	assert_string_equal(err, want);
	assert_int_equal(td_tape_close(w, err, sizeof err), 0);

	size_t size;
	free(read_bytes(path, &size));
	assert_int_equal(size, 324 + 16 + 64 + 16);
	td_registry_free(src);
}

/* Every event of r through the feed ops, which must end cleanly; how many. */
static size_t drain(td_replay *r, td_event *out, size_t max)
{
	size_t n = 0;
	td_event e;
	int rc;
	while ((rc = td_replay_feed_ops.next(r, &e)) == 1) {
		assert_true(n < max);
		out[n++] = e;
	}
	assert_int_equal(rc, 0);
	return n;
}

/* ev is this trade, with recv_ns left for the feed thread to stamp. */
static void assert_trade(const td_event *e, uint32_t instr, td_ns ts, td_ticks px, int64_t size,
			 td_side side)
{
	assert_int_equal(e->type, TD_EV_TRADE);
	assert_int_equal(e->instr, instr);
	assert_int_equal(e->exch_ns, ts);
	assert_int_equal(e->recv_ns, 0);
	assert_int_equal(e->u.trade.px, px);
	assert_int_equal(e->u.trade.size, size);
	assert_int_equal(e->u.trade.aggressor, side);
}

/* Header, CRLF, ISO and epoch times, every side spelling. */
static void test_csv_good(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "trades.td");  /* the name says tape; the content wins */
	const char *csv =
		"ts,symbol,price,size,side\r\n"
		"2024-03-15T14:30:00Z,SPY,512.34,100,B\r\n"
		"1710513000000000001,SPY,512.35,5,sell\r\n"
		"2024-03-15T14:30:00.123456789-04:00,MSFT,420,7,N\n"
		"2024-03-15 14:30:00.123456789-04:00, MSFT ,420.10,8,\n"
		"\n"
		"1710527400123456789,SPY,512.3,1,s\n"
		"1710527400123456789,SPY,512,2,BUY";
	write_bytes(path, csv, strlen(csv));
	td_registry *reg = td_registry_new(REG_CAP);
	char err[256] = "";
	td_replay *r = td_replay_open(path, reg, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(td_registry_count(reg), 2);
	const td_instrument *spy = td_registry_get(reg, 0);
	assert_string_equal(spy->symbol, "SPY");
	assert_int_equal(spy->kind, TD_INS_EQUITY);
	assert_int_equal(spy->px.tick, 1);
	assert_int_equal(spy->px.scale, 2);
	assert_int_equal(spy->multiplier, 1);
	assert_string_equal(td_registry_get(reg, 1)->symbol, "MSFT");

	td_event ev[8];
	assert_int_equal(drain(r, ev, 8), 6);
	assert_trade(&ev[0], 0, 1710513000000000000LL, 51234, 100, TD_SIDE_BUY);
	assert_trade(&ev[1], 0, 1710513000000000001LL, 51235, 5, TD_SIDE_SELL);
	assert_trade(&ev[2], 1, 1710527400123456789LL, 42000, 7, TD_SIDE_NONE);
	assert_trade(&ev[3], 1, 1710527400123456789LL, 42010, 8, TD_SIDE_NONE);
	assert_trade(&ev[4], 0, 1710527400123456789LL, 51230, 1, TD_SIDE_SELL);
	assert_trade(&ev[5], 0, 1710527400123456789LL, 51200, 2, TD_SIDE_BUY);
	assert_null(td_replay_first_error(r));
	assert_int_equal(td_replay_bad_count(r), 0);
	td_replay_feed_ops.free(r);
	td_registry_free(reg);
}

/* Every bad-line message names its line; the good lines still play. */
static void test_csv_bad_lines(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "trades.csv");
	static const struct {
		const char *line;
		const char *msg;
	} bad[] = {
		{ "2024-03-15T14:30:00Z,SPY,512.34,100", "expected 5 fields (ts,symbol,price,size,side), found 4" },
		{ "2024-03-15T14:30:00Z,SPY,512.34,100,B,x", "expected 5 fields (ts,symbol,price,size,side), found 6" },
		{ "yesterday,SPY,512.34,100,B", "bad ts 'yesterday': " },
		{ "99999999999999999999,SPY,512.34,100,B", "bad ts '99999999999999999999': number out of range" },
		{ "1710513000000000000,,512.34,100,B", "empty symbol" },
		{ "1710513000000000000,ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456,1,1,B",
		  "bad symbol 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456': longer than 31 bytes" },
		{ "1710513000000000000,SP\x01Y,1,1,B", "bad symbol 'SPY': control characters or invalid UTF-8" },
		{ "1710513000000000000,SPY,12.345,100,B", "bad price '12.345': more than 2 decimals" },
		{ "1710513000000000000,SPY,abc,100,B", "bad price 'abc': " },
		{ "1710513000000000000,SPY,-1.00,100,B", "bad price '-1.00': not positive" },
		{ "1710513000000000000,SPY,0,100,B", "bad price '0': not positive" },
		{ "1710513000000000000,SPY,1.00,0,B", "bad size '0': not a positive integer" },
		{ "1710513000000000000,SPY,1.00,1.5,B", "bad size '1.5': not a positive integer" },
		{ "1710513000000000000,SPY,1.00,-3,B", "bad size '-3': not a positive integer" },
		{ "1710513000000000000,SPY,1.00,3,X", "bad side 'X': expected B, S, BUY, SELL, N or empty" },
		{ "1710513000000000000,SPY,1.00,3,BUYS", "bad side 'BUYS': expected B, S, BUY, SELL, N or empty" },
	};
	size_t nbad = sizeof bad / sizeof bad[0];
	char csv[4096] = "ts,symbol,price,size,side\n1710513000000000000,SPY,1.00,1,B\n";
	for (size_t i = 0; i < nbad; i++) {
		strcat(csv, bad[i].line);
		strcat(csv, "\n");
	}
	strcat(csv, "1710513000000000009,SPY,1.01,2,S\n");
	write_bytes(path, csv, strlen(csv));

	/* the first bad line is line 3; each message is checked on its own file too */
	td_registry *reg = td_registry_new(REG_CAP);
	char err[256] = "", want[300];
	td_replay *r = td_replay_open(path, reg, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(td_replay_bad_count(r), nbad);
	snprintf(want, sizeof want, "%s:3: %s", path, bad[0].msg);
	assert_string_equal(td_replay_first_error(r), want);
	td_event ev[4];
	assert_int_equal(drain(r, ev, 4), 2);
	assert_trade(&ev[0], 0, 1710513000000000000LL, 100, 1, TD_SIDE_BUY);
	assert_trade(&ev[1], 0, 1710513000000000009LL, 101, 2, TD_SIDE_SELL);
	td_replay_free(r);
	td_registry_free(reg);

	for (size_t i = 0; i < nbad; i++) {
		snprintf(csv, sizeof csv, "1710513000000000000,SPY,1.00,1,B\n\n%s\n", bad[i].line);
		write_bytes(path, csv, strlen(csv));
		reg = td_registry_new(REG_CAP);
		r = td_replay_open(path, reg, err, sizeof err);
		assert_non_null(r);
		snprintf(want, sizeof want, "%s:3: %s", path, bad[i].msg);
		const char *msg = td_replay_first_error(r);
		assert_non_null(msg);
		assert_memory_equal(msg, want, strlen(want));
		assert_int_equal(td_replay_bad_count(r), 1);
		assert_int_equal(drain(r, ev, 4), 1);
		td_replay_free(r);
		td_registry_free(reg);
	}
}

/* Out-of-order rows are sorted by time; equal times keep file order. */
static void test_csv_sorted_stably(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "unsorted.csv");
	const char *csv =
		"30,AAA,1.03,1,B\n"
		"10,AAA,1.01,1,B\n"
		"20,AAA,1.02,1,B\n"
		"10,AAA,1.04,1,B\n"
		"20,AAA,1.05,1,B\n";
	write_bytes(path, csv, strlen(csv));
	td_registry *reg = td_registry_new(REG_CAP);
	char err[256];
	td_replay *r = td_replay_open(path, reg, err, sizeof err);
	assert_non_null(r);
	td_event ev[5];
	assert_int_equal(drain(r, ev, 5), 5);
	const int64_t ts[5] = { 10, 10, 20, 20, 30 }, px[5] = { 101, 104, 102, 105, 103 };
	for (int i = 0; i < 5; i++)
		assert_trade(&ev[i], 0, ts[i], px[i], 1, TD_SIDE_BUY);
	td_replay_free(r);
	td_registry_free(reg);
}

/* OCC symbols become options on a root registered as an equity. */
static void test_csv_option_symbol(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "options.csv");
	const char *csv =
		"ts,symbol,price,size,side\n"
		"1710513000000000000,SPY241220C00450000,12.15,3,B\n"
		"1710513000000000001,SPY   241220C00450000,12.20,4,S\n"
		"1710513000000000002,SPY,512.00,100,B\n";
	write_bytes(path, csv, strlen(csv));
	td_registry *reg = td_registry_new(REG_CAP);
	char err[256];
	td_replay *r = td_replay_open(path, reg, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(td_registry_count(reg), 2);
	const td_instrument *root = td_registry_get(reg, 0), *opt = td_registry_get(reg, 1);
	assert_string_equal(root->symbol, "SPY");
	assert_int_equal(root->kind, TD_INS_EQUITY);
	assert_string_equal(opt->symbol, "SPY   241220C00450000");
	assert_int_equal(opt->kind, TD_INS_OPTION);
	assert_int_equal(opt->underlying, 0);
	assert_int_equal(opt->multiplier, 100);
	assert_int_equal(opt->px.tick, 1);
	assert_int_equal(opt->px.scale, 2);
	assert_string_equal(opt->occ.root, "SPY");
	assert_int_equal(opt->occ.year, 2024);
	assert_int_equal(opt->occ.month, 12);
	assert_int_equal(opt->occ.day, 20);
	assert_int_equal(opt->occ.right, 'C');
	assert_int_equal(opt->occ.strike_milli, 450000);
	assert_int_equal(opt->style, TD_EXERCISE_AMERICAN);
	assert_int_equal(opt->expiry_days, 20077);
	td_event ev[3];
	assert_int_equal(drain(r, ev, 3), 3);
	assert_trade(&ev[0], 1, 1710513000000000000LL, 1215, 3, TD_SIDE_BUY);
	assert_trade(&ev[1], 1, 1710513000000000001LL, 1220, 4, TD_SIDE_SELL);
	assert_trade(&ev[2], 0, 1710513000000000002LL, 51200, 100, TD_SIDE_BUY);
	td_replay_free(r);
	td_registry_free(reg);
}

/* A symbol already registered keeps its own tick grid. */
static void test_csv_existing_symbol(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "es.csv");
	const char *csv = "1710513000000000000,ES,5100.25,2,B\n1710513000000000001,ES,5100.10,2,B\n";
	write_bytes(path, csv, strlen(csv));
	td_registry *reg = td_registry_new(REG_CAP);
	add_ins(reg, "ES", TD_INS_FUTURE, 25, 2, 50, TD_NO_ID);
	char err[256], want[200];
	td_replay *r = td_replay_open(path, reg, err, sizeof err);
	assert_non_null(r);
	td_event ev[2];
	assert_int_equal(drain(r, ev, 2), 1);
	assert_trade(&ev[0], 0, 1710513000000000000LL, 20401, 2, TD_SIDE_BUY);
	snprintf(want, sizeof want, "%s:2: bad price '5100.10': price off the tick grid", path);
	assert_string_equal(td_replay_first_error(r), want);
	td_replay_free(r);
	td_registry_free(reg);
}

/* A line longer than the limit, a NUL byte, and a missing file. */
static void test_csv_hostile(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "hostile.csv");
	char csv[3000];
	memset(csv, 'x', 2000);
	memcpy(csv + 2000, "\n1,A,1,1,B\n1,B\0,1,1,B\n", 22);
	write_bytes(path, csv, 2022);
	td_registry *reg = td_registry_new(REG_CAP);
	char err[256], want[200];
	td_replay *r = td_replay_open(path, reg, err, sizeof err);
	assert_non_null(r);
	snprintf(want, sizeof want, "%s:1: line longer than 1023 bytes", path);
	assert_string_equal(td_replay_first_error(r), want);
	assert_int_equal(td_replay_bad_count(r), 2);
	td_event ev[2];
	assert_int_equal(drain(r, ev, 2), 1);
	td_replay_free(r);

	assert_null(td_replay_open(path_of(fx, "missing.csv"), reg, err, sizeof err));
	snprintf(want, sizeof want, "%s: No such file or directory", fx->path);
	assert_string_equal(err, want);
	td_registry_free(reg);
}

/* The feed ops table is filled in. */
static void test_ops_table(void **state)
{
	(void)state;
	assert_string_equal(td_replay_feed_ops.name, "replay");
	assert_non_null(td_replay_feed_ops.next);
	assert_non_null(td_replay_feed_ops.free);
	assert_non_null(td_replay_feed_ops.error);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tape_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tape_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tape_existing_symbols, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tape_many_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tape_truncated_everywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tape_flipped_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tape_bad_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tape_unknown_instrument, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tape_writer_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_bad_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_sorted_stably, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_option_symbol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_existing_symbol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_hostile, setup, teardown),
		cmocka_unit_test(test_ops_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
