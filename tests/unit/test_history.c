/*
 * Unit tests for src/store/history.c: IV rank and percentile, lookups, the
 * file's round trip, atomic saving, pruning and every kind of bad line.
 *
 * Expected numbers are worked out by hand in the comments next to them, and
 * expected file text and messages are written out from doc/formats.md
 * ("Chain history file").  Dates: 2024-03-15 is a Friday.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/time.h"
#include "store/history.h"

#define MSGS_MAX 64
#define OCC "SPY   261120C00450000"

/* A temporary directory per test, and the messages a load delivered. */
typedef struct fixture {
	char dir[64];
	char path[256];
	char msg[MSGS_MAX][512];
	int nmsg;
} fixture;

static int64_t day_of(int y, int m, int d)
{
	return td_days_from_civil(y, m, d);
}

/* 2024-03-15, the "today" of most tests. */
static int64_t today(void)
{
	return day_of(2024, 3, 15);
}

/* Remove dir and everything under it. */
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
	snprintf(fx->dir, sizeof fx->dir, "/tmp/td_history_XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
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

/* fx->path := dir/name */
static const char *path_of(fixture *fx, const char *name)
{
	snprintf(fx->path, sizeof fx->path, "%s/%s", fx->dir, name);
	return fx->path;
}

/* Replace path's contents with n bytes of p. */
static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void write_text(const char *path, const char *s)
{
	write_bytes(path, s, strlen(s));
}

/* The whole file, NUL-terminated, malloc'd. */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = calloc(1, 1 << 16);
	size_t n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Message sink: keep every message in the fixture. */
static void collect(const char *msg, void *user)
{
	fixture *fx = user;
	if (fx->nmsg < MSGS_MAX)
		snprintf(fx->msg[fx->nmsg], sizeof fx->msg[0], "%s", msg);
	fx->nmsg++;
}

static td_history *open_ok(fixture *fx, const char *path)
{
	char err[512] = "";
	fx->nmsg = 0;
	td_history *h = td_history_open(path, collect, fx, err, sizeof err);
	if (!h)
		fail_msg("open failed: %s", err);
	return h;
}

static void put_u(td_history *h, const char *sym, int64_t day, double iv, double close)
{
	char err[256] = "";
	td_history_underlying_day d = { .day = day, .atm_iv = iv, .close = close };
	if (td_history_put_underlying(h, sym, &d, err, sizeof err) != 0)
		fail_msg("put_underlying: %s", err);
}

static void put_c(td_history *h, const char *sym, int64_t day, double oi, double prem, double vol)
{
	char err[256] = "";
	td_history_contract_day d = { .day = day, .oi = oi, .premium = prem, .volume = vol };
	if (td_history_put_contract(h, sym, &d, err, sizeof err) != 0)
		fail_msg("put_contract: %s", err);
}

/* a and b are the same double, NaN equal to NaN. */
static void assert_same(double a, double b)
{
	if (isnan(a) && isnan(b))
		return;
	if (a != b)
		fail_msg("%.17g != %.17g", a, b);
}

static void assert_near(double a, double b)
{
	if (!(fabs(a - b) < 1e-9))
		fail_msg("%.17g not near %.17g", a, b);
}

/* IVs 0.10 .. 0.30 on the five days before D, recorded out of order. */
static td_history *five_days(void)
{
	td_history *h = td_history_new();
	assert_non_null(h);
	int64_t d = today();
	put_u(h, "SPY", d - 2, 0.25, 100);
	put_u(h, "SPY", d - 5, 0.10, 100);
	put_u(h, "SPY", d - 1, 0.30, 100);
	put_u(h, "SPY", d - 3, 0.20, 100);
	put_u(h, "SPY", d - 4, 0.15, 100);
	return h;
}

static void test_iv_rank_by_hand(void **state)
{
	(void)state;
	td_history *h = five_days();
	td_history_ivstat st;

	/* lo 0.10, hi 0.30: rank (0.25 - 0.10) / 0.20 = 75; below 0.25: .10 .15 .20 = 3/5 = 60 */
	assert_int_equal(td_history_iv_stats(h, "SPY", today(), 0.25, 365, 5, &st), 0);
	assert_near(st.rank, 75);
	assert_near(st.percentile, 60);
	assert_same(st.lo, 0.10);
	assert_same(st.hi, 0.30);
	assert_int_equal(st.days, 5);
	assert_null(st.why);

	/* 0.20: rank 50, below .10 .15 = 40 */
	assert_int_equal(td_history_iv_stats(h, "SPY", today(), 0.20, 365, 5, &st), 0);
	assert_near(st.rank, 50);
	assert_near(st.percentile, 40);

	/* equal to the low: rank 0, nothing strictly below */
	assert_int_equal(td_history_iv_stats(h, "SPY", today(), 0.10, 365, 1, &st), 0);
	assert_near(st.rank, 0);
	assert_near(st.percentile, 0);

	/* equal to the high: rank 100, four of five below = 80 */
	assert_int_equal(td_history_iv_stats(h, "SPY", today(), 0.30, 365, 1, &st), 0);
	assert_near(st.rank, 100);
	assert_near(st.percentile, 80);

	/* a new high and a new low clamp to 100 and 0 */
	assert_int_equal(td_history_iv_stats(h, "SPY", today(), 0.40, 365, 1, &st), 0);
	assert_near(st.rank, 100);
	assert_near(st.percentile, 100);
	assert_int_equal(td_history_iv_stats(h, "SPY", today(), 0.05, 365, 1, &st), 0);
	assert_near(st.rank, 0);
	assert_near(st.percentile, 0);
	td_history_free(h);

	/* IVs .30 .12 .18 .42 .24 .36, current .33: rank .21/.30 = 70; below: .30 .12 .18 .24 = 4/6 */
	h = td_history_new();
	const double iv[] = { 0.30, 0.12, 0.18, 0.42, 0.24, 0.36 };
	for (int i = 0; i < 6; i++)
		put_u(h, "QQQ", today() - 20 + 3 * i, iv[i], NAN);
	assert_int_equal(td_history_iv_stats(h, "QQQ", today(), 0.33, 30, 6, &st), 0);
	assert_near(st.rank, 70);
	assert_near(st.percentile, 400.0 / 6);
	assert_int_equal(st.days, 6);
	td_history_free(h);
}

static void test_iv_lookback_boundary(void **state)
{
	(void)state;
	td_history *h = td_history_new();
	int64_t d = today();
	td_history_ivstat st;

	put_u(h, "SPY", d - 11, 0.90, 1);  /* 11 days back: outside a 10-day lookback */
	put_u(h, "SPY", d - 10, 0.10, 1);  /* exactly 10 back: inside */
	put_u(h, "SPY", d - 5, 0.30, 1);
	put_u(h, "SPY", d, 0.50, 1);       /* today's own record: never in */
	put_u(h, "SPY", d + 1, 0.05, 1);   /* after the day: never in */

	/* window .10 .30: rank (.20 - .10) / .20 = 50, below .20: one of two */
	assert_int_equal(td_history_iv_stats(h, "SPY", d, 0.20, 10, 2, &st), 0);
	assert_int_equal(st.days, 2);
	assert_same(st.lo, 0.10);
	assert_same(st.hi, 0.30);
	assert_near(st.rank, 50);
	assert_near(st.percentile, 50);

	/* 11 days takes in .90: rank .10 / .80 = 12.5, below .20: one of three */
	assert_int_equal(td_history_iv_stats(h, "SPY", d, 0.20, 11, 2, &st), 0);
	assert_int_equal(st.days, 3);
	assert_same(st.hi, 0.90);
	assert_near(st.rank, 12.5);
	assert_near(st.percentile, 100.0 / 3);

	/* 9 days: only .30 is left */
	assert_int_equal(td_history_iv_stats(h, "SPY", d, 0.20, 9, 1, &st), -1);
	assert_int_equal(st.days, 1);
	td_history_free(h);
}

static void test_iv_too_few_and_flat(void **state)
{
	(void)state;
	td_history *h = td_history_new();
	int64_t d = today();
	td_history_ivstat st;

	put_u(h, "SPY", d - 1, 0.20, 1);
	put_u(h, "SPY", d - 2, 0.20, 1);
	put_u(h, "SPY", d - 3, NAN, 1);  /* no IV that day: not counted */

	assert_int_equal(td_history_iv_stats(h, "SPY", d, 0.25, 365, 3, &st), -1);
	assert_int_equal(st.days, 2);
	assert_true(isnan(st.rank) && isnan(st.percentile));
	assert_string_equal(st.why, "too few days of IV history");

	/* flat IV: rank has no range, percentile still counts (both below .25) */
	assert_int_equal(td_history_iv_stats(h, "SPY", d, 0.25, 365, 2, &st), -1);
	assert_true(isnan(st.rank));
	assert_near(st.percentile, 100);
	assert_string_equal(st.why, "IV did not move over the lookback");

	assert_int_equal(td_history_iv_stats(h, "SPY", d, NAN, 365, 1, &st), -1);
	assert_true(isnan(st.rank) && isnan(st.percentile));
	assert_string_equal(st.why, "no current IV");
	assert_int_equal(st.days, 2);

	assert_int_equal(td_history_iv_stats(h, "QQQ", d, 0.2, 365, 1, &st), -1);
	assert_int_equal(st.days, 0);
	assert_true(isnan(st.lo) && isnan(st.hi));
	assert_string_equal(st.why, "too few days of IV history");

	assert_int_equal(td_history_iv_stats(h, "SPY", d, 0.2, 0, 1, &st), -1);
	assert_string_equal(st.why, "lookback shorter than one day");
	td_history_free(h);
}

static void test_upsert(void **state)
{
	(void)state;
	td_history *h = td_history_new();
	int64_t d = today();
	td_history_contract_day c;
	td_history_underlying_day u;

	put_c(h, OCC, d, 100, 1.5, 10);
	put_c(h, OCC, d, 120, 1.75, 30);
	assert_int_equal(td_history_size(h), 1);
	assert_int_equal(td_history_contract_prev(h, OCC, d + 1, &c), 0);
	assert_int_equal(c.day, d);
	assert_same(c.oi, 120);
	assert_same(c.premium, 1.75);
	assert_same(c.volume, 30);

	put_c(h, OCC, d - 1, 90, 1.25, 5);
	assert_int_equal(td_history_size(h), 2);

	put_u(h, "SPY", d, 0.2, 500);
	put_u(h, "SPY", d, NAN, 501);
	assert_int_equal(td_history_size(h), 3);
	assert_int_equal(td_history_underlying_prev(h, "SPY", d + 1, &u), 0);
	assert_true(isnan(u.atm_iv));
	assert_same(u.close, 501);
	td_history_free(h);
}

static void test_prev_weekend_and_gaps(void **state)
{
	(void)state;
	td_history *h = td_history_new();
	td_history_contract_day c;
	td_history_underlying_day u;

	put_c(h, OCC, day_of(2024, 2, 28), 50, 0.5, 1);
	put_c(h, OCC, day_of(2024, 3, 13), 70, 0.7, 2);   /* Wednesday */
	put_c(h, OCC, day_of(2024, 3, 14), 80, 0.8, 3);   /* Thursday */
	put_c(h, OCC, day_of(2024, 3, 15), 90, 0.9, 4);   /* Friday */
	put_c(h, OCC, day_of(2024, 3, 18), 95, 0.95, 5);  /* Monday, "today" */

	/* Monday's previous day is Friday */
	assert_int_equal(td_history_contract_prev(h, OCC, day_of(2024, 3, 18), &c), 0);
	assert_int_equal(c.day, day_of(2024, 3, 15));
	assert_same(c.oi, 90);
	assert_same(c.premium, 0.9);
	/* and from Sunday too */
	assert_int_equal(td_history_contract_prev(h, OCC, day_of(2024, 3, 17), &c), 0);
	assert_int_equal(c.day, day_of(2024, 3, 15));
	/* across the gap back to February */
	assert_int_equal(td_history_contract_prev(h, OCC, day_of(2024, 3, 13), &c), 0);
	assert_int_equal(c.day, day_of(2024, 2, 28));
	assert_same(c.oi, 50);
	/* nothing before the first record, nor for an unknown contract */
	assert_int_equal(td_history_contract_prev(h, OCC, day_of(2024, 2, 28), &c), -1);
	assert_int_equal(td_history_contract_prev(h, "SPY", day_of(2024, 3, 18), &c), -1);
	assert_int_equal(td_history_contract_prev(h, NULL, day_of(2024, 3, 18), &c), -1);
	/* the kinds are separate */
	assert_int_equal(td_history_underlying_prev(h, OCC, day_of(2024, 3, 18), &u), -1);
	td_history_free(h);
}

static void test_volume_mean(void **state)
{
	(void)state;
	td_history *h = td_history_new();
	int64_t d = today();
	int used = -1;

	put_c(h, OCC, d - 5, 1, 1, 100);
	put_c(h, OCC, d - 4, 1, 1, 200);
	put_c(h, OCC, d - 3, 1, 1, NAN);
	put_c(h, OCC, d - 2, 1, 1, 300);
	put_c(h, OCC, d - 1, 1, 1, 700);
	put_c(h, OCC, d, 1, 1, 10000);  /* today: not in */

	/* last three known: 700 300 200 -> 400 */
	assert_near(td_history_volume_mean(h, OCC, d, 3, &used), 400);
	assert_int_equal(used, 3);
	/* all four known: 1300 / 4 */
	assert_near(td_history_volume_mean(h, OCC, d, 10, &used), 325);
	assert_int_equal(used, 4);
	/* before d - 3: 200 and 100 */
	assert_near(td_history_volume_mean(h, OCC, d - 3, 10, &used), 150);
	assert_int_equal(used, 2);
	assert_true(isnan(td_history_volume_mean(h, OCC, d - 5, 10, &used)));
	assert_int_equal(used, 0);
	assert_true(isnan(td_history_volume_mean(h, "NONE", d, 10, NULL)));
	td_history_free(h);
}

/* The records of the round-trip test, and the file they make, by hand. */
static void round_trip_put(td_history *h)
{
	int64_t d = today();
	put_u(h, "SPY", d, NAN, 513.1);
	put_u(h, "SPY", d - 1, 0.1834, 512.34);
	put_u(h, "NIFTY", d, 0.1, NAN);
	put_c(h, OCC, d, 1234, 12.15, 5678);
	put_c(h, OCC, d - 1, NAN, NAN, NAN);
	put_c(h, "SPXW  240315P05000000", d, 0, 0.05, 0);
	put_c(h, "\xc3\x9c 1", d, 7, 0.1 + 0.2, 9007199254740992.0);
}

static const char round_trip_text[] =
	"tapedeck-history 1\n"
	"# U\tdate\tunderlying\tatm_iv\tclose\n"
	"# C\tdate\tcontract\topen_interest\tpremium\tvolume\n"
	"U\t2024-03-15\tNIFTY\t0.1\tnan\n"
	"U\t2024-03-14\tSPY\t0.1834\t512.34\n"
	"U\t2024-03-15\tSPY\tnan\t513.1\n"
	"C\t2024-03-15\tSPXW  240315P05000000\t0\t0.05\t0\n"
	"C\t2024-03-14\tSPY   261120C00450000\tnan\tnan\tnan\n"
	"C\t2024-03-15\tSPY   261120C00450000\t1234\t12.15\t5678\n"
	"C\t2024-03-15\t\xc3\x9c 1\t7\t0.30000000000000004\t9007199254740992\n";

static void test_round_trip(void **state)
{
	fixture *fx = *state;
	char err[512] = "";
	td_history *h = td_history_new();
	round_trip_put(h);
	const char *path = path_of(fx, "history.tsv");
	assert_int_equal(td_history_save(h, path, today(), 30, 400, err, sizeof err), 0);
	char *text = read_text(path);
	assert_string_equal(text, round_trip_text);
	free(text);

	td_history *g = open_ok(fx, path);
	assert_int_equal(fx->nmsg, 0);
	assert_int_equal(td_history_bad_lines(g), 0);
	assert_int_equal(td_history_size(g), 7);
	int64_t d = today();
	td_history_underlying_day u;
	td_history_contract_day c;
	assert_int_equal(td_history_underlying_prev(g, "SPY", d + 1, &u), 0);
	assert_true(isnan(u.atm_iv));
	assert_same(u.close, 513.1);
	assert_int_equal(td_history_underlying_prev(g, "SPY", d, &u), 0);
	assert_same(u.atm_iv, 0.1834);
	assert_same(u.close, 512.34);
	assert_int_equal(td_history_contract_prev(g, OCC, d + 1, &c), 0);
	assert_same(c.oi, 1234);
	assert_same(c.premium, 12.15);
	assert_same(c.volume, 5678);
	assert_int_equal(td_history_contract_prev(g, OCC, d, &c), 0);
	assert_true(isnan(c.oi) && isnan(c.premium) && isnan(c.volume));
	assert_int_equal(td_history_contract_prev(g, "\xc3\x9c 1", d + 1, &c), 0);
	assert_same(c.premium, 0.1 + 0.2);
	assert_same(c.volume, 9007199254740992.0);
	/* the padded symbol is kept byte for byte, not trimmed */
	assert_int_equal(td_history_contract_prev(g, "SPY 261120C00450000", d + 1, &c), -1);

	/* saving what was loaded gives the same bytes */
	assert_int_equal(td_history_save(g, path, today(), 30, 400, err, sizeof err), 0);
	text = read_text(path);
	assert_string_equal(text, round_trip_text);
	free(text);
	td_history_free(g);
	td_history_free(h);
}

/* Mode bits of path. */
static unsigned mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Entries of dir other than . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	assert_non_null(d);
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void test_save_atomic(void **state)
{
	fixture *fx = *state;
	char err[512] = "", sub[128], file[256], tmp[300];
	mode_t old = umask(0);
	td_history *h = td_history_new();
	put_u(h, "SPY", today(), 0.2, 500);

	/* missing parents are created private */
	snprintf(sub, sizeof sub, "%s/a/b", fx->dir);
	snprintf(file, sizeof file, "%s/history.tsv", sub);
	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	assert_int_equal(td_history_save(h, file, today(), 30, 400, err, sizeof err), 0);
	assert_int_equal(mode_of(path_of(fx, "a")), 0700);
	assert_int_equal(mode_of(sub), 0700);
	assert_int_equal(mode_of(file), 0600);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(entries(sub), 1);

	/* a stale, open tmp and a file of another mode are both replaced */
	write_text(tmp, "junk");
	chmod(tmp, 0666);
	chmod(file, 0644);
	put_u(h, "SPY", today(), 0.3, 501);
	assert_int_equal(td_history_save(h, file, today(), 30, 400, err, sizeof err), 0);
	assert_int_equal(mode_of(file), 0600);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(entries(sub), 1);
	char *text = read_text(file);
	assert_non_null(strstr(text, "U\t2024-03-15\tSPY\t0.3\t501\n"));
	free(text);

	/* a directory where the file should be: an error, and no tmp left behind */
	assert_int_equal(mkdir(path_of(fx, "dir.tsv"), 0700), 0);
	assert_int_equal(td_history_save(h, fx->path, today(), 30, 400, err, sizeof err), -1);
	assert_non_null(strstr(err, "dir.tsv: cannot write: "));
	assert_int_equal(access(path_of(fx, "dir.tsv.tmp"), F_OK), -1);

	/* whatever the umask, the file is 0600 */
	umask(0277);
	assert_int_equal(td_history_save(h, path_of(fx, "u.tsv"), today(), 30, 400, err, sizeof err),
			 0);
	assert_int_equal(mode_of(fx->path), 0600);
	umask(old);
	td_history_free(h);
}

static void test_duplicates_and_order(void **state)
{
	fixture *fx = *state;
	char err[512] = "";
	td_history_underlying_day u;
	const char *path = path_of(fx, "dup.tsv");

	/* out of order, with SPY 03-14 twice: the later line is the one kept */
	write_text(path, "tapedeck-history 1\n"
		   "U\t2024-03-14\tSPY\t0.1\t1\n"
		   "U\t2024-03-15\tSPY\t0.3\t3\n"
		   "U\t2024-03-13\tAAA\t0.5\t5\n"
		   "U\t2024-03-12\tSPY\t0.4\t4\n"
		   "U\t2024-03-14\tSPY\t0.2\t2\n");
	td_history *h = open_ok(fx, path);
	assert_int_equal(fx->nmsg, 0);
	assert_int_equal(td_history_size(h), 4);
	assert_int_equal(td_history_underlying_prev(h, "SPY", today(), &u), 0);
	assert_int_equal(u.day, day_of(2024, 3, 14));
	assert_same(u.atm_iv, 0.2);
	assert_same(u.close, 2);
	assert_int_equal(td_history_save(h, path, today(), 30, 400, err, sizeof err), 0);
	char *text = read_text(path);
	assert_string_equal(text, "tapedeck-history 1\n"
			    "# U\tdate\tunderlying\tatm_iv\tclose\n"
			    "# C\tdate\tcontract\topen_interest\tpremium\tvolume\n"
			    "U\t2024-03-13\tAAA\t0.5\t5\n"
			    "U\t2024-03-12\tSPY\t0.4\t4\n"
			    "U\t2024-03-14\tSPY\t0.2\t2\n"
			    "U\t2024-03-15\tSPY\t0.3\t3\n");
	free(text);
	td_history_free(h);
}

static void test_prune(void **state)
{
	fixture *fx = *state;
	char err[512] = "";
	int64_t d = today();
	td_history *h = td_history_new();
	td_history_contract_day c;
	td_history_underlying_day u;

	put_c(h, "C1", d - 31, 1, 1, 1);  /* one day past 30: dropped */
	put_c(h, "C1", d - 30, 2, 2, 2);  /* exactly 30 back: kept */
	put_c(h, "C1", d, 3, 3, 3);
	put_c(h, "OLD", d - 100, 4, 4, 4);  /* the whole series goes */
	put_u(h, "U", d - 401, 0.1, 1);
	put_u(h, "U", d - 400, 0.2, 2);
	assert_int_equal(td_history_size(h), 6);
	const char *path = path_of(fx, "h.tsv");
	assert_int_equal(td_history_save(h, path, d, 30, 400, err, sizeof err), 0);
	assert_int_equal(td_history_size(h), 3);
	assert_int_equal(td_history_contract_prev(h, "C1", d - 30, &c), -1);
	assert_int_equal(td_history_contract_prev(h, "OLD", d, &c), -1);

	td_history *g = open_ok(fx, path);
	assert_int_equal(td_history_size(g), 3);
	assert_int_equal(td_history_contract_prev(g, "C1", d, &c), 0);
	assert_int_equal(c.day, d - 30);
	assert_int_equal(td_history_underlying_prev(g, "U", d, &u), 0);
	assert_int_equal(u.day, d - 400);
	assert_int_equal(td_history_underlying_prev(g, "U", d - 400, &u), -1);

	/* a negative keep drops nothing of that kind */
	put_c(g, "C1", d - 1000, 9, 9, 9);
	put_u(g, "U", d - 1000, 0.3, 3);
	assert_int_equal(td_history_save(g, path, d, -1, 0, err, sizeof err), 0);
	assert_int_equal(td_history_size(g), 3);  /* C1 x3; U has nothing from d on */
	assert_int_equal(td_history_contract_prev(g, "C1", d - 30, &c), 0);
	assert_int_equal(c.day, d - 1000);
	td_history_free(g);
	td_history_free(h);
}

/* Lines and the message each bad one must give (NULL: a good or skipped line). */
static const struct {
	const char *line;
	const char *msg;
} bad_cases[] = {
	{ "tapedeck-history 1\n", NULL },
	{ "U\t2024-03-14\tSPY\t0.18\t510\n", NULL },
	{ "U\t2024-03-14\tQQQ\t0.2\n", "expected 5 fields in a U record, found 4 (column 5)" },
	{ "C\t2024-03-14\tX\t1\t2\t3\t4\n", "expected 6 fields in a C record, found 7 (column 7)" },
	{ "X\t2024-03-14\tSPY\t1\t2\n", "unknown record type 'X', expected U or C (column 1)" },
	{ "U\t2024-02-30\tSPY\t0.1\t1\n",
	  "bad date '2024-02-30': bad day: not a day of that month (column 2)" },
	{ "U\t2024-03-13\tSP\x01Y\t0.1\t1\n",
	  "control character or invalid UTF-8 in symbol (column 3)" },
	{ "U\t2024-03-13\t\t0.1\t1\n", "empty symbol (column 3)" },
	{ "U\t2024-03-13\tABCDEFGHIJKLMNOPQRSTUVWXYZ0123456\t0.1\t1\n",
	  "symbol longer than 31 bytes (column 3)" },
	{ "U\t2024-03-13\tSPY\tinf\t1\n",
	  "bad ATM IV 'inf': infinite; write nan for a missing value (column 4)" },
	{ "U\t2024-03-13\tSPY\t0.1\t1e999\n", "bad close '1e999': out of range (column 5)" },
	{ "C\t2024-03-13\tX\t99999999999999999999\t1\t1\n",
	  "bad open interest '99999999999999999999': out of range (column 4)" },
	{ "C\t2024-03-13\tX\t1.5\t1\t1\n", "bad open interest '1.5': not a whole number (column 4)" },
	{ "C\t2024-03-13\tX\t1\t-0.5\t1\n", "bad premium '-0.5': out of range (column 5)" },
	{ "C\t2024-03-13\tX\t1\t1\t\n",
	  "bad volume '': empty; write nan for a missing value (column 6)" },
	{ "C\t2024-03-13\tX\t1\tabc\t1\n", "bad premium 'abc': not a number (column 5)" },
	{ "U\t2024-03-13\tSPY\t-nan\t1\n", "bad ATM IV '-nan': not a number (column 4)" },
	{ "U\t2024-03-13\tSPY\t101\t1\n", "bad ATM IV '101': out of range (column 4)" },
	{ "C\t2024-03-15\t" OCC "\tNaN\tnan\t7\r\n", NULL },
	{ "\x80\x81junk\tjunk\n", "unknown record type '??junk', expected U or C (column 1)" },
	{ "U\t2024-03-14\tSPY\t9999999999999999999999999999999999999999999999999999999999"
	  "999999999999999999999999999999999999999999999999999999999999999999999999999999"
	  "999999999999999999999999999999999999999999999999999999999999999999999999999999"
	  "999999999999999999999999999999999999999999999999999999999999999999999999999999\n",
	  "line longer than 255 bytes (column 4)" },
	{ "U\t2024-03-1\n", "expected 5 fields in a U record, found 2 (column 3)" },
	{ "\n", NULL },
	{ "# a comment\n", NULL },
	{ "U\t2024-03-14\tQQQ\t0.2\t400\n", NULL },
	{ "U\t2024-03-15\tQQQ\t0.25\t401", NULL },  /* no newline at the end */
};

static void test_malformed_lines(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "bad.tsv");
	char text[8192] = "", want[512];
	size_t nbad = 0, ncases = sizeof bad_cases / sizeof bad_cases[0];

	for (size_t i = 0; i < ncases; i++)
		strcat(text, bad_cases[i].line);
	write_text(path, text);
	td_history *h = open_ok(fx, path);
	for (size_t i = 0; i < ncases; i++) {
		if (!bad_cases[i].msg)
			continue;
		snprintf(want, sizeof want, "%s:%zu: %s", path, i + 1, bad_cases[i].msg);
		assert_true((int)nbad < fx->nmsg);
		assert_string_equal(fx->msg[nbad], want);
		nbad++;
	}
	assert_int_equal(fx->nmsg, nbad);
	assert_int_equal(td_history_bad_lines(h), nbad);

	/* the good lines all loaded, CRLF and the unterminated last line included */
	assert_int_equal(td_history_size(h), 4);
	td_history_underlying_day u;
	td_history_contract_day c;
	assert_int_equal(td_history_underlying_prev(h, "QQQ", today() + 1, &u), 0);
	assert_same(u.close, 401);
	assert_int_equal(td_history_underlying_prev(h, "QQQ", today(), &u), 0);
	assert_same(u.close, 400);
	assert_int_equal(td_history_contract_prev(h, OCC, today() + 1, &c), 0);
	assert_true(isnan(c.oi) && isnan(c.premium));
	assert_same(c.volume, 7);
	td_history_free(h);
}

