/*
 * The log sink.
 *
 * The descriptor, level and path below are the one piece of process-wide
 * state the log needs.  They are set by td_log_open and td_log_close, which
 * run on the main thread before other threads start and after they stop;
 * td_log_write only reads them, so any thread may log without a lock.
 *
 * A line is built whole on the stack and written with one write(2) on an
 * O_APPEND descriptor: the kernel appends each write atomically, so lines
 * from different threads never interleave.
 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "fsutil.h"

#define TD_LOG_MSG_MAX 1024

static int td_log_fd = -1;
static td_log_level td_log_max = TD_LOG_INFO;
static char td_log_file[4096];

static const char *const td_log_names[] = { "error", "warn", "info", "debug" };
static const char *const td_log_tags[] = { "ERROR", "WARN", "INFO", "DEBUG" };

/* Map a level word to its level. */
int td_log_level_parse(const char *s, td_log_level *out)
{
	for (size_t i = 0; i < sizeof td_log_names / sizeof td_log_names[0]; i++) {
		if (strcmp(s, td_log_names[i]) == 0) {
			*out = (td_log_level)i;
			return 0;
		}
	}
	return -1;
}

/* Open (or reopen) the sink at path, or at the default path for NULL or "". */
int td_log_open(const char *path, td_log_level level)
{
	char def[sizeof td_log_file];

	td_log_close();
	if (!path || *path == '\0') {
		size_t len;
		if (td_config_state_dir(def, sizeof def) != 0)
			return -1;
		len = strlen(def);
		if (snprintf(def + len, sizeof def - len, "/tapedeck.log") >= (int)(sizeof def - len))
			return -1;
		path = def;
	}
	if (strlen(path) >= sizeof td_log_file || td_fs_make_parents(path) != 0)
		return -1;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	snprintf(td_log_file, sizeof td_log_file, "%s", path);
	td_log_max = level;
	td_log_fd = fd;
	return 0;
}

/* Turn logging off. */
void td_log_close(void)
{
	if (td_log_fd >= 0)
		close(td_log_fd);
	td_log_fd = -1;
	td_log_file[0] = '\0';
}

/* The open log's path, or NULL. */
const char *td_log_path(void)
{
	return td_log_fd >= 0 ? td_log_file : NULL;
}

/* Write "YYYY-MM-DDTHH:MM:SS.mmmZ LEVEL " (UTC) at buf; returns its length. */
static size_t td_log_stamp(char *buf, size_t n, td_log_level level)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int w = snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, td_log_tags[level]);
	return w > 0 ? (size_t)w : 0;
}

/*
 * Append msg at out, writing control characters (C0, DEL, and C1 in their
 * UTF-8 form) as \xNN and a backslash as \\, so a log line is one line and
 * cannot drive the terminal of whoever reads it.  out needs 4 bytes per
 * byte of msg; returns the length appended.
 */
static size_t td_log_escape(char *out, const char *msg)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)msg;
	size_t n = 0;

	for (; *p; p++) {
		bool c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
		if (*p == '\\') {
			out[n++] = '\\';
			out[n++] = '\\';
		} else if (*p >= 0x20 && *p != 0x7f && !c1) {
			out[n++] = (char)*p;
		} else {
			size_t len = c1 ? 2 : 1;
			for (size_t k = 0; k < len; k++) {
				out[n++] = '\\';
				out[n++] = 'x';
				out[n++] = hex[p[k] >> 4];
				out[n++] = hex[p[k] & 0xf];
			}
			p += len - 1;
		}
	}
	return n;
}

/* Format and append one line, unless the level is filtered out. */
void td_log_write(td_log_level level, const char *fmt, ...)
{
	char msg[TD_LOG_MSG_MAX];
	char line[64 + 4 * TD_LOG_MSG_MAX];
	va_list ap;

	if (td_log_fd < 0 || (unsigned)level > (unsigned)td_log_max)
		return;
	int saved_errno = errno;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	size_t n = td_log_stamp(line, 64, level);
	n += td_log_escape(line + n, msg);
	line[n++] = '\n';
	ssize_t w = write(td_log_fd, line, n);
	(void)w;
	errno = saved_errno;
}
