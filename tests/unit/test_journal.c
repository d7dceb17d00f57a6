/*
 * Unit tests for src/oms/journal.c: the round trip, the byte layout of
 * doc/formats.md ("Order journal") rebuilt here with zlib's crc32, sequence
 * numbers and ids across reopens, a torn last record at every length and
 * every bit, damage before the end, bad headers and payloads, a failing
 * write, and a writer killed with SIGKILL at random points.
 *
 * Expected records come from the generator functions below, never from the
 * journal's own output; expected offsets from the lengths of the lines the
 * tests build or measure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "oms/journal.h"

#define HEADER_LEN 37
#define MAX_RECS 2048
#define ERR_MAX 1280

/* A temporary directory per test. */
typedef struct fixture {
	char dir[64];
	char path[256];
} fixture;

/* What a callback saw. */
typedef struct seen_rec {
	uint64_t seq, offset;
	int64_t ts;
	char kind;
	size_t len;
	char payload[TD_JOURNAL_PAYLOAD_MAX + 1];
} seen_rec;

typedef struct seen {
	seen_rec rec[MAX_RECS];
	size_t n;
	uint64_t refuse_at;  /* the callback refuses this sequence number; 0 = none */
} seen;

/* ---- generated records ---- */

static char kind_of(uint64_t seq)
{
	return "OEKoez"[seq % 6];
}

static int64_t ts_of(uint64_t seq)
{
	switch (seq % 4) {
	case 0: return INT64_MIN + (int64_t)seq;
	case 1: return INT64_MAX - (int64_t)seq;
	case 2: return 0;
	default: return -(int64_t)seq * 1000000007;
	}
}

/* Payload of record seq (buf: TD_JOURNAL_PAYLOAD_MAX + 1): tabs, UTF-8, empty and full ones. */
static const char *payload_of(uint64_t seq, char *buf)
{
	switch (seq % 5) {
	case 0:
		snprintf(buf, TD_JOURNAL_PAYLOAD_MAX + 1, "id=TD-%" PRIu64 "\tsym=ÉTÉ\tqty=%"
			 PRIu64 "\tnote=€ ✓ 日本 🚀", seq, seq * 7);
		break;
	case 1:
		buf[0] = '\0';
		break;
	case 2:
		snprintf(buf, TD_JOURNAL_PAYLOAD_MAX + 1, "\t\tpx=%" PRIu64 "\t", seq * 13);
		break;
	case 3:  /* 512 two-byte characters: exactly the limit */
		for (int i = 0; i < TD_JOURNAL_PAYLOAD_MAX; i += 2)
			memcpy(buf + i, "é", 2);
		buf[TD_JOURNAL_PAYLOAD_MAX] = '\0';
		break;
	default:
		snprintf(buf, TD_JOURNAL_PAYLOAD_MAX + 1, "side=buy\tnote=it's \"quoted\" \\ %"
			 PRIu64, seq);
		break;
	}
	return buf;
}

/* ---- files ---- */