static void test_nul_and_binary(void **state)
{
	fixture *fx = *state;
	const char *path = path_of(fx, "nul.tsv");
	static const char text[] = "tapedeck-history 1\n"
				   "U\t20\00024-03-14\tSPY\t1\t1\n"
				   "\xff\xfe\x00\x01\x02\n"
				   "U\t2024-03-14\tSPY\t0.5\t1\n";
	char want[512];

	write_bytes(path, text, sizeof text - 1);
	td_history *h = open_ok(fx, path);
	assert_int_equal(fx->nmsg, 2);
	snprintf(want, sizeof want, "%s:2: NUL byte in the line (column 2)", path);
	assert_string_equal(fx->msg[0], want);
	snprintf(want, sizeof want, "%s:3: NUL byte in the line (column 1)", path);
	assert_string_equal(fx->msg[1], want);
	assert_int_equal(td_history_size(h), 1);
	td_history_free(h);
}

static void test_empty_missing_unreadable(void **state)
{
	fixture *fx = *state;
	char err[512] = "", want[512];

	td_history *h = open_ok(fx, path_of(fx, "missing.tsv"));
	assert_int_equal(td_history_size(h), 0);
	td_history_free(h);

	write_text(path_of(fx, "empty.tsv"), "");
	h = open_ok(fx, fx->path);
	assert_int_equal(td_history_size(h), 0);
	assert_int_equal(fx->nmsg, 0);
	td_history_free(h);

	write_text(path_of(fx, "crlf.tsv"), "tapedeck-history 1\r\nU\t2024-03-14\tSPY\t0.5\t1\r\n");
	h = open_ok(fx, fx->path);
	assert_int_equal(td_history_size(h), 1);
	assert_int_equal(fx->nmsg, 0);
	td_history_free(h);

	assert_null(td_history_open(fx->dir, collect, fx, err, sizeof err));
	snprintf(want, sizeof want, "%s: not a regular file", fx->dir);
	assert_string_equal(err, want);

	write_text(path_of(fx, "nohdr.tsv"), "U\t2024-03-14\tSPY\t0.5\t1\n");
	assert_null(td_history_open(fx->path, collect, fx, err, sizeof err));
	snprintf(want, sizeof want, "%s:1: not a tapedeck history file (the first line should be "
		 "'tapedeck-history 1')", fx->path);
	assert_string_equal(err, want);

	if (geteuid() != 0) {  /* root reads through any mode */
		write_text(path_of(fx, "locked.tsv"), "tapedeck-history 1\n");
		chmod(fx->path, 0);
		assert_null(td_history_open(fx->path, collect, fx, err, sizeof err));
		snprintf(want, sizeof want, "%s: Permission denied", fx->path);
		assert_string_equal(err, want);
	}
}

