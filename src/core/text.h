/*
 * Text from outside (symbols, feed messages, file contents) before it reaches
 * the terminal or the log.
 */
#ifndef TD_TEXT_H
#define TD_TEXT_H

#include <stddef.h>

/*
 * Copy src into dst (size n, always NUL-terminated), dropping C0 and C1
 * control characters and DEL, and replacing bytes that are not valid UTF-8
 * with '?'.  Returns the length written.
 */
size_t td_text_sanitize(char *dst, size_t n, const char *src);

/*
 * Format a message into err (size errlen) for a caller to report; err may be
 * NULL or errlen 0 when the caller does not want the text.  Returns -1, the
 * usual failure value, so a function can end with `return td_errf(...)`.
 */
int td_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Copy at most n-1 bytes and terminate; returns strlen(src) like strlcpy. */
size_t td_strlcpy(char *dst, const char *src, size_t n);

/* Strip a trailing "\n" or "\r\n" (any run of them), in place. */
void td_chomp(char *s);

/* Trim blanks (spaces and tabs) on both sides, in place; returns the start. */
char *td_trim(char *s);

/*
 * Split line on commas into a malloc'ed array (the caller frees it) of
 * trimmed fields pointing into line, which is cut; *n gets the count.
 * No quoting: a comma always separates.  NULL when out of memory.
 */
char **td_split_csv(char *line, size_t *n);

#endif