static int remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char sub[512];
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
			if (de->d_type == DT_DIR)
				remove_tree(sub);
			else
				unlink(sub);
		}
	if (d)
		closedir(d);
	return rmdir(dir);
}

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	snprintf(fx->dir, sizeof fx->dir, "/tmp/td_journal_XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof fx->path, "%s/orders.journal", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	int rc = remove_tree(fx->dir);
	free(fx);
	return rc;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* The whole file, malloc'd and NUL-terminated; its length in *n. */
static char *read_bytes(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t cap = 1 << 22;
	char *buf = malloc(cap + 1);
	assert_non_null(buf);
	*n = fread(buf, 1, cap, f);
	buf[*n] = '\0';
	fclose(f);
	return buf;
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

/* The header line for tag, built from doc/formats.md. */
static void hand_header(char out[HEADER_LEN + 1], uint32_t tag)
{
	snprintf(out, HEADER_LEN + 1, "tapedeck-journal 1 %08" PRIx32 " ", tag);
	uLong c = crc32(0L, (const Bytef *)out, 28);
	snprintf(out + 28, HEADER_LEN + 1 - 28, "%08lx\n", c);
}

/* A record line built from doc/formats.md; its length. */
static size_t hand_line(char *out, size_t n, uint64_t seq, char kind, int64_t ts,
			const char *payload)
{
	char body[1200];
	int len = snprintf(body, sizeof body, "%" PRIu64 "\t%c\t%" PRId64 "\t%s\n", seq, kind, ts,
			   payload);
	uLong c = crc32(0L, (const Bytef *)body, (uInt)len);
	return (size_t)snprintf(out, n, "%08lx\t%s", c, body);
}

/* ---- journal helpers ---- */

static int collect(const td_journal_rec *rec, void *user, char *why, size_t whylen)
{
	seen *s = user;
	if (rec->seq == s->refuse_at) {
		snprintf(why, whylen, "no such order");
		return -1;
	}
	assert_true(s->n < MAX_RECS);
	seen_rec *r = &s->rec[s->n++];
	r->seq = rec->seq;
	r->offset = rec->offset;
	r->ts = rec->ts;
	r->kind = rec->kind;
	r->len = rec->len;
	assert_int_equal(strlen(rec->payload), rec->len);
	memcpy(r->payload, rec->payload, rec->len + 1);
	return 0;
}

static td_journal *open_ok(const char *path, seen *s, td_journal_info *info)
{
	char err[ERR_MAX] = "";
	if (s)
		s->n = 0;
	td_journal *j = td_journal_open(path, s ? collect : NULL, s, info, err, sizeof err);
	if (!j)
		fail_msg("open failed: %s", err);
	return j;
}

/* Append the generated record seq, which must be the next one. */
static void append_gen(td_journal *j, uint64_t seq)
{
	char p[TD_JOURNAL_PAYLOAD_MAX + 1], err[ERR_MAX] = "";
	uint64_t got = 0;
	if (td_journal_append(j, kind_of(seq), ts_of(seq), payload_of(seq, p), &got, err,
			      sizeof err) != 0)
		fail_msg("append %" PRIu64 " failed: %s", seq, err);
	assert_int_equal(got, seq);
}

/*
 * A fresh journal at fx->path holding generated records 1..n; the file's
 * length.  Unsynced, to keep the suite fast: syncing changes no byte.
 */
static uint64_t make_journal(fixture *fx, uint64_t n)
{
	td_journal_info info;
	td_journal *j = open_ok(fx->path, NULL, &info);
	td_journal_bench_nosync(j);
	for (uint64_t s = 1; s <= n; s++)
		append_gen(j, s);
	td_journal_close(j);
	return file_size(fx->path);
}

/* s holds exactly the generated records 1..n. */
static void check_generated(const seen *s, uint64_t n)
{
	char p[TD_JOURNAL_PAYLOAD_MAX + 1];
	assert_int_equal(s->n, n);
	for (uint64_t i = 0; i < n; i++) {
		const seen_rec *r = &s->rec[i];
		assert_int_equal(r->seq, i + 1);
		assert_int_equal(r->kind, kind_of(i + 1));
		assert_true(r->ts == ts_of(i + 1));
		assert_string_equal(r->payload, payload_of(i + 1, p));
	}
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

/* "PATH:OFF:" as messages start. */
static const char *where(const fixture *fx, uint64_t off, char *buf, size_t n)
{
	snprintf(buf, n, "%s:%" PRIu64 ":", fx->path, off);
	return buf;
}

/* ---- tests ---- */

static void test_create_mode_and_header(void **state)
{
	fixture *fx = *state;
	char path[256], sub[256], head[HEADER_LEN + 1];
	snprintf(path, sizeof path, "%s/a/b/orders.journal", fx->dir);
	td_journal_info info;
	td_journal *j = open_ok(path, NULL, &info);
	assert_true(info.created);
	assert_int_equal(info.tail, TD_JOURNAL_CLEAN);
	assert_int_equal(info.records, 0);
	assert_int_equal(info.last_seq, 0);
	assert_string_equal(info.msg, "");
	assert_int_equal(td_journal_last_seq(j), 0);
	assert_null(td_journal_refusal(j));
	td_journal_close(j);

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(sub, sizeof sub, "%s/a", fx->dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(sub, sizeof sub, "%s/a/b", fx->dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	/* the header is the whole file, and its tag rebuilds it byte for byte */
	size_t n;
	char *text = read_bytes(path, &n);
	assert_int_equal(n, HEADER_LEN);
	assert_memory_equal(text, "tapedeck-journal 1 ", 19);
	uint32_t tag = (uint32_t)strtoul(text + 19, NULL, 16);
	hand_header(head, tag);
	assert_memory_equal(text, head, HEADER_LEN);
	free(text);

	/* the temporary file is gone */
	DIR *d = opendir(sub);
	struct dirent *de;
	int files = 0;
	while ((de = readdir(d)))
		files += de->d_name[0] != '.';
	closedir(d);
	assert_int_equal(files, 1);

	j = open_ok(path, NULL, &info);
	assert_false(info.created);
	td_journal_close(j);
}

static void test_round_trip(void **state)
{
	fixture *fx = *state;
	seen *s = calloc(1, sizeof *s);
	td_journal_info info;
	uint64_t size = make_journal(fx, 1000);
	td_journal *j = open_ok(fx->path, s, &info);
	assert_false(info.created);
	assert_int_equal(info.tail, TD_JOURNAL_CLEAN);
	assert_int_equal(info.records, 1000);
	assert_int_equal(info.last_seq, 1000);
	check_generated(s, 1000);
	assert_int_equal(s->rec[0].offset, HEADER_LEN);
	assert_int_equal(s->rec[3 - 1].len, TD_JOURNAL_PAYLOAD_MAX);
	assert_int_equal(file_size(fx->path), size);
	td_journal_close(j);
	free(s);
}

/* A file written by hand from doc/formats.md reads back, and appends write the same bytes. */
static void test_format_by_hand(void **state)
{
	fixture *fx = *state;
	char file[4096], line[1200], id[TD_JOURNAL_ID_MAX];
	hand_header(file, 0x0badc0de);
	size_t n = HEADER_LEN;
	size_t first = hand_line(file + n, sizeof file - n, 1, 'O', 1700000000123456789,
				 "id=TD0badc0de-1\tqty=5");
	n += first;
	n += hand_line(file + n, sizeof file - n, 2, 'E', -5, "");
	write_bytes(fx->path, file, n);

	seen *s = calloc(1, sizeof *s);
	td_journal_info info;
	td_journal *j = open_ok(fx->path, s, &info);
	assert_int_equal(info.tail, TD_JOURNAL_CLEAN);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->rec[0].seq, 1);
	assert_int_equal(s->rec[0].kind, 'O');
	assert_true(s->rec[0].ts == 1700000000123456789);
	assert_string_equal(s->rec[0].payload, "id=TD0badc0de-1\tqty=5");
	assert_int_equal(s->rec[1].offset, HEADER_LEN + first);
	assert_true(s->rec[1].ts == -5);
	assert_string_equal(s->rec[1].payload, "");

	assert_int_equal(td_journal_next_id(j, id, sizeof id), 0);
	assert_string_equal(id, "TD0badc0de-3");
	char err[ERR_MAX] = "";
	uint64_t seq;
	assert_int_equal(td_journal_append(j, 'K', INT64_MIN, "on\tby=ü", &seq, err, sizeof err), 0);
	assert_int_equal(seq, 3);
	td_journal_close(j);

	size_t len = hand_line(line, sizeof line, 3, 'K', INT64_MIN, "on\tby=ü");
	size_t got;
	char *text = read_bytes(fx->path, &got);
	assert_int_equal(got, n + len);
	assert_memory_equal(text, file, n);
	assert_memory_equal(text + n, line, len);
	free(text);
	free(s);
}

static void test_sequence_across_reopen(void **state)
{
	fixture *fx = *state;
	seen *s = calloc(1, sizeof *s);
	td_journal_info info;
	make_journal(fx, 3);
	td_journal *j = open_ok(fx->path, s, &info);
	assert_int_equal(info.records, 3);
	assert_int_equal(td_journal_last_seq(j), 3);
	append_gen(j, 4);
	append_gen(j, 5);
	assert_int_equal(td_journal_last_seq(j), 5);
	td_journal_close(j);
	j = open_ok(fx->path, s, &info);
	assert_int_equal(info.last_seq, 5);
	check_generated(s, 5);
	td_journal_close(j);
	free(s);
}

/* Reopen fx->path, expecting a torn last record at off and 4 good records before it. */
static void expect_torn(fixture *fx, seen *s, uint64_t off, uint64_t len)
{
	char w[300];
	td_journal_info info;
	td_journal *j = open_ok(fx->path, s, &info);
	assert_int_equal(info.tail, TD_JOURNAL_TORN);
	assert_int_equal(info.records, 4);
	assert_int_equal(info.last_seq, 4);
	assert_int_equal(info.offset, off);
	assert_int_equal(info.dropped, len - off);
	check_generated(s, 4);
	assert_contains(info.msg, where(fx, off, w, sizeof w));
	assert_contains(info.msg, "torn last record");
	assert_int_equal(file_size(fx->path), off);
	assert_null(td_journal_refusal(j));

	char err[ERR_MAX] = "";
	uint64_t seq;
	assert_int_equal(td_journal_append(j, 'E', 42, "after\ttorn", &seq, err, sizeof err), 0);
	assert_int_equal(seq, 5);
	td_journal_close(j);
	j = open_ok(fx->path, s, &info);
	assert_int_equal(info.tail, TD_JOURNAL_CLEAN);
	assert_int_equal(info.records, 5);
	assert_string_equal(s->rec[4].payload, "after\ttorn");
	td_journal_close(j);
}

static void test_torn_at_every_length(void **state)
{
	fixture *fx = *state;
	seen *s = calloc(1, sizeof *s);
	uint64_t start = make_journal(fx, 4);
	td_journal_info info;
	td_journal *j = open_ok(fx->path, NULL, &info);
	append_gen(j, 5);
	td_journal_close(j);
	size_t n;
	char *whole = read_bytes(fx->path, &n);
	assert_true(n > start + 1);

	for (size_t len = start; len <= n; len++) {
		write_bytes(fx->path, whole, len);
		if (len > start && len < n) {
			expect_torn(fx, s, start, len);
			continue;
		}
		j = open_ok(fx->path, s, &info);
		assert_int_equal(info.tail, TD_JOURNAL_CLEAN);
		check_generated(s, len == n ? 5 : 4);
		td_journal_close(j);
	}
	free(whole);
	free(s);
}

static void test_bit_flip_in_last_record(void **state)
{
	fixture *fx = *state;
	seen *s = calloc(1, sizeof *s);
	uint64_t start = make_journal(fx, 4);
	td_journal_info info;
	td_journal *j = open_ok(fx->path, NULL, &info);
	append_gen(j, 5);
	td_journal_close(j);
	size_t n;
	char *whole = read_bytes(fx->path, &n);

	/* one bit of each byte, turn by turn (each open cuts the file and syncs) */
	for (size_t at = start; at < n; at++) {
		char bit = (char)(1 << at % 8);
		whole[at] ^= bit;
		write_bytes(fx->path, whole, n);
		whole[at] ^= bit;
		expect_torn(fx, s, start, n);
	}
	/* a damaged byte that became a line end splits the record in two pieces, both bad */
	whole[start + (n - start) / 2] = '\n';
	write_bytes(fx->path, whole, n);
	expect_torn(fx, s, start, n);
	free(whole);
	free(s);
}

static void test_bit_flip_before_the_end(void **state)
{
	fixture *fx = *state;
	seen *s = calloc(1, sizeof *s);
	char w[300], err[ERR_MAX];
	uint64_t start2 = make_journal(fx, 1);
	td_journal_info info;
	td_journal *j = open_ok(fx->path, NULL, &info);
	append_gen(j, 2);
	uint64_t end2 = file_size(fx->path);
	for (uint64_t q = 3; q <= 5; q++)
		append_gen(j, q);
	td_journal_close(j);
	size_t n;
	char *whole = read_bytes(fx->path, &n);

	for (size_t at = start2; at < end2; at++)
		for (int bit = 0; bit < 8; bit++) {
			whole[at] ^= (char)(1 << bit);
			write_bytes(fx->path, whole, n);
			j = open_ok(fx->path, s, &info);
			assert_int_equal(info.tail, TD_JOURNAL_DAMAGED);
			assert_int_equal(info.records, 1);
			assert_int_equal(info.last_seq, 1);
			assert_int_equal(info.offset, start2);
			check_generated(s, 1);
			assert_contains(info.msg, where(fx, start2, w, sizeof w));
			assert_contains(info.msg, "refuses appends");
			assert_string_equal(td_journal_refusal(j), info.msg);
			assert_int_equal(td_journal_append(j, 'O', 1, "x", NULL, err, sizeof err), -1);
			assert_string_equal(err, info.msg);
			td_journal_close(j);

			/* nothing was cut or added */
			size_t got;
			char *after = read_bytes(fx->path, &got);
			assert_int_equal(got, n);
			assert_memory_equal(after, whole, n);
			free(after);
			whole[at] ^= (char)(1 << bit);
		}
	free(whole);
	free(s);
}

/* Write a hand-made journal of records with the given sequence numbers. */
static void write_seqs(fixture *fx, const uint64_t *seqs, int count, uint64_t *offsets)
{
	char file[8192];
	hand_header(file, 7);
	size_t n = HEADER_LEN;
	for (int i = 0; i < count; i++) {
		offsets[i] = n;
		n += hand_line(file + n, sizeof file - n, seqs[i], 'E', 100 + i, "k=v");
	}
	write_bytes(fx->path, file, n);
}

/* Open a damaged journal: records good ones before offset off, message holding what. */
static void expect_damaged(fixture *fx, uint64_t records, uint64_t off, const char *what)
{
	char w[300];
	td_journal_info info;
	td_journal *j = open_ok(fx->path, NULL, &info);
	assert_int_equal(info.tail, TD_JOURNAL_DAMAGED);
	assert_int_equal(info.records, records);
	assert_int_equal(info.offset, off);
	assert_contains(info.msg, where(fx, off, w, sizeof w));
	assert_contains(info.msg, what);
	assert_non_null(td_journal_refusal(j));
	td_journal_close(j);
}

static void test_sequence_gaps(void **state)
{
	fixture *fx = *state;
	uint64_t off[4];
	write_seqs(fx, (const uint64_t[]){ 1, 2, 4, 5 }, 4, off);
	expect_damaged(fx, 2, off[2], "sequence number 4 where 3 was expected");
	write_seqs(fx, (const uint64_t[]){ 1, 2, 4 }, 3, off);
	expect_damaged(fx, 2, off[2], "sequence number 4 where 3 was expected");
	write_seqs(fx, (const uint64_t[]){ 2 }, 1, off);
	expect_damaged(fx, 0, HEADER_LEN, "sequence number 2 where 1 was expected");
	write_seqs(fx, (const uint64_t[]){ 1, 1 }, 2, off);
	expect_damaged(fx, 1, off[1], "sequence number 1 where 2 was expected");
}

/* Bad lines whose checksums hold cannot be torn writes, even at the end. */
static void test_bad_fields_are_damage(void **state)
{
	fixture *fx = *state;
	char file[4096], body[256];
	const char *bodies[] = { "1\t1\t0\tx\n", "1\tO\t-0\tx\n", "01\tO\t0\tx\n", "1\tO\t0\ta\rb\n",
				 "1\tO\t9223372036854775808\tx\n", "1\tOO\t0\tx\n" };
	const char *whats[] = { "bad record kind", "bad timestamp", "bad sequence number",
				"control character 0x0d at payload byte 1", "bad timestamp",
				"bad record kind" };
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		hand_header(file, 1);
		snprintf(body, sizeof body, "%s", bodies[i]);
		uLong c = crc32(0L, (const Bytef *)body, (uInt)strlen(body));
		int n = HEADER_LEN + snprintf(file + HEADER_LEN, sizeof file - HEADER_LEN,
					      "%08lx\t%s", c, body);
		write_bytes(fx->path, file, (size_t)n);
		expect_damaged(fx, 0, HEADER_LEN, whats[i]);
	}
}

/* More bytes after a bad record than one record can hold is no torn write. */
static void test_long_garbage_tail(void **state)
{
	fixture *fx = *state;
	uint64_t size = make_journal(fx, 3);
	char junk[1500];
	memset(junk, 'x', sizeof junk);
	FILE *f = fopen(fx->path, "ab");
	assert_non_null(f);
	fwrite(junk, 1, sizeof junk, f);
	fclose(f);
	expect_damaged(fx, 3, size, "more bytes after it than one record can hold");
	assert_int_equal(file_size(fx->path), size + sizeof junk);
}

/* A record whose LF was lost swallows the next one; the next is found, so it is damage. */
static void test_lost_line_end(void **state)
{
	fixture *fx = *state;
	char file[4096], what[64];
	hand_header(file, 3);
	size_t n = HEADER_LEN;
	n += hand_line(file + n, sizeof file - n, 1, 'O', 1, "a=1");
	size_t start2 = n;
	n += hand_line(file + n, sizeof file - n, 2, 'E', 2, "b=2");
	size_t end2 = n;
	n += hand_line(file + n, sizeof file - n, 3, 'E', 3, "c=3");
	file[end2 - 1] = ' ';
	write_bytes(fx->path, file, n);
	snprintf(what, sizeof what, "a complete record follows at %zu", end2);
	expect_damaged(fx, 1, start2, what);
}

static void test_callback_refusal(void **state)
{
	fixture *fx = *state;
	seen *s = calloc(1, sizeof *s);
	char w[300];
	make_journal(fx, 2);
	uint64_t off3 = file_size(fx->path);
	td_journal_info info;
	td_journal *j = open_ok(fx->path, NULL, &info);
	append_gen(j, 3);
	append_gen(j, 4);
	td_journal_close(j);

	s->refuse_at = 3;
	char err[ERR_MAX] = "";
	j = td_journal_open(fx->path, collect, s, &info, err, sizeof err);
	assert_non_null(j);
	assert_int_equal(info.tail, TD_JOURNAL_DAMAGED);
	assert_int_equal(info.records, 2);
	assert_int_equal(info.offset, off3);
	check_generated(s, 2);
	assert_contains(info.msg, where(fx, off3, w, sizeof w));
	assert_contains(info.msg, "record 3 refused: no such order");
	assert_int_equal(td_journal_append(j, 'O', 1, "x", NULL, err, sizeof err), -1);
	td_journal_close(j);
	free(s);
}

static void expect_open_error(fixture *fx, const char *what)
{
	char err[ERR_MAX] = "";
	td_journal_info info;
	assert_null(td_journal_open(fx->path, NULL, NULL, &info, err, sizeof err));
	assert_contains(err, what);
}

static void test_bad_headers(void **state)
{
	fixture *fx = *state;
	char head[HEADER_LEN + 1], msg[400];
	hand_header(head, 0x12345678);

	write_bytes(fx->path, "tapedeck-history 1\n", 19);
	snprintf(msg, sizeof msg, "%s:0: not a tapedeck journal", fx->path);
	expect_open_error(fx, msg);
	write_bytes(fx->path, "", 0);
	expect_open_error(fx, msg);

	char v2[HEADER_LEN + 1];
	memcpy(v2, head, sizeof v2);
	v2[17] = '2';
	write_bytes(fx->path, v2, HEADER_LEN);
	snprintf(msg, sizeof msg, "%s:17: unsupported journal version '2' (this build reads "
		 "version 1)", fx->path);
	expect_open_error(fx, msg);
	write_bytes(fx->path, "tapedeck-journal 10 12345678 00000000\n", 38);
	snprintf(msg, sizeof msg, "%s:17: unsupported journal version '10'", fx->path);
	expect_open_error(fx, msg);

	char bad[HEADER_LEN + 1];
	memcpy(bad, head, sizeof bad);
	bad[20] ^= 1;  /* a bit of the tag */
	write_bytes(fx->path, bad, HEADER_LEN);
	snprintf(msg, sizeof msg, "%s:28: header checksum mismatch", fx->path);
	expect_open_error(fx, msg);

	write_bytes(fx->path, head, HEADER_LEN - 1);
	expect_open_error(fx, "malformed journal header");

	/* a good header opens, and the bad ones above were left as they were */
	write_bytes(fx->path, head, HEADER_LEN);
	td_journal_info info;
	td_journal *j = open_ok(fx->path, NULL, &info);
	char id[TD_JOURNAL_ID_MAX];
	assert_int_equal(td_journal_next_id(j, id, sizeof id), 0);
	assert_string_equal(id, "TD12345678-1");
	td_journal_close(j);

	assert_int_equal(unlink(fx->path), 0);
	assert_int_equal(mkdir(fx->path, 0700), 0);
	expect_open_error(fx, fx->path);
	assert_int_equal(rmdir(fx->path), 0);
}

/* err must hold what; nothing was written and the journal still works. */
static void expect_refused(td_journal *j, const char *path, char kind, const char *payload,
			   const char *what)
{
	char err[ERR_MAX] = "";
	uint64_t size = file_size(path), seq = 99;
	assert_int_equal(td_journal_append(j, kind, 0, payload, &seq, err, sizeof err), -1);
	assert_contains(err, what);
	assert_int_equal(seq, 99);
	assert_int_equal(file_size(path), size);
	assert_null(td_journal_refusal(j));
}

static void test_payload_validation(void **state)
{
	fixture *fx = *state;
	td_journal_info info;
	td_journal *j = open_ok(fx->path, NULL, &info);
	expect_refused(j, fx->path, 'O', "a\nb", "control character 0x0a at payload byte 1");
	expect_refused(j, fx->path, 'O', "\r", "control character 0x0d at payload byte 0");
	expect_refused(j, fx->path, 'O', "ok\t\x01", "control character 0x01 at payload byte 3");
	expect_refused(j, fx->path, 'O', "del\x7f", "control character 0x7f at payload byte 3");
	expect_refused(j, fx->path, 'O', "c1\xc2\x85", "C1 control character U+0085 at payload byte 2");
	expect_refused(j, fx->path, 'O', "\xff", "invalid UTF-8 at payload byte 0");
	expect_refused(j, fx->path, 'O', "x\xc0\xaf", "invalid UTF-8 at payload byte 1");
	expect_refused(j, fx->path, 'O', "\xed\xa0\x80", "invalid UTF-8 at payload byte 0");
	expect_refused(j, fx->path, 'O', "\xf4\x90\x80\x80", "invalid UTF-8 at payload byte 0");
	expect_refused(j, fx->path, 'O', "ab\xe2\x82", "invalid UTF-8 at payload byte 2");
	expect_refused(j, fx->path, '1', "x", "record kind 0x31 is not an ASCII letter");
	expect_refused(j, fx->path, ' ', "x", "not an ASCII letter");
	expect_refused(j, fx->path, '\t', "x", "not an ASCII letter");
	expect_refused(j, fx->path, (char)0xC3, "x", "not an ASCII letter");

	char big[TD_JOURNAL_PAYLOAD_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	expect_refused(j, fx->path, 'O', big, "payload of 1025 bytes, more than 1024");
	big[TD_JOURNAL_PAYLOAD_MAX] = '\0';
	char err[ERR_MAX] = "";
	uint64_t seq;
	assert_int_equal(td_journal_append(j, 'O', 0, big, &seq, err, sizeof err), 0);
	assert_int_equal(td_journal_append(j, 'z', 0, "\xc2\xa0 \xf4\x8f\xbf\xbf", &seq, err,
					   sizeof err), 0);
	assert_int_equal(seq, 2);
	td_journal_close(j);

	seen *s = calloc(1, sizeof *s);
	j = open_ok(fx->path, s, &info);
	assert_int_equal(info.records, 2);
	assert_string_equal(s->rec[0].payload, big);
	td_journal_close(j);
	free(s);
}

static void test_ids_unique_across_reopens(void **state)
{
	fixture *fx = *state;
	char ids[20][TD_JOURNAL_ID_MAX], prefix[16], err[ERR_MAX];
	int n = 0;
	for (int cycle = 0; cycle < 4; cycle++) {
		td_journal_info info;
		td_journal *j = open_ok(fx->path, NULL, &info);
		for (int k = 0; k < 5; k++, n++) {
			char again[TD_JOURNAL_ID_MAX];
			assert_int_equal(td_journal_next_id(j, ids[n], sizeof ids[n]), 0);
			assert_int_equal(td_journal_next_id(j, again, sizeof again), 0);
			assert_string_equal(again, ids[n]);  /* nothing appended: the same id */
			uint64_t seq;
			assert_int_equal(td_journal_append(j, 'O', k, ids[n], &seq, err, sizeof err), 0);
			/* "TD" + 8 lowercase hex + "-" + the record's sequence number */
			char tail[24];
			snprintf(tail, sizeof tail, "-%" PRIu64, seq);
			assert_int_equal(strlen(ids[n]), 10 + strlen(tail));
			assert_string_equal(ids[n] + 10, tail);
			assert_int_equal(strspn(ids[n] + 2, "0123456789abcdef"), 8);
		}
		char small[TD_JOURNAL_ID_MAX - 1];
		assert_int_equal(td_journal_next_id(j, small, sizeof small), -1);
		td_journal_close(j);
	}
	memcpy(prefix, ids[0], 10);
	prefix[10] = '\0';
	for (int a = 0; a < n; a++) {
		assert_memory_equal(ids[a], prefix, 10);  /* the tag is fixed at creation */
		for (int b = a + 1; b < n; b++)
			assert_string_not_equal(ids[a], ids[b]);
	}
	size_t len;
	char *text = read_bytes(fx->path, &len);
	assert_memory_equal(text + 19, prefix + 2, 8);  /* ... and is the header's */
	free(text);
}

static void test_locked(void **state)
{
	fixture *fx = *state;
	td_journal_info info;
	td_journal *j = open_ok(fx->path, NULL, &info);
	expect_open_error(fx, "in use by another tapedeck");
	td_journal_close(j);
	j = open_ok(fx->path, NULL, &info);
	td_journal_close(j);
}

/* A write cut short by the file size limit: the journal refuses; reopening drops the piece. */
static void test_write_failure(void **state)
{
	fixture *fx = *state;
	uint64_t size = make_journal(fx, 3);
	td_journal_info info;
	td_journal *j = open_ok(fx->path, NULL, &info);

	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = size + 10;
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	char err[ERR_MAX] = "", w[300];
	int rc = td_journal_append(j, 'O', 1, "a payload longer than ten bytes", NULL, err,
				   sizeof err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, was);

	assert_int_equal(rc, -1);
	assert_contains(err, where(fx, size, w, sizeof w));
	assert_contains(err, "cannot write record 4");
	assert_contains(err, "refuses appends");
	assert_string_equal(td_journal_refusal(j), err);
	char again[ERR_MAX] = "";
	assert_int_equal(td_journal_append(j, 'O', 1, "x", NULL, again, sizeof again), -1);
	assert_string_equal(again, err);
	td_journal_close(j);
	assert_int_equal(file_size(fx->path), size + 10);

	seen *s = calloc(1, sizeof *s);
	j = open_ok(fx->path, s, &info);
	assert_int_equal(info.tail, TD_JOURNAL_TORN);
	assert_int_equal(info.offset, size);
	assert_int_equal(info.dropped, 10);
	check_generated(s, 3);
	append_gen(j, 4);
	td_journal_close(j);
	free(s);
}

/* Child of the kill test: append generated records, reporting each acknowledged one on fd. */
static void writer(const char *path, int fd)
{
	char err[ERR_MAX], p[TD_JOURNAL_PAYLOAD_MAX + 1];
	td_journal_info info;
	td_journal *j = td_journal_open(path, NULL, NULL, &info, err, sizeof err);
	if (!j || info.tail == TD_JOURNAL_DAMAGED)
		_exit(2);
	for (;;) {
		uint64_t seq = td_journal_last_seq(j) + 1;
		if (td_journal_append(j, kind_of(seq), ts_of(seq), payload_of(seq, p), &seq, err,
				      sizeof err) != 0)
			_exit(3);
		if (write(fd, &seq, sizeof seq) != (ssize_t)sizeof seq)
			_exit(4);
	}
}

/* Callback of the kill test: every record must be the generated one. */
static int check_rec(const td_journal_rec *rec, void *user, char *why, size_t whylen)
{
	char p[TD_JOURNAL_PAYLOAD_MAX + 1];
	uint64_t *bad = user;
	if (rec->kind != kind_of(rec->seq) || rec->ts != ts_of(rec->seq)
	    || strcmp(rec->payload, payload_of(rec->seq, p)) != 0)
		++*bad;
	(void)why;
	(void)whylen;
	return 0;
}

/*
 * SIGKILL a writer at random points: every record it saw acknowledged is
 * recovered, at most the one in flight besides, and nothing else.
 */
static void test_sigkill_anywhere(void **state)
{
	fixture *fx = *state;
	uint64_t recovered = 0;
	unsigned short rng[3] = { 0x1234, 0x5678, 0x9abc };
	for (int cycle = 0; cycle < 40; cycle++) {
		int fds[2];
		uint64_t acked = recovered;  /* what the last reopen found is acknowledged too */
		assert_int_equal(pipe(fds), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			writer(fx->path, fds[1]);
		}
		close(fds[1]);
		usleep((useconds_t)(nrand48(rng) % 20000));
		kill(pid, SIGKILL);
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		uint64_t seq;
		while (read(fds[0], &seq, sizeof seq) == (ssize_t)sizeof seq)
			acked = seq;
		close(fds[0]);

		uint64_t bad = 0;
		char err[ERR_MAX] = "";
		td_journal_info info;
		td_journal *j = td_journal_open(fx->path, check_rec, &bad, &info, err, sizeof err);
		if (!j)
			fail_msg("cycle %d: %s", cycle, err);
		assert_int_not_equal(info.tail, TD_JOURNAL_DAMAGED);
		assert_int_equal(bad, 0);
		assert_int_equal(info.records, info.last_seq);
		assert_true(info.last_seq >= acked && info.last_seq <= acked + 1);
		assert_true(info.last_seq >= recovered);
		recovered = info.last_seq;
		td_journal_close(j);
	}
	assert_true(recovered > 0);
}

static void test_default_path(void **state)
{
	(void)state;
	char buf[256];
	const char *xdg = getenv("XDG_STATE_HOME");
	char saved[256] = "";
	if (xdg)
		snprintf(saved, sizeof saved, "%s", xdg);
	setenv("XDG_STATE_HOME", "/x/state", 1);
	assert_int_equal(td_journal_default_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/x/state/tapedeck/orders.journal");
	assert_int_equal(td_journal_default_path(buf, 10), -1);
	if (xdg)
		setenv("XDG_STATE_HOME", saved, 1);
	else
		unsetenv("XDG_STATE_HOME");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_create_mode_and_header),
		T(test_round_trip),
		T(test_format_by_hand),
		T(test_sequence_across_reopen),
		T(test_torn_at_every_length),
		T(test_bit_flip_in_last_record),
		T(test_bit_flip_before_the_end),
		T(test_sequence_gaps),
		T(test_bad_fields_are_damage),
		T(test_long_garbage_tail),
		T(test_lost_line_end),
		T(test_callback_refusal),
		T(test_bad_headers),
		T(test_payload_validation),
		T(test_ids_unique_across_reopens),
		T(test_locked),
		T(test_write_failure),
		T(test_sigkill_anywhere),
		cmocka_unit_test(test_default_path),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