static void test_version_mismatch(void **state)
{
	fixture *fx = *state;
	char err[512] = "", want[512];
	write_text(path_of(fx, "v2.tsv"), "tapedeck-history 2\nU\t2024-03-14\tSPY\t0.5\t1\n");
	assert_null(td_history_open(fx->path, collect, fx, err, sizeof err));
	snprintf(want, sizeof want, "%s:1: unsupported history version '2' (this build reads "
		 "version 1)", fx->path);
	assert_string_equal(err, want);

	write_text(path_of(fx, "v1x.tsv"), "tapedeck-history 1.1\n");
	assert_null(td_history_open(fx->path, collect, fx, err, sizeof err));
	assert_non_null(strstr(err, "unsupported history version '1.1'"));
}

/* A file of the header and then `lines` lines of "#". */
static void write_comments(const char *path, size_t lines)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("tapedeck-history 1\n", f);
	for (size_t i = 0; i < lines; i++)
		fputs("#\n", f);
	assert_int_equal(fclose(f), 0);
}

static void test_line_limit(void **state)
{
	fixture *fx = *state;
	char err[512] = "", want[512];

	write_comments(path_of(fx, "max.tsv"), TD_HISTORY_MAX_LINES - 1);
	td_history *h = open_ok(fx, fx->path);
	td_history_free(h);

	write_comments(path_of(fx, "over.tsv"), TD_HISTORY_MAX_LINES);
	assert_null(td_history_open(fx->path, collect, fx, err, sizeof err));
	snprintf(want, sizeof want, "%s: more than 2000000 lines; refusing a file this large",
		 fx->path);
	assert_string_equal(err, want);
}

