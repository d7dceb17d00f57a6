/*
 * Unit tests for src/core/log.c: line format, level filter, escaping, file
 * modes, the default path, and lines from two threads staying whole.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define LINES_PER_THREAD 1000

static char tmpdir[] = "/tmp/td-log-XXXXXX";

static int group_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	td_log_close();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The whole file as a NUL-terminated string (caller frees). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* Count '\n' in s. */
static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * Check "YYYY-MM-DDTHH:MM:SS.mmmZ " at line and return the instant it names
 * (seconds since the epoch, UTC), or -1 if malformed.
 */
static time_t stamp_of(const char *line)
{
	struct tm tm = { 0 };
	int ms, used = 0;

	if (sscanf(line, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ %n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms, &used) != 7 ||
	    used != 25)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

/* Open a fresh log at tmpdir/name and return its path in buf. */
static void open_log(const char *name, td_log_level level, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", tmpdir, name);
	assert_int_equal(td_log_open(buf, level), 0);
	assert_non_null(td_log_path());
	assert_string_equal(td_log_path(), buf);
}

/* Lines are "TIMESTAMP LEVEL message", stamped now in UTC. */
static void test_line_format(void **state)
{
	char path[256];

	(void)state;
	time_t before = time(NULL);
	open_log("format.log", TD_LOG_DEBUG, path, sizeof path);
	td_log_error("disk %s", "full");
	td_log_warn("feed stale for %d s", 3);
	td_log_info("hello %d", 42);
	td_log_debug("x=%.2f", 1.5);
	td_log_close();
	time_t after = time(NULL);

	char *text = slurp(path);
	static const char *const want[] = {
		"ERROR disk full", "WARN feed stale for 3 s", "INFO hello 42", "DEBUG x=1.50",
	};
	char *line = text;
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		char *nl = strchr(line, '\n');
		assert_non_null(nl);
		*nl = '\0';
		time_t t = stamp_of(line);
		assert_true(t >= before && t <= after);
		assert_string_equal(line + 25, want[i]);
		line = nl + 1;
	}
	assert_string_equal(line, "");
	free(text);
}

/* Messages less severe than the level are dropped. */
static void test_level_filter(void **state)
{
	char path[256];

	(void)state;
	open_log("filter.log", TD_LOG_WARN, path, sizeof path);
	td_log_debug("no");
	td_log_info("no");
	td_log_warn("yes");
	td_log_error("yes");
	td_log_close();
	char *text = slurp(path);
	assert_int_equal(count_lines(text), 2);
	assert_null(strstr(text, "no"));
	free(text);

	open_log("errors-only.log", TD_LOG_ERROR, path, sizeof path);
	td_log_warn("no");
	td_log_error("yes");
	td_log_close();
	text = slurp(path);
	assert_int_equal(count_lines(text), 1);
	assert_non_null(strstr(text, "ERROR yes\n"));
	free(text);
}

/* Control characters, C1 controls in UTF-8 and backslashes are escaped; other UTF-8 is kept. */
static void test_escaping(void **state)
{
	char path[256];

	(void)state;
	open_log("escape.log", TD_LOG_INFO, path, sizeof path);
	td_log_info("a\x1b[31mb\tc\\d\ne\x7f" "f\xc2\x9bg \xc3\xa9");
	td_log_close();
	char *text = slurp(path);
	assert_int_equal(count_lines(text), 1);
	assert_string_equal(text + 25,
			    "INFO a\\x1b[31mb\\x09c\\\\d\\x0ae\\x7ff\\xc2\\x9bg \xc3\xa9\n");
	free(text);
}

/* A message longer than the line buffer is cut, and the line still ends. */
static void test_long_message(void **state)
{
	char path[256];
	static char big[8000];

	(void)state;
	memset(big, 'z', sizeof big - 1);
	open_log("long.log", TD_LOG_INFO, path, sizeof path);
	td_log_info("%s", big);
	td_log_info("after");
	td_log_close();
	char *text = slurp(path);
	assert_int_equal(count_lines(text), 2);
	assert_non_null(strstr(text, "INFO after\n"));
	free(text);
}

