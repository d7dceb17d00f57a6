/*
 * The log: one file, never the terminal.
 *
 * The sink is the one process-wide log handle (a named exception to "no
 * global state").  Each line is written with a single write(2) on an
 * O_APPEND descriptor, so lines from the feed and engine threads never
 * interleave.  Control characters in the message are escaped.
 */
#ifndef TD_LOG_H
#define TD_LOG_H

typedef enum td_log_level {
	TD_LOG_ERROR = 0,
	TD_LOG_WARN,
	TD_LOG_INFO,
	TD_LOG_DEBUG
} td_log_level;

/*
 * Open the log at `path`, creating parent directories.  NULL means the default
 * $XDG_STATE_HOME/tapedeck/tapedeck.log (or ~/.local/state/...).  Returns 0 or
 * -1 (logging is then silently off).
 */
int td_log_open(const char *path, td_log_level level);
void td_log_close(void);

/* The path of the open log, or NULL. */
const char *td_log_path(void);

void td_log_write(td_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define td_log_error(...) td_log_write(TD_LOG_ERROR, __VA_ARGS__)
#define td_log_warn(...) td_log_write(TD_LOG_WARN, __VA_ARGS__)
#define td_log_info(...) td_log_write(TD_LOG_INFO, __VA_ARGS__)
#define td_log_debug(...) td_log_write(TD_LOG_DEBUG, __VA_ARGS__)

/* Parse "error|warn|info|debug"; returns 0 or -1. */
int td_log_level_parse(const char *s, td_log_level *out);

#endif