static void test_message_cap(void **state)
{
	fixture *fx = *state;
	char want[512];
	FILE *f = fopen(path_of(fx, "many.tsv"), "w");
	assert_non_null(f);
	fputs("tapedeck-history 1\n", f);
	for (int i = 0; i < 60; i++)
		fputs("bad\n", f);
	fputs("U\t2024-03-14\tSPY\t0.5\t1\n", f);
	fclose(f);

	td_history *h = open_ok(fx, fx->path);
	assert_int_equal(fx->nmsg, TD_HISTORY_MSG_MAX + 1);
	snprintf(want, sizeof want, "%s:51: unknown record type 'bad', expected U or C (column 1)",
		 fx->path);
	assert_string_equal(fx->msg[TD_HISTORY_MSG_MAX - 1], want);
	snprintf(want, sizeof want, "%s: 10 more bad lines skipped without a message", fx->path);
	assert_string_equal(fx->msg[TD_HISTORY_MSG_MAX], want);
	assert_int_equal(td_history_bad_lines(h), 60);
	assert_int_equal(td_history_size(h), 1);
	td_history_free(h);
}

static void test_put_rejects(void **state)
{
	(void)state;
	td_history *h = td_history_new();
	char err[256];
	td_history_underlying_day u = { .day = today(), .atm_iv = 0.2, .close = 1 };
	td_history_contract_day c = { .day = today(), .oi = 1, .premium = 1, .volume = 1 };

	assert_int_equal(td_history_put_underlying(h, "SP\nY", &u, err, sizeof err), -1);
	assert_string_equal(err, "control character or invalid UTF-8 in symbol");
	assert_int_equal(td_history_put_underlying(h, "SP\tY", &u, err, sizeof err), -1);
	assert_int_equal(td_history_put_underlying(h, "\xff", &u, err, sizeof err), -1);
	assert_int_equal(td_history_put_underlying(h, "", &u, err, sizeof err), -1);
	assert_string_equal(err, "empty symbol");
	assert_int_equal(td_history_put_underlying(h, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", &u, err,
						   sizeof err), -1);
	assert_string_equal(err, "symbol longer than 31 bytes");
	/* 31 bytes is fine */
	assert_int_equal(td_history_put_underlying(h, "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234", &u, err,
						   sizeof err), 0);
	u.atm_iv = INFINITY;
	assert_int_equal(td_history_put_underlying(h, "SPY", &u, err, sizeof err), -1);
	assert_string_equal(err, "bad ATM IV inf: infinite; write nan for a missing value");
	u.atm_iv = 0.2;
	u.day = day_of(10000, 1, 1);
	assert_int_equal(td_history_put_underlying(h, "SPY", &u, err, sizeof err), -1);
	c.oi = -1;
	assert_int_equal(td_history_put_contract(h, OCC, &c, err, sizeof err), -1);
	assert_string_equal(err, "bad open interest -1: out of range");
	c.oi = 1;
	c.volume = 1.5;
	assert_int_equal(td_history_put_contract(h, OCC, &c, err, sizeof err), -1);
	assert_string_equal(err, "bad volume 1.5: not a whole number");
	c.volume = 1;
	c.premium = -0.01;
	assert_int_equal(td_history_put_contract(h, OCC, &c, err, sizeof err), -1);
	assert_int_equal(td_history_size(h), 1);
	td_history_free(h);
}