/* Parent directories are created 0700 and the file 0600; reopening appends. */
static void test_modes_and_append(void **state)
{
	char path[256], dir[256];
	struct stat st;

	(void)state;
	open_log("a/b/mode.log", TD_LOG_INFO, path, sizeof path);
	td_log_info("one");
	td_log_close();
	open_log("a/b/mode.log", TD_LOG_INFO, path, sizeof path);
	td_log_info("two");
	td_log_close();

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(dir, sizeof dir, "%s/a/b", tmpdir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	char *text = slurp(path);
	assert_int_equal(count_lines(text), 2);
	assert_true(strstr(text, "one") < strstr(text, "two"));
	free(text);
}

/* NULL (or "") means $XDG_STATE_HOME/tapedeck/tapedeck.log. */
static void test_default_path(void **state)
{
	char state_home[256], want[300];

	(void)state;
	snprintf(state_home, sizeof state_home, "%s/state", tmpdir);
	setenv("XDG_STATE_HOME", state_home, 1);
	snprintf(want, sizeof want, "%s/tapedeck/tapedeck.log", state_home);

	assert_int_equal(td_log_open(NULL, TD_LOG_INFO), 0);
	assert_string_equal(td_log_path(), want);
	td_log_info("default");
	td_log_close();
	assert_int_equal(access(want, F_OK), 0);

	assert_int_equal(td_log_open("", TD_LOG_INFO), 0);
	assert_string_equal(td_log_path(), want);
	td_log_close();
	unsetenv("XDG_STATE_HOME");
}

/* A log that cannot be opened is off: -1, no path, writes are ignored. */
static void test_open_failure(void **state)
{
	char path[256];

	(void)state;
	open_log("plain-file", TD_LOG_INFO, path, sizeof path);
	td_log_close();
	snprintf(path, sizeof path, "%s/plain-file/sub/x.log", tmpdir);
	assert_int_equal(td_log_open(path, TD_LOG_INFO), -1);
	assert_null(td_log_path());
	td_log_error("goes nowhere");
}

/* Logging leaves errno as it found it. */
static void test_errno_kept(void **state)
{
	char path[256];

	(void)state;
	open_log("errno.log", TD_LOG_INFO, path, sizeof path);
	errno = ENOSPC;
	td_log_info("errno is %d", errno);
	assert_int_equal(errno, ENOSPC);
	td_log_close();
}

static void *log_many(void *arg)
{
	int id = *(int *)arg;
	for (int i = 0; i < LINES_PER_THREAD; i++)
		td_log_info("thread %d line %04d %0200d", id, i, 0);
	return NULL;
}

/* Two threads logging at once give 2000 whole lines, each exactly once. */
static void test_threads(void **state)
{
	char path[256];
	pthread_t th[2];
	int ids[2] = { 0, 1 };
	static bool seen[2][LINES_PER_THREAD];

	(void)state;
	open_log("threads.log", TD_LOG_INFO, path, sizeof path);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, log_many, &ids[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	td_log_close();

	char *text = slurp(path);
	assert_int_equal(count_lines(text), 2 * LINES_PER_THREAD);
	for (char *line = text, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		int id, n, used = 0;
		*nl = '\0';
		assert_true(stamp_of(line) > 0);
		assert_int_equal(sscanf(line + 25, "INFO thread %d line %d %*s%n", &id, &n, &used), 2);
		assert_int_equal(strlen(line + 25), (size_t)used);
		assert_int_equal(strlen(line), 25 + strlen("INFO thread 0 line 0000 ") + 200);
		assert_true(id >= 0 && id < 2 && n >= 0 && n < LINES_PER_THREAD);
		assert_false(seen[id][n]);
		seen[id][n] = true;
	}
	free(text);
}

/* Level words parse; anything else is refused. */
static void test_level_parse(void **state)
{
	static const char *const words[] = { "error", "warn", "info", "debug" };
	static const td_log_level levels[] = { TD_LOG_ERROR, TD_LOG_WARN, TD_LOG_INFO, TD_LOG_DEBUG };
	td_log_level l;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(words); i++) {
		assert_int_equal(td_log_level_parse(words[i], &l), 0);
		assert_int_equal(l, levels[i]);
	}
	assert_int_equal(td_log_level_parse("INFO", &l), -1);
	assert_int_equal(td_log_level_parse("warning", &l), -1);
	assert_int_equal(td_log_level_parse("", &l), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_format),
		cmocka_unit_test(test_level_filter),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_long_message),
		cmocka_unit_test(test_modes_and_append),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_open_failure),
		cmocka_unit_test(test_errno_kept),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_level_parse),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