/*
 * A month of 1,000 contracts recorded day by day as the app would, saved,
 * loaded and queried; timed in CPU time, so waiting on the disk does not count.
 */
static void test_scale(void **state)
{
	fixture *fx = *state;
	char err[512] = "", sym[32];
	int64_t d = today();
	td_history *h = td_history_new();
	td_history_contract_day c;
	struct timespec t0, t1;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	for (int day = 29; day >= 0; day--)
		for (int k = 0; k < 1000; k++) {
			snprintf(sym, sizeof sym, "SPY   2612%02dC%08d", k % 28 + 1, k * 1000);
			put_c(h, sym, d - day, k, day, k + day);
		}
	assert_int_equal(td_history_size(h), 30000);
	assert_int_equal(td_history_save(h, path_of(fx, "big.tsv"), d, 30, 400, err, sizeof err), 0);
	td_history *g = open_ok(fx, fx->path);
	assert_int_equal(td_history_size(g), 30000);
	for (int k = 0; k < 1000; k++) {
		snprintf(sym, sizeof sym, "SPY   2612%02dC%08d", k % 28 + 1, k * 1000);
		for (int day = 0; day < 29; day++) {
			assert_int_equal(td_history_contract_prev(g, sym, d - day, &c), 0);
			assert_int_equal(c.day, d - day - 1);
			assert_same(c.oi, k);
		}
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 5.0);  /* well under 0.1 s unsanitised; the margin is for ASan */
	td_history_free(g);
	td_history_free(h);
}

/* The record limit: one past it is refused, and nothing changes. */
static void test_record_limit(void **state)
{
	(void)state;
	td_history *h = td_history_new();
	char sym[32], err[256] = "";
	int64_t d = today();
	td_history_contract_day c = { .oi = 1, .premium = 1, .volume = 1 };

	for (int k = 0; k < TD_HISTORY_MAX_RECORDS / 1000; k++) {
		snprintf(sym, sizeof sym, "C%05d", k);
		for (int day = 999; day >= 0; day--) {
			c.day = d - day;
			assert_int_equal(td_history_put_contract(h, sym, &c, err, sizeof err), 0);
		}
	}
	assert_int_equal(td_history_size(h), TD_HISTORY_MAX_RECORDS);
	c.day = d + 1;
	assert_int_equal(td_history_put_contract(h, "C00000", &c, err, sizeof err), -1);
	assert_string_equal(err, "history full: 2000000 records");
	assert_int_equal(td_history_put_contract(h, "NEW", &c, err, sizeof err), -1);
	assert_int_equal(td_history_size(h), TD_HISTORY_MAX_RECORDS);
	assert_int_equal(td_history_contract_prev(h, "NEW", d + 2, &(td_history_contract_day){ 0 }), -1);
	td_history_free(h);
}

/* xorshift64: a fixed sequence, so a failure can be replayed. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_fuzz(void **state)
{
	fixture *fx = *state;
	static const char alphabet[] = "UC\t\t\t\n\n\r-.0123456789naeNf# \x01\x80\xff";
	const char *path = path_of(fx, "fuzz.tsv");
	char buf[1024], err[512];
	uint64_t seed = 0x9e3779b97f4a7c15u;

	for (int iter = 0; iter < 2000; iter++) {
		size_t n = 0;
		if (iter % 2 == 0)
			n = (size_t)snprintf(buf, sizeof buf, "tapedeck-history 1\n");
		size_t len = next_rand(&seed) % 600;
		for (size_t i = 0; i < len; i++) {
			uint64_t r = next_rand(&seed);
			buf[n++] = r % 4 ? alphabet[(r >> 8) % (sizeof alphabet - 1)] : (char)(r >> 16);
		}
		write_bytes(path, buf, n);
		fx->nmsg = 0;
		td_history *h = td_history_open(path, collect, fx, err, sizeof err);
		if (h) {
			assert_true(td_history_size(h) <= n / 10);
			td_history_free(h);
		}
	}

	/* every prefix of a good file: no crash, at most the cut line is bad */
	size_t full = strlen(round_trip_text);
	for (size_t cut = 0; cut <= full; cut++) {
		write_bytes(path, round_trip_text, cut);
		fx->nmsg = 0;
		td_history *h = td_history_open(path, collect, fx, err, sizeof err);
		if (cut == 0 || cut >= strlen("tapedeck-history 1")) {
			assert_non_null(h);
			assert_true(fx->nmsg <= 1);
			assert_true(td_history_size(h) <= 7);
		} else {
			assert_null(h);
		}
		td_history_free(h);
	}
}

static void test_default_path(void **state)
{
	(void)state;
	char buf[256], small[8];
	char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char saved_xdg[256] = "", saved_home[256] = "";
	if (xdg)
		snprintf(saved_xdg, sizeof saved_xdg, "%s", xdg);
	if (home)
		snprintf(saved_home, sizeof saved_home, "%s", home);

	setenv("XDG_STATE_HOME", "/x/state", 1);
	assert_int_equal(td_history_default_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/x/state/tapedeck/history.tsv");
	assert_int_equal(td_history_default_path(small, sizeof small), -1);
	setenv("XDG_STATE_HOME", "relative", 1);  /* ignored, as the XDG spec asks */
	setenv("HOME", "/home/u", 1);
	assert_int_equal(td_history_default_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/home/u/.local/state/tapedeck/history.tsv");
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	assert_int_equal(td_history_default_path(buf, sizeof buf), -1);

	if (xdg)
		setenv("XDG_STATE_HOME", saved_xdg, 1);
	if (home)
		setenv("HOME", saved_home, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iv_rank_by_hand),
		cmocka_unit_test(test_iv_lookback_boundary),
		cmocka_unit_test(test_iv_too_few_and_flat),
		cmocka_unit_test(test_upsert),
		cmocka_unit_test(test_prev_weekend_and_gaps),
		cmocka_unit_test(test_volume_mean),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_and_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_missing_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_cap, setup, teardown),
		cmocka_unit_test(test_put_rejects),
		cmocka_unit_test_setup_teardown(test_scale, setup, teardown),
		cmocka_unit_test(test_record_limit),
		cmocka_unit_test_setup_teardown(test_fuzz, setup, teardown),
		cmocka_unit_test(test_default_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
